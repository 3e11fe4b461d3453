"""Prompts: synthesised standard prompts and imported organisation recordings.

``ccctl prompts build CONFIG`` (:mod:`ccctl.prompts.cli`) writes
``<out>/<lang>/<prompt-id>.wav`` for every prompt and site language; see
docs/prompts.md.
"""

# ccctl.config's package __init__ imports the config models, which import
# ccctl.prompts.models. Importing ccctl.config first means that importing
# ccctl.prompts.models on its own (a test, a tool) does not meet a half-built
# ccctl.config.models through ccctl.config.types: no import cycle either way.
import ccctl.config  # noqa: F401
