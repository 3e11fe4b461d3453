"""Caller ID (A-number) to E.164, the key the directories are searched by.

Trunks deliver the same caller as ``+46701740605``, ``0046701740605``,
``0701740605`` or ``46701740605``; all become ``+46701740605``. A withheld
or missing number (``anonymous``, ``unknown``, empty, Asterisk's own
placeholder) is not an error: the caller is simply not identified by number.

>>> normalise("08-465 004 00")
'+46846500400'
>>> normalise("0046701740605")
'+46701740605'
>>> normalise("anonymous") is None
True
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["WITHHELD", "CallerIdError", "normalise"]

# What trunks and Asterisk put in the caller ID when there is no number to show.
WITHHELD = frozenset({
    "", "anonymous", "unknown", "unavailable", "restricted", "private", "withheld",
    "asterisk", "<unknown>", "none", "null",
})
_DECORATION = re.compile(r"[\s\-().\/]")


class CallerIdError(ValueError):
    """A caller ID that is present but is no telephone number."""


def normalise(caller_id: str, region: str = "SE") -> str | None:
    """E.164 form of ``caller_id``; None when withheld; CallerIdError when unusable.

    A number with the country code but no ``+`` (``46701740605``, as some
    trunks send) is read as international, since no Swedish national number
    starts with 46 without a leading 0.
    """
    text = caller_id.strip()
    if text.lower() in WITHHELD:
        return None
    compact = _DECORATION.sub("", text)
    if compact.startswith("sip:") or compact.startswith("tel:"):
        compact = compact[4:].split("@", 1)[0].split(";", 1)[0]
    if not re.fullmatch(r"\+?[0-9]{2,20}", compact):
        raise CallerIdError("caller ID is not a telephone number")
    if compact.startswith("46") and region == "SE":
        compact = "+" + compact
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        raise CallerIdError("caller ID is not a telephone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise CallerIdError("caller ID has the wrong length for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def dialable(text: str, region: str = "SE") -> str | None:
    """``text`` as a valid telephone number in E.164 (what an agent, a caller or a web
    form typed: ``070-174 06 05``, ``+46701740605``), or None when it is not one."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
