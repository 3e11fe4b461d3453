"""Swedish personnummer and samordningsnummer: parse, validate, never reveal.

Accepted forms: ``YYMMDD-NNNC``, ``YYMMDD+NNNC`` (``+``: 100 years or older),
``YYMMDDNNNC``, ``YYYYMMDD-NNNC`` and ``YYYYMMDDNNNC``. The check digit C is
the Luhn digit of the ten digits before it; the date must exist; a
samordningsnummer (coordination number) has 60 added to the day. The century
of a ten-digit number is inferred from an injected ``today`` (never the
clock), so results are reproducible.

The parsed value never shows its digits in ``str``, ``repr``, f-strings or
logs; code that needs them (a directory lookup) asks for ``canonical()``.
Errors say what is wrong, never which digits were given.

>>> from datetime import date
>>> pnr = parse("19121212-1212", today=date(2026, 1, 1))
>>> pnr
<personnummer ********-****>
>>> pnr.birth_date
datetime.date(1912, 12, 12)
>>> parse("121212+1212", today=date(2026, 1, 1)) == pnr
True
>>> parse("19121212-1213", today=date(2026, 1, 1))
Traceback (most recent call last):
...
ccctl.ident.personnummer.PersonnummerError: personnummer check digit does not match
"""

from __future__ import annotations

import re
from datetime import date

from ccctl.ident.checksum import luhn_valid

__all__ = ["Personnummer", "PersonnummerError", "parse"]

_MASK = "<personnummer ********-****>"
_FORM = re.compile(r"^(?P<century>[0-9]{2})?(?P<date>[0-9]{6})(?P<sep>[-+]?)(?P<tail>[0-9]{4})$")
COORDINATION_OFFSET = 60


class PersonnummerError(ValueError):
    """Not a valid personnummer. The message never contains the input."""


class Personnummer:
    """A validated personnummer or samordningsnummer, masked in every text form."""

    __slots__ = ("_digits",)

    def __init__(self, canonical: str) -> None:
        if len(canonical) != 12 or not canonical.isdigit():
            raise PersonnummerError("personnummer must be 12 digits in canonical form")
        self._digits = canonical

    def canonical(self) -> str:
        """The 12 digits ``YYYYMMDDNNNC``: for lookups only, never for logs or variables."""
        return self._digits

    @property
    def is_coordination_number(self) -> bool:
        """True for a samordningsnummer (day of birth + 60)."""
        return int(self._digits[6:8]) > COORDINATION_OFFSET

    @property
    def birth_date(self) -> date:
        day = int(self._digits[6:8])
        if day > COORDINATION_OFFSET:
            day -= COORDINATION_OFFSET
        return date(int(self._digits[:4]), int(self._digits[4:6]), day)

    def __repr__(self) -> str:
        return _MASK

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Personnummer) and other._digits == self._digits

    def __hash__(self) -> int:
        return hash(("personnummer", self._digits))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the digits wherever the pickle goes; refuse.
        raise TypeError("a personnummer is not picklable")


def parse(text: str, *, today: date) -> Personnummer:
    """Validate ``text`` (10 or 12 digits, optional separator); raise PersonnummerError."""
    match = _FORM.match(text.strip())
    if match is None:
        raise PersonnummerError(
            "personnummer must be 10 or 12 digits, optionally with '-' or '+' before the "
            "last four")
    century, yymmdd, sep, tail = match.group("century", "date", "sep", "tail")
    if century is not None and sep == "+":
        raise PersonnummerError("'+' is only used with the 10-digit form")
    if not luhn_valid(yymmdd + tail):
        raise PersonnummerError("personnummer check digit does not match")
    if century is None:
        year = _infer_year(yymmdd, centenarian=sep == "+", today=today)
    else:
        year = int(century + yymmdd[:2])
    canonical = f"{year:04d}{yymmdd[2:]}{tail}"
    try:
        born = Personnummer(canonical).birth_date
    except ValueError:
        raise PersonnummerError("personnummer does not contain a real date of birth") from None
    if born > today:
        raise PersonnummerError("personnummer date of birth is in the future")
    return Personnummer(canonical)


def _infer_year(yymmdd: str, *, centenarian: bool, today: date) -> int:
    """The most recent year ending in YY whose birthday is not after ``today``.

    ``+`` means the person has turned 100, so go back another century.
    """
    yy = int(yymmdd[:2])
    year = today.year - (today.year - yy) % 100
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    if year == today.year and (month, day) > (today.month, today.day):
        # This year's date is still ahead: born a century earlier.
        year -= 100
    if centenarian:
        year -= 100
    return year
