"""A-number normalisation, number rules (Luhn, mod 11) and PIN hashing."""

from __future__ import annotations

import argparse
import doctest
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccctl.ident import anumber, pin, rules
from ccctl.ident.anumber import CallerIdError, dialable, normalise
from ccctl.ident.checksum import luhn_check_digit, mod11_check_digit, mod11_valid
from ccctl.ident.cli import add_parsers, read_pin
from ccctl.ident.models import NumberRule
from ccctl.ident.pin import PinError, hash_pin, is_pin_hash, verify_pin
from ccctl.ident.rules import check

# -- A-number ---------------------------------------------------------------------------


@pytest.mark.parametrize("caller_id", [
    "+46701740605", "0046701740605", "0701740605", "070-174 06 05", "46701740605",
    "sip:0701740605@192.0.2.10",
])
def test_given_a_mobile_number_in_any_form_then_one_e164(caller_id: str) -> None:
    assert normalise(caller_id) == "+46701740605"


@pytest.mark.parametrize("caller_id", ["08-465 004 00", "0846500400", "+46 8 465 004 00"])
def test_given_a_stockholm_number_then_e164_with_the_area_code(caller_id: str) -> None:
    assert normalise(caller_id) == "+46846500400"


@pytest.mark.parametrize("caller_id", ["", "anonymous", "Anonymous", "unknown", "Restricted",
                                       "asterisk", "  "])
def test_given_a_withheld_caller_id_then_no_number_and_no_error(caller_id: str) -> None:
    assert normalise(caller_id) is None


@pytest.mark.parametrize("caller_id", ["operator", "12", "+4412", "0701740605;drop table"])
def test_given_something_that_is_no_number_then_an_error(caller_id: str) -> None:
    with pytest.raises(CallerIdError):
        normalise(caller_id)


# -- number rules -----------------------------------------------------------------------


def test_the_check_digits_used_here_are_right() -> None:
    assert luhn_check_digit("1234567") == 4
    assert mod11_check_digit("1234567") == 4  # 7*2+6*3+5*4+4*5+3*6+2*7+1*2 = 106; 11-7 = 4


def test_given_a_luhn_rule_then_only_numbers_with_a_right_check_digit_pass() -> None:
    rule = NumberRule(id="kundnummer", min_length=6, max_length=10, checksum="luhn")
    assert check(rule, "12345674") is None
    assert check(rule, "12345675") == "checksum"


def test_given_a_mod11_rule_then_only_numbers_with_a_right_check_digit_pass() -> None:
    rule = NumberRule(id="arende", min_length=8, max_length=8, checksum="mod11")
    assert check(rule, "12345674") is None
    assert check(rule, "12345673") == "checksum"


def test_given_a_body_whose_mod11_digit_would_be_ten_then_no_number_passes() -> None:
    body = next(b for b in (f"{n:06d}" for n in range(1000)) if mod11_check_digit(b) is None)
    assert not any(mod11_valid(body + str(d)) for d in range(10))


@pytest.mark.parametrize(("digits", "reason"), [
    ("12345", "too-short"), ("12345678901", "too-long"), ("12a456", "not-digits"),
    ("", "not-digits"), ("８１２３４５", "not-digits"), ("812345", "pattern"),
])
def test_given_a_number_outside_the_rule_then_the_reason(digits: str, reason: str) -> None:
    rule = NumberRule(id="kund", min_length=6, max_length=10, pattern="^9[0-9]+$")
    assert check(rule, digits) == reason


def test_given_a_rule_with_max_below_min_or_a_broken_pattern_then_the_config_is_refused() -> None:
    with pytest.raises(ValueError, match="below min_length"):
        NumberRule(id="x", min_length=8, max_length=6)
    with pytest.raises(ValueError, match="regular expression"):
        NumberRule(id="x", pattern="^[0-9")


@given(st.text(alphabet="0123456789", min_size=1, max_size=15), st.integers(0, 9))
def test_luhn_rule_accepts_exactly_the_right_check_digit(body: str, digit: int) -> None:
    rule = NumberRule(id="k", min_length=2, max_length=16, checksum="luhn")
    assert (check(rule, body + str(digit)) is None) == (digit == luhn_check_digit(body))


# -- PINs -------------------------------------------------------------------------------


def test_given_a_pin_then_the_stored_form_verifies_it_and_nothing_else() -> None:
    stored = hash_pin("73920581")
    assert is_pin_hash(stored) and "73920581" not in stored
    assert verify_pin("73920581", stored)
    assert not verify_pin("73920582", stored)
    assert not verify_pin("", stored)


def test_given_the_same_pin_twice_then_two_different_salts() -> None:
    assert hash_pin("4711") != hash_pin("4711")


@pytest.mark.parametrize("bad", ["123", "123456789", "12a4", "", " 1234"])
def test_given_a_pin_of_the_wrong_shape_then_it_is_not_hashed(bad: str) -> None:
    with pytest.raises(PinError) as caught:
        hash_pin(bad)
    assert bad.strip() == "" or bad.strip() not in str(caught.value)


@pytest.mark.parametrize("stored", ["4711", "scrypt$16384$8$1$short$short", "md5$abc",
                                    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA=="])
def test_given_a_stored_value_that_is_no_pin_hash_then_an_error_not_a_match(stored: str) -> None:
    with pytest.raises(PinError):
        verify_pin("4711", stored)


@settings(max_examples=10, deadline=None)  # scrypt is slow on purpose
@given(st.from_regex(r"[0-9]{4,8}", fullmatch=True))
def test_every_valid_pin_round_trips(value: str) -> None:
    assert verify_pin(value, hash_pin(value))


def test_given_a_pin_piped_to_hash_pin_then_read_from_stdin() -> None:
    assert read_pin(io.StringIO("73920581\n")) == "73920581"


def test_given_a_terminal_then_the_pin_is_asked_twice_without_echo() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["73920581", "73920581"])
    assert read_pin(Tty(), ask=lambda _prompt: next(answers)) == "73920581"
    differing = iter(["73920581", "73920582"])
    with pytest.raises(PinError, match="differ"):
        read_pin(Tty(), ask=lambda _prompt: next(differing))


def test_hash_pin_cli_prints_a_hash_of_the_pin_from_stdin(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("73920581\n"))
    assert main(["ident", "hash-pin"]) == 0
    out, err = capsys.readouterr()
    assert verify_pin("73920581", out.strip())
    assert "73920581" not in out + err


def main(argv: list[str]) -> int:
    """ccctl's way of running a command, with only the ident commands added."""
    parser = argparse.ArgumentParser(prog="ccctl")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_given_a_pin_on_the_command_line_then_refused_it_is_read_from_stdin_only() -> None:
    with pytest.raises(SystemExit):
        main(["ident", "hash-pin", "73920581"])


def test_doctests() -> None:
    for module in (anumber, pin, rules):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(("typed", "number"), [
    ("070-174 06 05", "+46701740605"), ("+46 8 465 004 90", "+46846500490"),
    ("0846500490", "+46846500490"), ("0900-123", None), ("12", None), ("hej", None),
])
def test_given_a_number_someone_typed_then_only_a_valid_one_is_dialable_in_e164(
    typed: str, number: str | None,
) -> None:
    assert dialable(typed) == number
