"""The Exempelkommun example: loads, is realistic, and matches schema and docs."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from ccctl.config import ContactCenter, json_schema, load, load_config
from ccctl.config.reference import render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example" / "ccctl.yaml"


def test_given_the_example_config_then_it_loads_without_warnings() -> None:
    loaded = load(EXAMPLE)

    assert loaded.warnings == ()
    config = loaded.config
    assert config.site.name == "Exempelkommun"
    assert config.site.languages == ("sv", "en")
    assert len(config.entry_points) == 2
    assert [queue.name["sv"] for queue in config.queues] == ["Socialtjänst", "Bygglov", "Växel"]
    assert len(config.agents) == 6


def test_given_the_example_config_then_every_agent_has_skills_and_a_group() -> None:
    config = load_config(EXAMPLE)

    assert all(agent.skills and agent.groups for agent in config.agents)
    assert {agent.device.value for agent in config.agents} == {"sip", "webrtc"}


def test_given_the_example_config_then_included_values_are_located_in_their_own_file() -> None:
    sources = load(EXAMPLE).sources

    assert sources.value(("agents", 0, "extension")).file.name == "agents.yaml"
    assert sources.value(("queues", 2, "id")).file.name == "queues.yaml"
    assert sources.value(("site", "name")).file.name == "ccctl.yaml"


def test_given_the_loaded_config_then_it_is_frozen() -> None:
    config = load_config(EXAMPLE)

    with pytest.raises(ValueError, match="frozen"):
        config.site.name = "Annan kommun"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["ccctl.yaml", "agents.yaml", "queues.yaml"])
def test_given_each_example_file_then_the_json_schema_accepts_it(name: str) -> None:
    document = yaml.safe_load((EXAMPLE.parent / name).read_text(encoding="utf-8"))

    jsonschema.validate(document, json_schema())


def test_given_an_unknown_key_then_the_json_schema_rejects_it() -> None:
    document = {"queues": [{"id": "vaxel", "wrapup_seconds": 10}]}

    with pytest.raises(jsonschema.ValidationError, match="wrapup_seconds"):
        jsonschema.validate(document, json_schema())


def test_given_the_json_schema_then_it_offers_include_to_editors() -> None:
    schema = json_schema()

    assert schema["properties"]["include"]["type"] == "array"
    assert "required" not in schema  # any file may be a fragment
    jsonschema.Draft202012Validator.check_schema(schema)


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    seen.add(model)
    for info in model.model_fields.values():
        for candidate in _types_in(info.annotation):
            if candidate not in seen:
                _models(candidate, seen)
    return seen


def _types_in(annotation: object) -> list[type[BaseModel]]:
    found = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    found += [m for a in get_args(annotation) for m in _types_in(a)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    return found


def test_given_docs_config_md_then_it_documents_every_model_field() -> None:
    docs = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")

    for model in _models(ContactCenter, set()):
        for field in model.model_fields:
            assert f"| `{field}` |" in docs, f"{model.__name__}.{field} is not in docs/config.md"


def test_given_docs_config_md_then_its_reference_matches_the_models() -> None:
    docs = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")

    assert render() in docs, "run: python -m ccctl.config.reference docs/config.md"
