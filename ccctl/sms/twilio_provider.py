"""Twilio through the official ``twilio`` package, asynchronously.

Sends with ``Client.messages.create_async`` over the package's own
:class:`AsyncTwilioHttpClient`, given the daemon's aiohttp session. The
package has no base-URL option (its API domain is fixed at
``https://api.twilio.com``); Twilio's advice for testing against another host
is a custom HTTP client (twilio/twilio-python#521), so :class:`_TwilioHttp`
rewrites the scheme and host when ``api_base_url`` is set — for the local fake
API in the tests, or a forward proxy.

Twilio has no idempotency header for Messages: :class:`ccctl.sms.sender.SmsSender`
keeps the local ledger that stops a second send.

Delivery callbacks are Twilio's StatusCallback form POSTs (MessageSid,
MessageStatus, ErrorCode) signed in ``X-Twilio-Signature`` with the auth token
over the callback URL and the form fields; checked with the package's
:class:`RequestValidator` against the URL we gave Twilio.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from twilio.base import values  # type: ignore[import-untyped]
from twilio.base.exceptions import (  # type: ignore[import-untyped]
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.async_http_client import AsyncTwilioHttpClient  # type: ignore[import-untyped]
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]
from twilio.rest import Client  # type: ignore[import-untyped]

from ccctl.sms.errors import ForgedCallbackError, PermanentSendError
from ccctl.sms.models import (
    CallbackRequest,
    DeliveryReport,
    DeliveryState,
    SendResult,
    SmsMessage,
    mask,
    required,
)
from ccctl.sms.provider import (
    TRANSPORT_ERRORS,
    basic_auth,
    http_failure,
    refusal,
    transport_failure,
)

log = logging.getLogger(__name__)

NAME = "twilio"
_STATES = {
    "accepted": DeliveryState.QUEUED, "scheduled": DeliveryState.QUEUED,
    "queued": DeliveryState.QUEUED, "sending": DeliveryState.QUEUED,
    "sent": DeliveryState.SENT, "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.DELIVERED, "undelivered": DeliveryState.FAILED,
    "failed": DeliveryState.FAILED, "canceled": DeliveryState.FAILED,
}


def state_of(status: str | None) -> DeliveryState:
    return _STATES.get(status or "", DeliveryState.UNKNOWN)


class _TwilioHttp(AsyncTwilioHttpClient):  # type: ignore[misc]
    """The package's async client on a shared session, with a movable host and a timeout.

    It raises :class:`TransientSendError` itself for 429 and 5xx, because only
    here is the Retry-After header still at hand; the package turns the other
    non-2xx answers into :class:`TwilioRestException`.
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str | None,
                 timeout_seconds: float, wall_clock: Callable[[], float]) -> None:
        super().__init__(pool_connections=False)
        self.session = session  # not closed here: the session belongs to whoever made it
        self._base = urlsplit(base_url.rstrip("/")) if base_url else None
        self._timeout_seconds = timeout_seconds
        self._wall_clock = wall_clock

    def rebase(self, url: str) -> str:
        if self._base is None:
            return url
        parts = urlsplit(url)
        return urlunsplit((self._base.scheme, self._base.netloc, self._base.path + parts.path,
                           parts.query, parts.fragment))

    # The package's HttpClient.request signature, positional arguments and all.
    async def request(self, method: str, url: str,  # noqa: PLR0917
                      params: dict[str, object] | None = None,
                      data: dict[str, object] | None = None,
                      headers: dict[str, str] | None = None,
                      auth: tuple[str, str] | None = None,
                      timeout: float | None = None,  # noqa: ASYNC109
                      allow_redirects: bool = False) -> Any:
        # The package passes timeout=None, which aiohttp reads as "no timeout at all";
        # and aiohttp deprecates its auth= parameter, so the header is set here.
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = basic_auth(*auth)
        response = await super().request(
            method, self.rebase(url), params=params, data=data, headers=headers, auth=None,
            timeout=timeout or self._timeout_seconds, allow_redirects=allow_redirects)
        status = int(response.status_code)
        if status == 429 or status >= 500:
            raise http_failure(NAME, status, headers=response.headers, text=response.text,
                               now=self._wall_clock())
        return response

    async def close(self) -> None:
        """Nothing to close: the shared session is closed by its owner."""

    async def __aexit__(self, *excinfo: object) -> None:
        """Nothing to close: the shared session is closed by its owner."""


class TwilioProvider:
    """Twilio's Programmable Messaging API (2010-04-01 Messages resource)."""

    name = NAME
    dedups_by_key = False

    def __init__(self, session: aiohttp.ClientSession, account_sid: str, auth_token: str, *,
                 status_callback_url: str | None = None, api_base_url: str | None = None,
                 timeout_seconds: float = 15.0,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._http = _TwilioHttp(session, api_base_url, timeout_seconds, wall_clock)
        # The empty values stop the package from reading TWILIO_EDGE/TWILIO_REGION
        # from the environment: where requests go is the configuration's decision.
        self._client = Client(account_sid, auth_token, http_client=self._http,
                              environment={"TWILIO_EDGE": "", "TWILIO_REGION": ""})
        self._validator = RequestValidator(auth_token)
        self._callback_url = status_callback_url

    def __repr__(self) -> str:
        return f"TwilioProvider(account={self._client.account_sid!r})"

    async def send(self, message: SmsMessage) -> SendResult:
        callback = self._callback_url or values.unset
        try:
            created = await self._client.messages.create_async(
                to=message.to, from_=message.sender, body=message.body,
                status_callback=callback)
        except TwilioRestException as exc:
            raise _refused(int(exc.status), exc.msg, exc.code) from None
        except TwilioServiceException as exc:
            raise _refused(int(exc.status), exc.detail or exc.title, exc.code) from None
        except TRANSPORT_ERRORS as exc:
            raise transport_failure(NAME, exc) from exc
        sid, status = created.sid, created.status
        if not isinstance(sid, str) or not sid:
            raise PermanentSendError(NAME, "Twilio accepted the message but returned no sid")
        log.info("twilio accepted %s for %s as %s (%s)", message.idempotency_key,
                 mask(message.to), sid, status)
        return SendResult(NAME, sid, state_of(status), _int_or_none(created.num_segments))

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        """Validate ``X-Twilio-Signature`` against the status-callback URL, then read the form."""
        fields = callback.form()
        signature = callback.header("X-Twilio-Signature")
        # Twilio signs the URL it was given; the configured one, not the one a proxy forwarded.
        url = self._callback_url or callback.url
        if not signature or not self._validator.validate(url, fields, signature):
            raise ForgedCallbackError(
                f"twilio delivery callback to {url} has a missing or wrong X-Twilio-Signature; "
                "either it is not from Twilio or the auth token or callback URL differ from "
                "the account's")
        status = required(fields, "MessageStatus", NAME)
        return DeliveryReport(NAME, required(fields, "MessageSid", NAME), state_of(status),
                              status, fields.get("ErrorCode") or None)


def _refused(status: int, text: object, code: object) -> PermanentSendError:
    return refusal(NAME, status, str(text or ""), str(code) if code is not None else None)


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
