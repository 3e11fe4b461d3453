"""JSON Schema of the YAML configuration, for editors (e.g. the VS Code YAML extension).

Any file may be a fragment that another file includes, so the schema requires
no top-level key; ``ccctl validate`` checks that the merged files are complete.
To use it, print it with ``ccctl schema > ccctl.schema.json`` and start each file with
``# yaml-language-server: $schema=ccctl.schema.json``.
"""

from __future__ import annotations

from typing import Any

from ccctl.config.loader import INCLUDE_KEY
from ccctl.config.models import ContactCenter

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema of one config file: the models' keys plus ``include``."""
    schema = ContactCenter.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = "ccctl contact-center configuration"
    schema.pop("required", None)
    schema["properties"] = {
        INCLUDE_KEY: {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "More YAML files to merge in, relative to this file. Lists such "
            "as agents or queues may be split across files; other keys may appear only once.",
        },
        **schema["properties"],
    }
    return schema
