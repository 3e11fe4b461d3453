"""Configuration: YAML files → validated, frozen models, with located errors.

``load_config(path)`` returns the :class:`ContactCenter` or raises
:class:`ConfigError` listing every problem at file:line:column. ``load(path)``
also returns warnings (e.g. a queue no agent can serve) and the source map.
"""

from ccctl.config.errors import ConfigError, Location, Problem, Severity
from ccctl.config.loader import Loaded, load, load_config
from ccctl.config.models import ContactCenter
from ccctl.config.schema import json_schema
from ccctl.config.sourcemap import SourceMap

__all__ = [
    "ConfigError",
    "ContactCenter",
    "Loaded",
    "Location",
    "Problem",
    "Severity",
    "SourceMap",
    "json_schema",
    "load",
    "load_config",
]
