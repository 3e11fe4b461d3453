"""SmsMessage validation, segment counting, and the doctests of the package."""

from __future__ import annotations

import doctest
import importlib

import pytest

from ccctl.sms import InvalidMessageError, SmsMessage
from ccctl.sms.models import segments
from tests.sms.harness import CITIZEN, message


@pytest.mark.parametrize(("to", "why"), [
    ("0701740605", "E.164 form"),
    ("+46 70 174 06 05", "not in E.164 form"),
    ("+4670174060", "not a valid number"),
    ("+46abc", "not a phone number|not a valid"),
])
def test_given_a_number_that_is_not_e164_then_the_message_is_refused_and_says_how(
        to: str, why: str) -> None:
    with pytest.raises(InvalidMessageError, match=why) as caught:
        message(to=to)
    assert "+46701740605" in str(caught.value)  # the hint shows the right form


def test_given_an_invalid_number_then_the_error_does_not_repeat_it_whole() -> None:
    with pytest.raises(InvalidMessageError) as caught:
        message(to="+46812345678901")
    assert "+46812345678901" not in str(caught.value)  # masked: numbers are personal data


@pytest.mark.parametrize("sender", ["Kommunen", "ABC", "Vaxeln2025", "+46846500499"])
def test_given_a_sender_id_networks_accept_then_the_message_is_built(sender: str) -> None:
    assert SmsMessage(CITIZEN, sender, "Hej", "k").sender == sender


@pytest.mark.parametrize("sender", ["Exempelbykommun", "AB", "1177Vard", "Växeln", "Min Kommun"])
def test_given_a_sender_id_networks_would_mangle_then_the_error_says_the_rule(
        sender: str) -> None:
    with pytest.raises(InvalidMessageError, match="3-11 of A-Z, a-z, 0-9 starting with a letter"):
        SmsMessage(CITIZEN, sender, "Hej", "k")


@pytest.mark.parametrize(("body", "key", "why"), [
    ("  ", "k", "body is empty"),
    ("x" * 1601, "k", "1601 characters"),
    ("Hej", "has space", "idempotency key"),
    ("Hej", "", "idempotency key"),
])
def test_given_an_unsendable_body_or_key_then_the_message_is_refused(
        body: str, key: str, why: str) -> None:
    with pytest.raises(InvalidMessageError, match=why):
        SmsMessage(CITIZEN, "Kommunen", body, key)


@pytest.mark.parametrize(("body", "count"), [
    ("å" * 160, 1), ("å" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # extension characters take two septets
    ("ł" * 70, 1), ("ł" * 71, 2), ("🙂" * 35, 1),  # UCS-2; an emoji is two units
])
def test_given_a_body_then_its_segments_follow_gsm_and_ucs2_rules(body: str, count: int) -> None:
    assert segments(body) == count


def test_given_two_messages_differing_only_in_text_then_their_fingerprints_differ() -> None:
    assert message(body="A").fingerprint() != message(body="B").fingerprint()
    assert message(body="A").fingerprint() == message(body="A").fingerprint()
    assert CITIZEN not in message().fingerprint()


@pytest.mark.parametrize("module", ["ccctl.sms.models", "ccctl.sms.provider", "ccctl.sms.retry",
                                    "ccctl.sms.ledger", "ccctl.sms.templates"])
def test_the_doctests_hold(module: str) -> None:
    assert doctest.testmod(importlib.import_module(module)).failed == 0
