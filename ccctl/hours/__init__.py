"""Opening hours: weekly schedules, Swedish public holidays, reduced days, exceptions.

The weekly schedule compiles into the dialplan (``GotoIfTime``); the days that
differ (holidays, reduced days, explicit exceptions) are written to AstDB by
``ccctl hours sync`` so they change without a reload.
"""
