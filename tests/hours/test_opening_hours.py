"""Opening hours at a given moment: weekly schedule, Swedish holidays, reduced days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ccctl.cli import main
from ccctl.config import load_config
from ccctl.hours.calendar import day_rules, evaluate, special_days
from ccctl.hours.models import Schedule
from ccctl.hours.sync import wanted

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example" / "ccctl.yaml"
ZONE = "Europe/Stockholm"


@pytest.fixture(scope="module")
def kontorstid() -> Schedule:
    return load_config(EXAMPLE).hours[0]


@pytest.mark.parametrize(("moment", "state", "why"), [
    ("2026-06-22T09:00", "open", "monday, open 08:00-16:30"),
    ("2026-06-22T16:30", "closed", "open only 08:00-16:30"),
    ("2026-06-22T07:59", "closed", "open only 08:00-16:30"),
    ("2026-06-27T10:00", "closed", "saturday: closed all day"),
    ("2026-06-19T10:00", "closed", "special day: midsommarafton"),
    ("2026-12-24T10:00", "closed", "special day: julafton"),
    ("2026-12-31T09:00", "closed", "special day: nyarsafton"),
    ("2026-06-20T10:00", "closed", "public holiday: Midsommardagen"),
    ("2026-05-01T10:00", "closed", "public holiday: Första maj"),
    ("2026-01-05T11:59", "reduced", "trettondagsafton, open 08:00-12:00"),
    ("2026-01-05T12:00", "closed", "trettondagsafton, open only 08:00-12:00"),
    ("2026-04-02T09:00", "reduced", "skartorsdagen"),
    ("2026-09-17T10:00", "closed", "exception in the configuration, open only 13:00-16:30"),
    ("2026-09-17T13:00", "reduced", "exception in the configuration"),
])
def test_given_the_example_schedule_when_checked_at_a_moment_then_state_and_reason_follow(
    kontorstid: Schedule, moment: str, state: str, why: str,
) -> None:
    verdict = evaluate(kontorstid, dt.datetime.fromisoformat(moment), ZONE)

    assert verdict.state == state
    assert why in verdict.why


def test_given_an_aware_moment_in_utc_then_it_is_judged_in_swedish_time(
    kontorstid: Schedule,
) -> None:
    # 06:30 UTC is 08:30 in Stockholm in summer: open.
    at = dt.datetime(2026, 6, 22, 6, 30, tzinfo=dt.UTC)

    assert evaluate(kontorstid, at, ZONE).state == "open"


def test_given_a_reduced_special_day_on_a_saturday_then_it_stays_closed() -> None:
    # Trettondagsafton 2029 is a Friday, 2030 a Saturday.
    schedule = Schedule(id="k", weekly={"mon": ("08:00-16:30",)},
                        special_days={"trettondagsafton": "08:00-12:00"})

    assert dt.date(2030, 1, 5).weekday() == 5
    assert dt.date(2030, 1, 5) not in day_rules(schedule, dt.date(2030, 1, 1), 10)


def test_given_2026_then_the_swedish_special_days_fall_on_the_right_dates() -> None:
    days = {name.value: day for day, name in special_days(2026).items()}

    assert days["skartorsdagen"] == dt.date(2026, 4, 2)
    assert days["kristi-himmelsfardsafton"] == dt.date(2026, 5, 13)
    assert days["midsommarafton"] == dt.date(2026, 6, 19)
    assert days["allhelgonaafton"] == dt.date(2026, 10, 30)


def test_given_a_sync_then_astdb_gets_closed_days_and_reduced_minutes_for_400_days(
    kontorstid: Schedule,
) -> None:
    keys = wanted(kontorstid, dt.date(2026, 6, 1))

    assert keys["2026-06-19"] == "closed"  # midsommarafton
    assert keys["2026-06-06"] == "closed"  # national day (a Saturday, still written)
    assert keys["2026-12-24"] == "closed"
    assert keys["2027-01-05"] == "08:00-11:59"  # reduced, as Asterisk matches minutes
    assert "2026-06-22" not in keys  # an ordinary Monday follows the weekly schedule
    assert max(keys) < "2027-07-06"  # 400 days from 2026-06-01


def test_given_hours_check_at_midsommarafton_then_the_cli_says_closed_and_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["hours", "check", str(EXAMPLE), "huvudnummer", "--at", "2026-06-19T10:00"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == ("huvudnummer at 2026-06-19 10:00 CEST: closed "
                           "(special day: midsommarafton; schedule kontorstid)")


def test_given_hours_check_for_an_unknown_entry_then_it_names_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["hours", "check", str(EXAMPLE), "huvudnumer", "--at", "2026-06-19T10:00"])

    assert code == 2
    assert "no entry point 'huvudnumer'; use one of huvudnummer, english" in (
        capsys.readouterr().err)
