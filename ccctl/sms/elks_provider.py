"""46elks (Uppsala), over its documented HTTP API.

Send: ``POST {api}/sms`` with HTTP Basic auth (API username and password) and
the form fields ``from``, ``to``, ``message`` and, for delivery reports,
``whendelivered`` (a URL). The answer is JSON with ``id``, ``status``
(created, sent, delivered, failed) and ``parts`` (segments).

Delivery report: 46elks POSTs ``application/x-www-form-urlencoded`` to the
``whendelivered`` URL each time the state changes, with ``id``, ``status``
(sent, delivered or failed) and ``delivered`` (UTC time, when delivered); it
retries until it gets a 200-204. 46elks does not sign callbacks; it documents
Basic-auth credentials in the URL instead, so with a ``callback_secret`` the
URL we give carries ``ccctl:<secret>@`` and :meth:`ElksProvider.parse_delivery`
checks the Authorization header.

46elks has no idempotency key: the ledger in :class:`ccctl.sms.sender.SmsSender`
stands in for it.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import aiohttp
from yarl import URL

from ccctl.sms.errors import ForgedCallbackError, MalformedCallbackError, PermanentSendError
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
    parse_basic_auth,
    transport_failure,
)

log = logging.getLogger(__name__)

NAME = "46elks"
DEFAULT_API_URL = "https://api.46elks.com/a1"
CALLBACK_USER = "ccctl"
_STATES = {"created": DeliveryState.QUEUED, "sent": DeliveryState.SENT,
           "delivered": DeliveryState.DELIVERED, "failed": DeliveryState.FAILED}


def state_of(status: str | None) -> DeliveryState:
    return _STATES.get(status or "", DeliveryState.UNKNOWN)


class ElksProvider:
    """46elks' SMS API, version a1."""

    name = NAME
    dedups_by_key = False

    def __init__(self, session: aiohttp.ClientSession, username: str, password: str, *,
                 api_url: str = DEFAULT_API_URL, callback_url: str | None = None,
                 callback_secret: str | None = None, timeout_seconds: float = 15.0,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._session = session
        self._headers = {"Authorization": basic_auth(username, password)}
        self._url = api_url.rstrip("/") + "/sms"
        self._callback_url = callback_url
        self._callback_secret = callback_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._wall_clock = wall_clock

    def __repr__(self) -> str:
        return f"ElksProvider(url={self._url!r})"

    def when_delivered(self) -> str | None:
        """The ``whendelivered`` URL: the callback URL, with our credentials if we check them."""
        if self._callback_url is None or self._callback_secret is None:
            return self._callback_url
        url = URL(self._callback_url)
        return str(url.with_user(CALLBACK_USER).with_password(self._callback_secret))

    async def send(self, message: SmsMessage) -> SendResult:
        form = {"from": message.sender, "to": message.to, "message": message.body}
        when_delivered = self.when_delivered()
        if when_delivered:
            form["whendelivered"] = when_delivered
        try:
            async with self._session.post(self._url, data=form, headers=self._headers,
                                          timeout=self._timeout) as response:
                text = await response.text()
                if response.status >= 300:
                    raise http_failure(NAME, response.status, headers=response.headers,
                                       text=_error_text(response.content_type, text),
                                       now=self._wall_clock())
                data = _json_object(text)
        except TRANSPORT_ERRORS as exc:
            raise transport_failure(NAME, exc) from exc
        message_id, status = data.get("id"), data.get("status")
        if not isinstance(message_id, str) or not message_id:
            raise PermanentSendError(NAME, "46elks answered without a message id: "
                                     f"{text[:200]!r}")
        if status == "failed":
            raise PermanentSendError(NAME, f"46elks marked message {message_id} failed at once")
        parts = data.get("parts")
        log.info("46elks accepted %s for %s as %s (%s)", message.idempotency_key,
                 mask(message.to), message_id, status)
        state = state_of(status if isinstance(status, str) else None)
        return SendResult(NAME, message_id, state, parts if isinstance(parts, int) else None)

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        self._check_credentials(callback)
        fields = callback.form()
        status = required(fields, "status", NAME)
        delivered = fields.get("delivered") or None
        return DeliveryReport(NAME, required(fields, "id", NAME), state_of(status), status,
                              None, _utc(delivered) if delivered else None)

    def _check_credentials(self, callback: CallbackRequest) -> None:
        if self._callback_secret is None:
            return
        given = parse_basic_auth(callback.header("Authorization"))
        if (given is None or given[0] != CALLBACK_USER
                or not hmac.compare_digest(given[1].encode(), self._callback_secret.encode())):
            raise ForgedCallbackError("46elks delivery callback without the expected Basic-auth "
                                 "credentials (the ones put into the whendelivered URL)")


def _json_object(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise PermanentSendError(NAME, f"46elks answered with something not JSON: "
                                 f"{text[:200]!r}") from None
    if not isinstance(data, dict):
        raise PermanentSendError(NAME, f"46elks answered with JSON that is no object: "
                                 f"{text[:200]!r}")
    return data


def _error_text(content_type: str, text: str) -> str:
    """46elks errors are plain text or ``{"error": "..."}``; the words, either way."""
    if content_type == "application/json":
        try:
            data = _json_object(text)
        except PermanentSendError:
            return text
        error = data.get("error")
        return str(error) if error else text
    return text


def _utc(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedCallbackError(f"46elks delivery callback has an unreadable time "
                                f"'delivered={text}'") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
