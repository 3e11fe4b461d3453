"""Opening hours: weekly schedules, Swedish public holidays, reduced days, exceptions.

The weekly schedule compiles into the dialplan (``GotoIfTime``); the days that
differ (holidays, reduced days, explicit exceptions) are written to AstDB by
``ccctl hours sync`` so they change without a reload.
"""

# ccctl.config.models imports this package's models, which import
# ccctl.config.types: load ccctl.config first, so that importing this package on
# its own never meets a half-initialised ccctl.config (a circular import).
import ccctl.config  # noqa: F401  (isort: skip)
