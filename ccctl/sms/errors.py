"""What can go wrong when sending an SMS or reading a delivery callback.

Domain errors: none carries an HTTP status code. A failed request to a
provider is described in the message (for the operator); whether it may be
retried is the class. The web layer maps the callback errors to its answers
(:class:`ForgedCallbackError` → 403, :class:`MalformedCallbackError` → 400).
"""

from __future__ import annotations


class SmsError(Exception):
    """Base of every error in :mod:`ccctl.sms`."""


class InvalidMessageError(SmsError, ValueError):
    """The message cannot be sent as given (bad number, sender id, body or key)."""


class TemplateError(SmsError, ValueError):
    """A message template does not parse or does not render; says which and why."""


class SendError(SmsError):
    """A send did not succeed; ``provider`` says through whom."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class TransientSendError(SendError):
    """Worth another try: no connection, a timeout, the provider overloaded or rate limiting.

    ``retry_after`` is the wait the provider asked for (seconds), if it did.
    ``maybe_sent`` is True when the request may have reached the provider
    before the failure (a timeout or a dropped connection after the request
    was written): then a retry may send the message twice unless the
    provider deduplicates by idempotency key.
    """

    def __init__(self, provider: str, message: str, *, retry_after: float | None = None,
                 maybe_sent: bool = False) -> None:
        super().__init__(provider, message)
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent


class PermanentSendError(SendError):
    """The provider refused the message; sending it again unchanged will not help.

    ``code`` is the provider's own error code when it gives one (Twilio's
    21211 "invalid To number", …), so the operator can look it up.
    """

    def __init__(self, provider: str, message: str, *, code: str | None = None) -> None:
        super().__init__(provider, message)
        self.code = code


class RetriesExhaustedError(SendError):
    """Every allowed attempt failed transiently; the last failure is the ``__cause__``."""

    def __init__(self, provider: str, message: str, *, attempts: int, maybe_sent: bool) -> None:
        super().__init__(provider, message)
        self.attempts = attempts
        self.maybe_sent = maybe_sent


class UncertainSendError(SendError):
    """At-most-once mode: an earlier attempt may have been sent, so this one is not."""


class IdempotencyConflictError(SmsError, ValueError):
    """An idempotency key was used again for a different message."""


class MalformedCallbackError(SmsError, ValueError):
    """A delivery callback lacks a field or has a value we do not understand."""


class ForgedCallbackError(SmsError):
    """A delivery callback's signature or credentials are wrong: not from the provider."""
