"""Configuration of caller identification: directories and number rules.

These models are elements of ``ContactCenter.directories`` and
``ContactCenter.number_rules``. This module imports only pydantic and
:mod:`ccctl.config.types`, so that the contact-center model can import it
without a cycle.

A directory says where caller records live (a CSV file, an SQL database or
an HTTP lookup service); a number rule says what an "other entered number"
(customer number, case number) must look like. Neither holds personal data:
the records stay in the organisation's own file, database or service.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ccctl.config.types import Id, LocalizedText

__all__ = ["CsvBackend", "Directory", "HttpBackend", "NumberRule", "SqlBackend"]

Checksum = Literal["none", "luhn", "mod11"]
# A table or column name spliced into SQL: only plain identifiers, never quoting games.
SqlName = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$",
          description="SQL identifier: a letter or '_', then letters, digits or '_'"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CsvBackend(_Model):
    """A CSV file with a header row; read at start and again whenever it changes."""

    type: Literal["csv"] = Field(description="csv")
    path: str = Field(
        min_length=1, description="CSV file; a relative path is relative to the config file")
    delimiter: Literal[",", ";", "\t"] = Field(
        default=",", description="Field separator: ',' ';' or a tab")


class SqlBackend(_Model):
    """A table in an SQLite database (other DB-API databases through code, see docs)."""

    type: Literal["sql"] = Field(description="sql")
    database: str = Field(
        min_length=1,
        description="SQLite database file; a relative path is relative to the config file")
    table: SqlName = Field(default="callers", description="Table holding one row per caller")


class HttpBackend(_Model):
    """A JSON lookup service: ccctl POSTs {"by": ..., "value": ...} and reads one record."""

    type: Literal["http"] = Field(description="http")
    url: str = Field(
        pattern=r"^https?://[^\s]+$", description="Lookup endpoint (http or https URL)")
    timeout_seconds: float = Field(
        default=2.0, gt=0, le=10, description="Give up (caller unidentified) after this long")
    token_env: str | None = Field(
        default=None, pattern=r"^[A-Z_][A-Z0-9_]{0,63}$",
        description="Environment variable holding a bearer token (never the token itself)")


class Directory(_Model):
    """Where caller records are looked up by A-number, personnummer or customer number."""

    id: Id = Field(description="Unique directory id, used by identify steps and number rules")
    name: LocalizedText = Field(default_factory=dict, description="Display name per language")
    backend: CsvBackend | SqlBackend | HttpBackend = Field(
        discriminator="type", description="Where the records are: type csv, sql or http")


class NumberRule(_Model):
    """What an entered customer or case number must look like, and where to look it up."""

    id: Id = Field(description="Unique rule id, used by identify steps (method number:<id>)")
    name: LocalizedText = Field(default_factory=dict, description="Display name per language")
    min_length: int = Field(default=1, ge=1, le=30, description="Fewest digits accepted")
    max_length: int = Field(default=20, ge=1, le=30, description="Most digits accepted")
    pattern: str | None = Field(
        default=None, max_length=200,
        description="Regular expression the whole number must match, e.g. '^9[0-9]+$'")
    checksum: Checksum = Field(
        default="none", description="Check digit: none, luhn (mod 10) or mod11 (weights 2-7)")
    directory: Id | None = Field(
        default=None, description="Directory to look the number up in (by customer number)")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _length_range(self) -> NumberRule:
        if self.max_length < self.min_length:
            raise ValueError(f"max_length {self.max_length} is below min_length {self.min_length}")
        return self
