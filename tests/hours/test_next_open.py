"""When a callback asked for while closed is dialled: the next opening, holidays counted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ccctl.hours.calendar import next_open
from ccctl.hours.models import Schedule

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OFFICE = Schedule.model_validate({
    "id": "kontorstid",
    "weekly": {"mon": ["08:00-16:30"], "tue": ["08:00-16:30"],
               "wed": ["08:00-12:00", "13:00-16:30"], "thu": ["08:00-16:30"],
               "fri": ["08:00-15:00"]},
})


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def test_given_an_evening_then_the_callback_is_due_when_the_office_opens_next_morning() -> None:
    assert next_open(OFFICE, _at(2026, 11, 24, 19, 5), "Europe/Stockholm") == _at(
        2026, 11, 25, 8, 0)


def test_given_lunch_on_wednesday_then_it_is_due_after_lunch() -> None:
    assert next_open(OFFICE, _at(2026, 11, 25, 12, 10), "Europe/Stockholm") == _at(
        2026, 11, 25, 13, 0)


def test_given_friday_evening_before_christmas_then_the_public_holidays_are_skipped() -> None:
    # Fri 25 Dec 2026 is Christmas Day, Mon 28 Dec is a weekday again.
    assert next_open(OFFICE, _at(2026, 12, 24, 17, 0), "Europe/Stockholm") == _at(
        2026, 12, 28, 8, 0)


def test_given_it_is_open_now_then_it_is_due_now() -> None:
    now = _at(2026, 11, 25, 9, 30)
    assert next_open(OFFICE, now, "Europe/Stockholm") == now
