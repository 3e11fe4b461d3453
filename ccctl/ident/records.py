"""Caller records as every directory backend returns them, and how rows become records.

A row (CSV line, SQL row, HTTP JSON object) has these columns, all but
``id`` optional:

==================  =====================================================
``id``              opaque record key, set as CCCTL_ID_REF (never a personnummer)
``name``            display name shown to the agent
``language``        ISO 639-1 code; the call continues in this language
``phone``           caller's number (any Swedish form; compared as E.164)
``personnummer``    12 digits ``YYYYMMDDNNNC`` (``-`` allowed)
``customer_number`` customer or case number, for number rules
``skills``          ``skill:level`` items, e.g. ``bygglov:3 engelska:2``
``priority``        0-100, higher is served first
``queue``           queue id the call should go to instead
``pin_hash``        output of ``ccctl ident hash-pin``
==================  =====================================================

A record keeps only what routing needs: the phone and personnummer used to
find it are not part of it. Errors name the place and column, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ccctl.ident import personnummer
from ccctl.ident.anumber import CallerIdError, normalise
from ccctl.ident.pin import is_pin_hash

__all__ = ["COLUMNS", "By", "DirectoryError", "Record", "key_of", "record_from_row"]

By = Literal["phone", "personnummer", "number", "id"]
# Which column each kind of lookup searches.
COLUMNS: dict[By, str] = {
    "phone": "phone", "personnummer": "personnummer", "number": "customer_number", "id": "id",
}
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_SKILL = re.compile(r"^([a-z][a-z0-9_-]{0,39}):([1-5])$")
_CONFIG_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class DirectoryError(RuntimeError):
    """A directory cannot be read or holds a bad record. Messages never carry values."""


@dataclass(frozen=True)
class Record:
    """One caller as found in a directory: who they are and how to route them."""

    id: str
    name: str = ""
    language: str | None = None
    skills: tuple[tuple[str, int], ...] = ()
    priority: int | None = None
    queue: str | None = None
    pin_hash: str | None = field(default=None, repr=False)

    def skills_text(self) -> str:
        """Skills in the dialplan's form, e.g. ``bygglov:3,engelska:2``."""
        return ",".join(f"{skill}:{level}" for skill, level in self.skills)


def _text(row: Mapping[str, object], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def key_of(row: Mapping[str, object], by: By, where: str) -> str | None:
    """The normalised lookup key of ``row`` for ``by``; None when the column is empty."""
    raw = _text(row, COLUMNS[by])
    if not raw:
        return None
    if by == "phone":
        try:
            return normalise(raw)
        except CallerIdError:
            raise DirectoryError(f"{where}: column 'phone' is not a telephone number") from None
    if by == "personnummer":
        if len(raw.replace("-", "")) != 12:
            raise DirectoryError(f"{where}: column 'personnummer' must be 12 digits "
                                 "YYYYMMDDNNNC")
        try:
            return personnummer.parse(raw, today=date.max).canonical()
        except personnummer.PersonnummerError as exc:
            raise DirectoryError(f"{where}: column 'personnummer': {exc}") from None
    return raw


def record_from_row(row: Mapping[str, object], where: str) -> Record:
    """Validate one row; ``where`` (e.g. ``callers.csv:12``) prefixes every error."""
    record_id = _text(row, "id")
    if not _ID.fullmatch(record_id):
        raise DirectoryError(f"{where}: column 'id' must be 1-64 letters, digits or '_.:-'")
    if _looks_like_personnummer(record_id):
        raise DirectoryError(f"{where}: column 'id' looks like a personnummer; use an opaque "
                             "key (it is shown to agents and stored with the call)")
    name = _text(row, "name")
    if len(name) > 100 or any(ord(c) < 32 for c in name):
        raise DirectoryError(f"{where}: column 'name' must be one line of at most 100 characters")
    language = _text(row, "language") or None
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise DirectoryError(f"{where}: column 'language' must be an ISO 639-1 code like 'sv'")
    queue = _text(row, "queue") or None
    if queue is not None and not _CONFIG_ID.fullmatch(queue):
        raise DirectoryError(f"{where}: column 'queue' must be a queue id")
    pin_hash = _text(row, "pin_hash") or None
    if pin_hash is not None and not is_pin_hash(pin_hash):
        raise DirectoryError(f"{where}: column 'pin_hash' is not the output of "
                             "'ccctl ident hash-pin'")
    return Record(record_id, name, language, _skills(row.get("skills"), where),
                  _priority(_text(row, "priority"), where), queue, pin_hash)


def _looks_like_personnummer(text: str) -> bool:
    try:
        personnummer.parse(text, today=date.max)
    except personnummer.PersonnummerError:
        return False
    return True


def _skills(value: object, where: str) -> tuple[tuple[str, int], ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, Mapping):  # JSON from an HTTP directory: {"bygglov": 3}
        items = [f"{k}:{v}" for k, v in value.items()]
    else:
        items = re.split(r"[\s,]+", str(value).strip())
    skills = []
    for item in items:
        match = _SKILL.fullmatch(item)
        if match is None:
            raise DirectoryError(f"{where}: column 'skills' must be 'skill:level' items "
                                 "(level 1-5), e.g. 'bygglov:3 engelska:2'")
        skills.append((match[1], int(match[2])))
    return tuple(skills)


def _priority(text: str, where: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) > 100:
        raise DirectoryError(f"{where}: column 'priority' must be a whole number 0-100")
    return int(text)
