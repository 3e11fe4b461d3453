"""Write the days that differ from the weekly schedule into AstDB, over AMI.

Family ``ccctl-hours-<schedule>``, key ``YYYY-MM-DD``, value ``closed`` or the
open minutes as Asterisk matches them (``08:00-11:59`` for "08:00-12:00": the
last open minute, inclusive). Keys no longer wanted (past days, removed
exceptions) are deleted, so the AstDB holds exactly what the config says.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from ccctl.ami import AmiClient, AmiError
from ccctl.hours.calendar import SYNC_DAYS, day_rules
from ccctl.hours.models import CLOSED, Schedule
from ccctl.menus.plan import asterisk_times

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    schedule: str
    written: int
    deleted: int


def family(schedule_id: str) -> str:
    return f"ccctl-hours-{schedule_id}"


def wanted(schedule: Schedule, today: dt.date, days: int = SYNC_DAYS) -> dict[str, str]:
    """The AstDB keys and values the schedule needs from ``today`` on."""
    return {
        f"{day:%Y-%m-%d}": rule.hours if rule.hours == CLOSED else asterisk_times(rule.hours)
        for day, rule in day_rules(schedule, today, days).items()
    }


async def sync(ami: AmiClient, schedule: Schedule, today: dt.date) -> SyncReport:
    keys = wanted(schedule, today)
    name = family(schedule.id)
    existing = await _existing(ami, name)
    stale = sorted(set(existing) - set(keys))
    for key in stale:
        await ami.action("DBDel", Family=name, Key=key)
    changed = {k: v for k, v in keys.items() if existing.get(k) != v}
    for key, value in sorted(changed.items()):
        await ami.action("DBPut", Family=name, Key=key, Val=value)
    log.info("hours %s: %d day(s) written, %d stale deleted", schedule.id, len(changed),
             len(stale))
    return SyncReport(schedule.id, len(changed), len(stale))


async def _existing(ami: AmiClient, name: str) -> dict[str, str]:
    """What AstDB holds under family ``name`` (key without the family → value)."""
    try:
        events = await ami.action_list("DBGetTree", Family=name)
    except AmiError as exc:
        if "not found" in str(exc).lower():
            return {}
        raise
    found: dict[str, str] = {}
    for event in events:
        key, value = event.get("Key"), event.get("Val")
        if key is not None and value is not None:
            found[key.rsplit("/", 1)[-1]] = value
    return found
