"""Which days differ from the weekly schedule, and what a schedule says at a moment.

Pure functions of the schedule and a date or time: no clock is read here, so
``ccctl hours check --at`` and the tests can ask about any moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from holidays.countries.sweden import Sweden

from ccctl.hours.models import CLOSED, Schedule, SpecialDay, Weekday

SYNC_DAYS = 400


@dataclass(frozen=True)
class DayRule:
    """A day that differs from the weekly schedule: ``closed`` or ``HH:MM-HH:MM``."""

    hours: str
    why: str


@dataclass(frozen=True)
class Verdict:
    state: str  # open | reduced | closed
    why: str


def special_days(year: int) -> dict[dt.date, SpecialDay]:
    """The named Swedish special days of ``year``."""
    public = {name: day for day, name in Sweden(years=year, language="en_US").items()}
    easter = next(d for n, d in public.items() if "Good Friday" in n)
    ascension = next(d for n, d in public.items() if "Ascension" in n)
    midsummer = next(d for n, d in public.items() if "Midsummer" in n)
    all_saints = next(d for n, d in public.items() if "All Saints" in n)
    one = dt.timedelta(days=1)
    return {
        dt.date(year, 1, 5): SpecialDay.TRETTONDAGSAFTON,
        easter - one: SpecialDay.SKARTORSDAGEN,
        dt.date(year, 4, 30): SpecialDay.VALBORGSMASSOAFTON,
        ascension - one: SpecialDay.KRISTI_HIMMELSFARDSAFTON,
        midsummer - one: SpecialDay.MIDSOMMARAFTON,
        all_saints - one: SpecialDay.ALLHELGONAAFTON,
        dt.date(year, 12, 24): SpecialDay.JULAFTON,
        dt.date(year, 12, 31): SpecialDay.NYARSAFTON,
    }


def day_rule(schedule: Schedule, day: dt.date) -> DayRule | None:
    """How ``day`` differs from the weekly schedule, or None when it does not."""
    if day in schedule.exceptions:
        return DayRule(schedule.exceptions[day], "exception in the configuration")
    public = Sweden(years=day.year, language="sv")
    name = public.get(day)
    if name and schedule.public_holidays == CLOSED and name != "Söndag":
        return DayRule(CLOSED, f"public holiday: {name}")
    special = special_days(day.year).get(day)
    if special is not None and special in schedule.special_days:
        hours = schedule.special_days[special]
        if hours == CLOSED:
            return DayRule(CLOSED, f"special day: {special.value}")
        if _weekly(schedule, day):  # reduced hours only shorten a day that is open
            return DayRule(hours, f"reduced hours: {special.value}")
    return None


def day_rules(schedule: Schedule, start: dt.date, days: int = SYNC_DAYS) -> dict[dt.date, DayRule]:
    """Every day from ``start`` on, for ``days`` days, that differs from the weekly schedule."""
    found: dict[dt.date, DayRule] = {}
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        rule = day_rule(schedule, day)
        if rule is not None:
            found[day] = rule
    return found


def evaluate(schedule: Schedule, at: dt.datetime, timezone: str) -> Verdict:
    """Open, reduced or closed at ``at`` (aware, or naive = local time in ``timezone``)."""
    local = at.astimezone(ZoneInfo(timezone)) if at.tzinfo else at
    minute = f"{local:%H:%M}"
    rule = day_rule(schedule, local.date())
    if rule is not None:
        if rule.hours == CLOSED:
            return Verdict("closed", rule.why)
        if _within(rule.hours, minute):
            return Verdict("reduced", f"{rule.why}, open {rule.hours}")
        return Verdict("closed", f"{rule.why}, open only {rule.hours}")
    ranges = _weekly(schedule, local.date())
    weekday = f"{local:%A}".lower()
    for times in ranges:
        if _within(times, minute):
            return Verdict("open", f"{weekday}, open {times}")
    if ranges:
        return Verdict("closed", f"{weekday}, open only {', '.join(ranges)}")
    return Verdict("closed", f"{weekday}: closed all day in the weekly schedule")


def _weekly(schedule: Schedule, day: dt.date) -> tuple[str, ...]:
    return schedule.weekly.get(list(Weekday)[day.weekday()], ())


def _within(times: str, minute: str) -> bool:
    start, end = times.split("-")
    return start <= minute < end


def next_open(schedule: Schedule, after: dt.datetime, timezone: str,
              *, horizon_days: int = 21) -> dt.datetime | None:
    """The first minute at or after ``after`` (aware) when ``schedule`` is open or reduced;
    None if it stays closed for ``horizon_days``. For callbacks booked while closed."""
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    if evaluate(schedule, local, timezone).state != "closed":
        return after
    for offset in range(horizon_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        rule = day_rule(schedule, day)
        ranges = ((rule.hours,) if rule.hours != CLOSED else ()) if rule else _weekly(
            schedule, day)
        for start in sorted(times.split("-")[0] for times in ranges):
            hour, minute = (int(part) for part in start.split(":"))
            opening = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            if opening >= local:
                return opening
    return None
