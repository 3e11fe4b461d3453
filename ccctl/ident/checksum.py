"""Check-digit algorithms for entered numbers.

>>> luhn_valid("1212121212")
True
>>> luhn_valid("1212121213")
False
>>> mod11_valid("12345674")
True
"""

from __future__ import annotations


def luhn_check_digit(body: str) -> int:
    """The Luhn (mod 10) check digit to append to ``body``; personnummer use this.

    >>> luhn_check_digit("121212121")
    2
    """
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the others."""
    if len(digits) < 2 or not digits.isdigit():
        return False
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def mod11_check_digit(body: str) -> int | None:
    """The mod 11 check digit (weights 2-7 from the right), or None where none exists.

    A remainder that would need check digit 10 makes the body unusable.
    """
    total = sum(int(char) * (2 + index % 6) for index, char in enumerate(reversed(body)))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def mod11_valid(digits: str) -> bool:
    """True when the last digit is the mod 11 check digit of the others."""
    if len(digits) < 2 or not digits.isdigit():
        return False
    return mod11_check_digit(digits[:-1]) == int(digits[-1])
