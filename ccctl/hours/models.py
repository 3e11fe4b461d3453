"""The ``hours:`` section: when an entry point is open.

A day is decided in this order: an explicit exception for the date; a Swedish
public holiday (closed unless ``public_holidays: open``); a named special day
such as midsommarafton; otherwise the weekly schedule. A special day with
reduced hours only shortens a day the weekly schedule has open: a trettondagsafton
on a Saturday stays closed.

Imports only pydantic and :mod:`ccctl.config.types` (no import cycles).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from ccctl.config.types import Id

__all__ = ["CLOSED", "DayHours", "Schedule", "SpecialDay", "TimeRange", "Weekday"]

CLOSED = "closed"


def _ordered(value: str) -> str:
    start, end = value.split("-")
    if end <= start:
        raise ValueError(f"{value!r} ends before it starts; write e.g. '08:00-16:30'")
    return value


_RANGE = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]-(?:[01][0-9]|2[0-4]):[0-5][0-9]"
TimeRange = Annotated[
    str,
    Field(pattern=f"^{_RANGE}$", description="Open from-to, 24-hour clock, e.g. 08:00-16:30"),
    AfterValidator(_ordered),
]
DayHours = Annotated[
    str,
    Field(pattern=f"^(?:closed|{_RANGE})$",
          description="'closed', or the hours open that day, e.g. 08:00-12:00"),
    AfterValidator(lambda v: v if v == CLOSED else _ordered(v)),
]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class SpecialDay(StrEnum):
    """Days that are not public holidays but are treated specially in Sweden."""

    TRETTONDAGSAFTON = "trettondagsafton"  # 5 January
    SKARTORSDAGEN = "skartorsdagen"  # Thursday before Easter
    VALBORGSMASSOAFTON = "valborgsmassoafton"  # 30 April
    KRISTI_HIMMELSFARDSAFTON = "kristi-himmelsfardsafton"  # day before Ascension Day
    MIDSOMMARAFTON = "midsommarafton"  # Friday before Midsummer Day
    ALLHELGONAAFTON = "allhelgonaafton"  # Friday before All Saints' Day
    JULAFTON = "julafton"  # 24 December
    NYARSAFTON = "nyarsafton"  # 31 December


class Schedule(BaseModel):
    """When an entry point is open: a weekly schedule plus holidays and exceptions."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Id = Field(description="Unique schedule id, used by entry points")
    name: str = Field(default="", max_length=100, description="Human-readable name")
    weekly: dict[Weekday, tuple[TimeRange, ...]] = Field(
        description="Open hours per weekday, e.g. mon: ['08:00-16:30']; days left out are closed"
    )
    public_holidays: Literal["closed", "open"] = Field(
        default="closed", description="Swedish public holidays (the 'holidays' package): "
        "closed or open (then the weekly schedule applies)"
    )
    special_days: dict[SpecialDay, DayHours] = Field(
        default_factory=dict,
        description="Named days before holidays → 'closed' or reduced hours, "
        "e.g. midsommarafton: closed, trettondagsafton: '08:00-12:00'",
    )
    exceptions: dict[dt.date, DayHours] = Field(
        default_factory=dict,
        description="Dates (YYYY-MM-DD) → 'closed' or the hours that day; wins over everything",
    )

    @field_validator("exceptions", mode="before")
    @classmethod
    def _dates_as_text(cls, value: object) -> object:
        # YAML may read 2026-08-14 as a date already, or keep it as text: accept both.
        if isinstance(value, dict):
            return {str(key): hours for key, hours in value.items()}
        return value
