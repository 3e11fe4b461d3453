"""Validation of "other entered numbers" (customer, case number) by a NumberRule.

>>> from ccctl.ident.models import NumberRule
>>> rule = NumberRule(id="kundnummer", min_length=4, max_length=8, checksum="luhn")
>>> check(rule, "12345675")
'checksum'
>>> check(rule, "1234566") is None
True
"""

from __future__ import annotations

import re
from typing import Literal

from ccctl.ident.checksum import luhn_valid, mod11_valid
from ccctl.ident.models import NumberRule

__all__ = ["Rejection", "check"]

# Why a number was refused; names only, so they can be logged without the digits.
Rejection = Literal["not-digits", "too-short", "too-long", "pattern", "checksum"]


def check(rule: NumberRule, digits: str) -> Rejection | None:
    """None when ``digits`` satisfies ``rule``; otherwise the reason it does not."""
    if not digits.isascii() or not digits.isdigit():
        return "not-digits"
    if len(digits) < rule.min_length:
        return "too-short"
    if len(digits) > rule.max_length:
        return "too-long"
    if rule.pattern is not None and re.fullmatch(rule.pattern, digits) is None:
        return "pattern"
    if rule.checksum == "luhn" and not luhn_valid(digits):
        return "checksum"
    if rule.checksum == "mod11" and not mod11_valid(digits):
        return "checksum"
    return None
