"""The ``prompts:`` section of a contact center: what callers hear, per language.

A prompt is either spoken text (synthesised offline per language) or the
organisation's own recording per language, or both: a recording wins for its
language, text fills the others, and the site's default language fills what is
still missing (see :mod:`ccctl.prompts.build`).

This module imports only pydantic and :mod:`ccctl.config.types` so that the
config models can include it without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccctl.config.types import Id, LanguageCode

# Like LocalizedText, but long enough for an information or storm message.
PromptText = dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=1000)]]

RECORDING_SUFFIXES: tuple[str, ...] = (".wav", ".mp3", ".ogg")

RecordingPath = Annotated[
    str,
    Field(
        min_length=1,
        max_length=400,
        pattern=r"(?i)^[^\x00]*\.(wav|mp3|ogg)$",
        description="Path to a WAV, MP3 or OGG Vorbis file, relative to the YAML file",
    ),
]
VoiceName = Annotated[
    str,
    Field(
        pattern=r"^(espeak|flite)$",
        description="Synthesis voice: 'espeak' or 'flite' (English only); default: best installed",
    ),
]


class PromptKind(StrEnum):
    """What a prompt is for; decides where the dialplan uses it."""

    GREETING = "greeting"
    MENU = "menu"
    QUEUE = "queue"
    INFORMATION = "information"
    STORM = "storm"
    CLOSED = "closed"
    IDENTIFICATION = "identification"
    OTHER = "other"


class Prompt(BaseModel):
    """Something a caller hears: text to synthesise and/or own recordings, per language."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Id = Field(description="Unique prompt id; the file name in <prompts>/<lang>/<id>.wav")
    kind: PromptKind = Field(
        default=PromptKind.OTHER,
        description="greeting, menu, queue, information, storm, closed, identification or other",
    )
    text: PromptText = Field(
        default_factory=dict, description="Text to synthesise, per language (sv, en, ...)"
    )
    recordings: dict[LanguageCode, RecordingPath] = Field(
        default_factory=dict,
        description="Own recordings per language (path relative to the YAML file that names it); "
        "a recording wins over text for its language",
    )
    voice: VoiceName | None = Field(
        default=None,
        description="Synthesis engine: 'espeak' (espeak-ng, every language) or 'flite' "
        "(English only); default: the best installed for each language",
    )

    @model_validator(mode="after")
    def _has_content(self) -> Prompt:
        if not self.text and not self.recordings:
            raise ValueError(
                f"prompt {self.id!r} has neither 'text' nor 'recordings'; give at least one, "
                "e.g. text: {sv: 'Välkommen', en: 'Welcome'}"
            )
        return self
