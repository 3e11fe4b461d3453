"""What can go wrong with a shared voicemail. Domain errors: no HTTP status codes here
(the web layer maps them: unknown → 404, not permitted → 403, taken or wrong state →
409, recording gone → 410)."""

from __future__ import annotations


class VoicemailError(Exception):
    """Base of the voicemail errors; the message says what and what to do."""


class UnknownVoicemailError(VoicemailError):
    """No such message — or none this agent may see (the same answer: no probing)."""


class NotPermittedError(VoicemailError):
    """The message exists and is visible, but this one may not do that to it."""


class ClaimedError(VoicemailError):
    """Someone else has claimed the message; ``claimed_by`` names them."""

    def __init__(self, message: str, claimed_by: str) -> None:
        super().__init__(message)
        self.claimed_by = claimed_by


class StateError(VoicemailError):
    """The message's state does not allow it (done already, or not claimed)."""


class RecordingGoneError(VoicemailError):
    """The recording is no longer in Asterisk's voicemail spool."""
