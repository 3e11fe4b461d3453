"""Configuration → PBX configuration files: a pure pipeline.

``build_plan`` decides (PBX-neutral), ``render_asterisk`` formats Asterisk
``.conf`` files from templates, ``load_or_create`` keeps the generated secrets.
"""

from ccctl.dialplan.plan import PbxPlan, PlanError, build_plan
from ccctl.dialplan.render import Layout, render_asterisk, render_config
from ccctl.dialplan.secrets import Secrets, SecretsError, load_or_create

__all__ = [
    "Layout",
    "PbxPlan",
    "PlanError",
    "Secrets",
    "SecretsError",
    "build_plan",
    "load_or_create",
    "render_asterisk",
    "render_config",
]
