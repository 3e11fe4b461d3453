"""The typed values every SMS provider speaks: a message, a send result, a delivery report.

A :class:`SmsMessage` is validated when it is built, so a provider never sees
a number that is not E.164 or a sender id that operators would mangle.

>>> SmsMessage(to="+46701740605", sender="Kommunen", body="Hej!", idempotency_key="cb-1").to
'+46701740605'
>>> segments("Hej från kommunen")  # å, ä, ö are in the GSM 7-bit alphabet
1
>>> segments("x" * 161), segments("🙂" * 35), segments("🙂" * 36)
(2, 1, 2)
>>> mask("+46701740605")
'+4670174****'
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

import phonenumbers

from ccctl.sms.errors import InvalidMessageError, MalformedCallbackError

# Twilio's documented maximum body; 46elks splits any length, but ten segments
# is already far more than a callback or voicemail notice needs.
MAX_BODY_CHARS = 1600
_KEY = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The sender-id format both Twilio and 46elks document as safe on every network:
# 3-11 of A-Z, a-z, 0-9, starting with a letter (spaces and dots are shown
# differently by some handsets; a leading digit looks like a number).
_ALPHANUMERIC_SENDER = re.compile(r"[A-Za-z][A-Za-z0-9]{2,10}")

# GSM 03.38: the basic alphabet (one septet each) and the extension table (two).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def segments(body: str) -> int:
    """How many SMS segments ``body`` needs: GSM 7-bit 160/153, else UCS-2 70/67."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in body):
        units = sum(2 if c in _GSM_EXTENSION else 1 for c in body)
        single, part = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


def mask(number: str) -> str:
    """A phone number fit for a log line: country and operator prefix only."""
    return number[:8] + "*" * max(0, len(number) - 8)


def validate_e164(number: str, what: str = "to") -> str:
    """``number`` if it is a valid E.164 number, else :class:`InvalidMessageError` saying why."""
    hint = "write it with + and country code, e.g. +46701740605"
    if not number.startswith("+"):
        raise InvalidMessageError(f"{what} {mask(number)!r} is not in E.164 form; {hint}")
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidMessageError(f"{what} {mask(number)!r} is not a phone number ({exc}); "
                             f"{hint}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidMessageError(f"{what} {mask(number)!r} is not a valid number for its country; "
                             f"{hint}")
    if phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != number:
        raise InvalidMessageError(f"{what} {mask(number)!r} is not in E.164 form (no spaces or "
                             f"dashes); {hint}")
    return number


def validate_sender(sender: str) -> str:
    """A sender id is an E.164 number or 3-11 letters and digits starting with a letter."""
    if sender.startswith("+"):
        return validate_e164(sender, "sender")
    if not _ALPHANUMERIC_SENDER.fullmatch(sender):
        raise InvalidMessageError(
            f"sender {sender!r} is neither an E.164 number nor an alphanumeric sender id; "
            "use 3-11 of A-Z, a-z, 0-9 starting with a letter (no spaces or å/ä/ö, which "
            "networks drop), e.g. 'Kommunen'")
    return sender


@dataclass(frozen=True)
class SmsMessage:
    """One SMS to one citizen or agent.

    ``idempotency_key`` names the intent ("the unreachable-callback SMS for
    task 42"), not the attempt: sending the same key twice sends one SMS.
    """

    to: str
    sender: str
    body: str
    idempotency_key: str

    def __post_init__(self) -> None:
        validate_e164(self.to)
        validate_sender(self.sender)
        if not self.body.strip():
            raise InvalidMessageError("the message body is empty")
        if len(self.body) > MAX_BODY_CHARS:
            raise InvalidMessageError(f"the message body has {len(self.body)} characters, more "
                                 f"than the {MAX_BODY_CHARS} providers accept; shorten the "
                                 "template")
        if not _KEY.fullmatch(self.idempotency_key):
            raise InvalidMessageError(f"idempotency key {self.idempotency_key!r} must be 1-128 of "
                                 "A-Z, a-z, 0-9, '.', '_', ':' or '-'")

    def fingerprint(self) -> str:
        """Identifies the content without holding it (the ledger keeps no numbers or text)."""
        text = "\x1f".join((self.to, self.sender, self.body))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def segments(self) -> int:
        return segments(self.body)


class DeliveryState(StrEnum):
    """Where a message is, in words common to every provider."""

    QUEUED = "queued"  # accepted by the provider, not yet handed to a network
    SENT = "sent"  # handed to the mobile network
    DELIVERED = "delivered"  # the handset confirmed it
    FAILED = "failed"  # it will not arrive
    UNKNOWN = "unknown"  # the provider said something we have no word for (kept in raw_status)

    @property
    def final(self) -> bool:
        return self in (DeliveryState.DELIVERED, DeliveryState.FAILED)


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the message; ``replayed`` when no new send was made."""

    provider: str
    message_id: str
    status: DeliveryState
    segments: int | None = None  # as the provider counted them, when it says
    replayed: bool = False


@dataclass(frozen=True)
class DeliveryReport:
    """A provider's delivery-status callback, parsed."""

    provider: str
    message_id: str
    state: DeliveryState
    raw_status: str
    error_code: str | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class CallbackRequest:
    """A delivery callback as it arrived: what the provider-specific parsers need.

    ``url`` is the URL the provider called (as the provider saw it: behind a
    proxy, the public one); ``headers`` have lower-case names.
    """

    url: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def form(self) -> dict[str, str]:
        """The body as application/x-www-form-urlencoded fields (last value wins)."""
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedCallbackError("callback body is not UTF-8") from None
        return dict(parse_qsl(text, keep_blank_values=True))

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MalformedCallbackError(f"callback body is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise MalformedCallbackError("callback body must be a JSON object")
        return data


def required(fields: dict[str, Any], name: str, provider: str) -> str:
    """A non-empty string field of a callback, or :class:`MalformedCallbackError` naming it."""
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedCallbackError(f"{provider} delivery callback lacks {name!r}")
    return value
