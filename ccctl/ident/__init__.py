"""Caller identification: A-number, personnummer, PIN and other entered numbers.

The FastAGI server (``agi``) collects digits itself, validates them
(``personnummer``, ``rules``), looks callers up (``directory``) and sets only
result variables on the channel; see docs/identification.md.
"""

# ccctl.config's package imports its models, which import ccctl.ident.models.
# Loading ccctl.config first makes `import ccctl.ident.models` work as the
# first import too, instead of meeting a half-initialised module.
import ccctl.config  # noqa: F401
