"""Personnummer and samordningsnummer: forms, checksum, dates, centuries, masking."""

from __future__ import annotations

import doctest
import logging
import pickle
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccctl.ident import checksum, personnummer
from ccctl.ident.checksum import luhn_check_digit, luhn_valid
from ccctl.ident.personnummer import PersonnummerError, parse

TODAY = date(2026, 11, 25)
TOLVAN = "191212121212"  # Skatteverket's published test personnummer


def test_the_test_numbers_used_here_have_the_checksums_they_claim() -> None:
    assert luhn_valid(TOLVAN[2:])
    assert luhn_check_digit("121212121") == 2
    assert not luhn_valid("1212121213")


@pytest.mark.parametrize("text", [
    "191212121212", "19121212-1212", "121212+1212", " 19121212-1212 ",
])
def test_given_tolvan_in_any_written_form_then_the_same_person(text: str) -> None:
    pnr = parse(text, today=TODAY)
    assert pnr.canonical() == TOLVAN
    assert pnr.birth_date == date(1912, 12, 12)
    assert not pnr.is_coordination_number


def test_given_ten_digits_without_plus_then_the_most_recent_century_that_is_not_future() -> None:
    assert parse("121212-1212", today=TODAY).birth_date == date(2012, 12, 12)
    # Born 25 December: in 2026 that date has not come yet on 25 November, so 1926.
    body = "261225123"
    text = body + str(luhn_check_digit(body))
    assert parse(text, today=TODAY).birth_date == date(1926, 12, 25)
    assert parse(text, today=date(2026, 12, 25)).birth_date == date(2026, 12, 25)


def test_given_plus_then_a_hundred_years_older() -> None:
    assert parse("121212+1212", today=TODAY).birth_date == date(1912, 12, 12)


def test_given_a_samordningsnummer_then_accepted_with_the_real_birth_date() -> None:
    body = "121272121"  # 12 December 1912, day + 60
    text = "19" + body + str(luhn_check_digit(body))
    assert luhn_valid(text[2:])
    pnr = parse(text, today=TODAY)
    assert pnr.is_coordination_number
    assert pnr.birth_date == date(1912, 12, 12)


@pytest.mark.parametrize(("text", "reason"), [
    ("191212121213", "check digit"),
    ("1912121212", "check digit"),  # ten digits whose last is wrong for them
    ("19121212-121", "10 or 12 digits"),
    ("1912121212123", "10 or 12 digits"),
    ("19121212+1212", "only used with the 10-digit form"),
    ("19121212/1212", "10 or 12 digits"),
    ("", "10 or 12 digits"),
])
def test_given_malformed_input_then_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(PersonnummerError, match=reason):
        parse(text, today=TODAY)


@pytest.mark.parametrize("yymmdd", ["121232", "120230", "121300", "130229", "121292"])
def test_given_a_date_that_does_not_exist_then_refused(yymmdd: str) -> None:
    body = yymmdd + "121"
    with pytest.raises(PersonnummerError, match="real date"):
        parse("19" + body + str(luhn_check_digit(body)), today=TODAY)


def test_given_a_birth_date_after_today_then_refused() -> None:
    body = "261226123"
    with pytest.raises(PersonnummerError, match="future"):
        parse("20" + body + str(luhn_check_digit(body)), today=TODAY)


def test_given_a_leap_day_then_valid_only_in_leap_years() -> None:
    leap, plain = "000229123", "010229123"
    assert parse("20" + leap + str(luhn_check_digit(leap)), today=TODAY).birth_date.day == 29
    with pytest.raises(PersonnummerError):
        parse("20" + plain + str(luhn_check_digit(plain)), today=TODAY)


def test_doctests() -> None:
    for module in (personnummer, checksum):
        assert doctest.testmod(module).failed == 0


# -- properties -------------------------------------------------------------------------

@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=TODAY))
    day = born.day + (60 if draw(st.booleans()) else 0)
    body = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    return f"{born.year // 100}{body}{luhn_check_digit(body)}"


@given(valid_numbers())
def test_every_generated_valid_number_validates_and_keeps_its_date(text: str) -> None:
    pnr = parse(text, today=TODAY)
    assert pnr.canonical() == text
    if pnr.birth_date > TODAY - timedelta(days=365 * 99):  # ten-digit form is unambiguous
        assert parse(text[2:], today=TODAY) == pnr


@given(valid_numbers(), st.integers(2, 11), st.integers(1, 9))
def test_every_single_digit_change_fails_the_checksum(text: str, position: int,
                                                      delta: int) -> None:
    changed = text[:position] + str((int(text[position]) + delta) % 10) + text[position + 1:]
    with pytest.raises(PersonnummerError, match="check digit"):
        parse(changed, today=TODAY)


@given(valid_numbers())
def test_no_text_form_or_log_line_of_a_result_shows_the_digits(text: str) -> None:
    pnr = parse(text, today=TODAY)
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "caller %s / %r", (pnr, pnr), None)
    shown = [str(pnr), repr(pnr), f"{pnr}", f"{pnr!r}", f"{pnr:>30}", record.getMessage(),
             str([pnr]), str({"pnr": pnr})]
    for form in shown:
        assert text not in form and text[2:] not in form and text[2:8] not in form
    with pytest.raises(TypeError):
        pickle.dumps(pnr)


@given(st.text(alphabet="0123456789-+ ", max_size=14))
def test_errors_never_repeat_the_input(text: str) -> None:
    try:
        parse(text, today=TODAY)
    except PersonnummerError as exc:
        digits = text.replace("-", "").replace("+", "").strip()
        assert len(digits) < 4 or digits not in str(exc)
