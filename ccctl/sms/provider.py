"""The interface every SMS provider implements, and what they share about HTTP.

A provider makes *one* attempt per :meth:`SmsProvider.send` and says by the
exception's class whether another attempt may help; retries, backoff and
idempotency are :class:`ccctl.sms.sender.SmsSender`'s job, the same for all.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import email.utils
from collections.abc import Mapping
from typing import Protocol

import aiohttp
from aiohttp import web

from ccctl.sms.errors import PermanentSendError, SendError, TransientSendError
from ccctl.sms.models import CallbackRequest, DeliveryReport, SendResult, SmsMessage

_DETAIL_CHARS = 300  # enough for any provider's error text, not a whole HTML error page


class SmsProvider(Protocol):
    """One SMS gateway.

    ``dedups_by_key`` is True when the provider itself ignores a second request
    with the same idempotency key: then resending after an uncertain attempt
    cannot send twice.
    """

    @property
    def name(self) -> str: ...

    @property
    def dedups_by_key(self) -> bool: ...

    async def send(self, message: SmsMessage) -> SendResult:
        """One attempt. Raises :class:`TransientSendError` or :class:`PermanentSendError`."""
        ...

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        """Check a delivery callback's authenticity and read it.

        Raises :class:`~ccctl.sms.errors.ForgedCallbackError` or
        :class:`~ccctl.sms.errors.MalformedCallbackError`.
        """
        ...


async def callback_from_aiohttp(request: web.Request, public_url: str | None = None
                                ) -> CallbackRequest:
    """Read an aiohttp request into a :class:`CallbackRequest`.

    ``public_url`` is the URL the provider was given, when a reverse proxy makes
    the request's own URL differ from it (signatures cover the public URL).
    """
    body = await request.read()
    headers = {name.lower(): value for name, value in request.headers.items()}
    return CallbackRequest(public_url or str(request.url), headers, body)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from ``now``: either delta-seconds or an HTTP date.

    >>> parse_retry_after("7", 0.0), parse_retry_after(None, 0.0), parse_retry_after("soon", 0.0)
    (7.0, None, None)
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:30 GMT", 10.0)
    20.0
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def http_failure(provider: str, status: int, *, headers: Mapping[str, str], text: str,
                 now: float) -> SendError:
    """The error for a provider's non-2xx answer: 429 and 5xx transient, the rest permanent."""
    if status == 429 or status >= 500:
        retry_after = parse_retry_after(headers.get("Retry-After"), now)
        # 429 and 503 say "not now": nothing was done. Another 5xx (500, a proxy's 502
        # or 504) may come after the provider took the message.
        return TransientSendError(provider, f"HTTP {status} from the provider: {_short(text)}",
                                  retry_after=retry_after, maybe_sent=status not in (429, 503))
    return refusal(provider, status, text)


def refusal(provider: str, status: int, text: str, code: str | None = None
            ) -> PermanentSendError:
    """A 4xx answer: what the provider said, its error code, and what to check."""
    hint = {401: "check the API credentials in the secrets file",
            403: "the account may lack credit or permission for this destination or sender",
            404: "check the provider's API URL in the configuration"}.get(
                status, "the provider rejected the request; see its message")
    coded = f" (provider error {code})" if code else ""
    return PermanentSendError(provider, f"HTTP {status}{coded}: {_short(text)}; {hint}",
                              code=code)


def _short(text: str) -> str:
    return " ".join(text.split())[:_DETAIL_CHARS] or "(empty body)"


def transport_failure(provider: str, exc: BaseException) -> TransientSendError:
    """A connection problem. Only a refused or unresolvable connection surely sent nothing."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return TransientSendError(provider, f"cannot connect: {exc}", maybe_sent=False)
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        what = "no answer in time"
    else:
        what = f"connection failed ({type(exc).__name__}: {exc})"
    return TransientSendError(provider, f"{what}; the request may have been received",
                              maybe_sent=True)


def basic_auth(login: str, password: str) -> str:
    """An Authorization header value for HTTP Basic auth (RFC 7617, UTF-8).

    >>> basic_auth("ccctl", "hemligt")
    'Basic Y2NjdGw6aGVtbGlndA=='
    """
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(login, password) from an Authorization header, or None if it is not Basic auth."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        login, colon, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (login, password) if colon else None


TRANSPORT_ERRORS = (aiohttp.ClientConnectionError, asyncio.TimeoutError, TimeoutError)
