"""Annotated types shared by every configuration model.

Kept apart from :mod:`ccctl.config.models` so that models written elsewhere
(``ccctl.ident.models``, ``ccctl.prompts.models``) can use them without
importing the whole contact-center model, which imports theirs: no cycles.
This module imports only pydantic.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = [
    "DialString",
    "DtmfKey",
    "E164Number",
    "E164Prefix",
    "Extension",
    "Id",
    "LanguageCode",
    "LocalizedText",
    "PhoneCode",
    "Port",
    "Seconds",
    "SkillLevel",
]

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_-]{0,39}$",
        description="Identifier: lower-case ASCII letter, then letters, digits, '-' or '_'",
    ),
]
LanguageCode = Annotated[
    str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 language code, e.g. sv, en")
]
DialString = Annotated[
    str,
    Field(
        pattern=r"^\+?[0-9]{2,20}$",
        description="A number as dialled: digits with an optional leading '+'",
    ),
]
E164Number = Annotated[
    str, Field(pattern=r"^\+[1-9][0-9]{5,14}$", description="A number in E.164: +46846500499")
]
E164Prefix = Annotated[
    str, Field(pattern=r"^\+[0-9]{1,15}$", description="The start of E.164 numbers: +46")
]
DtmfKey = Annotated[
    str, Field(pattern=r"^[0-9*#]$", description="One telephone key: 0-9, * or #")
]
PhoneCode = Annotated[
    str, Field(pattern=r"^\*[0-9]{1,4}$", description="A feature code: '*' and 1-4 digits")
]
Extension = Annotated[
    str, Field(pattern=r"^[0-9]{2,8}$", description="Internal extension, 2-8 digits")
]
SkillLevel = Annotated[int, Field(ge=1, le=5, description="Skill level 1 (basic) to 5 (expert)")]
Seconds = Annotated[int, Field(ge=0, le=86_400, description="Seconds, 0 to 86400")]
Port = Annotated[int, Field(ge=1, le=65_535, description="TCP/UDP port, 1 to 65535")]
# A name per language: {sv: Socialtjänst, en: Social services}
LocalizedText = dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=200)]]
