"""Errors about prompts, written for the person who must fix them.

Every error names the file it concerns (what), and says how to fix it. The
prompt and language it was meant for, and the YAML place that names the file,
are added by :mod:`ccctl.prompts.build` when it knows them.
"""

from __future__ import annotations

from pathlib import Path


class PromptError(Exception):
    """A prompt could not be produced. ``str()`` is the message for the operator."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}; {fix}")


class RecordingNotFoundError(PromptError):
    """The recording named in the configuration does not exist."""


class UnsupportedFormatError(PromptError):
    """An audio format ccctl does not import (e.g. FLAC, M4A, OGG Opus)."""


class WrongExtensionError(PromptError):
    """The file holds a supported format, but not the one its extension says."""


class NotAudioError(PromptError):
    """The file is not audio at all, or is damaged so that it cannot be decoded."""


class SilentRecordingError(PromptError):
    """The recording holds (nearly) nothing a caller could hear."""


class RecordingTooLongError(PromptError):
    """The recording is longer than the configured maximum."""


class ToolMissingError(PromptError):
    """A program the conversion needs (sox, espeak-ng, flite) is not installed."""


class SynthesisFailedError(PromptError):
    """The speech synthesiser ran but produced no usable audio."""
