"""A generic HTTP gateway: for an organisation's own SMS relay or any provider behind one.

The contract (documented in docs/sms.md):

* Send: ``POST <url>`` with ``Content-Type: application/json``, the configured
  auth header (e.g. ``Authorization: Bearer …``), ``Idempotency-Key: <key>``
  and the body ``{"to", "from", "body", "idempotency_key"[, "status_callback"]}``.
  A 2xx answer is JSON ``{"id": "...", "status": "queued"|"sent"|...,
  "segments": n}`` (status and segments optional). The gateway must treat a
  repeated Idempotency-Key as the same message and answer as the first time.
* Delivery callback: ``POST`` JSON ``{"id", "status"[, "error_code",
  "delivered_at"]}`` to the status-callback URL. With a ``callback_secret``
  the gateway signs the raw body: ``X-Ccctl-Signature: sha256=<hex HMAC-SHA256>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import aiohttp

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
from ccctl.sms.provider import TRANSPORT_ERRORS, http_failure, transport_failure

log = logging.getLogger(__name__)

NAME = "webhook"
SIGNATURE_HEADER = "X-Ccctl-Signature"


def sign(secret: str, body: bytes) -> str:
    """The value of ``X-Ccctl-Signature`` for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def state_of(status: object) -> DeliveryState:
    try:
        return DeliveryState(str(status))
    except ValueError:
        return DeliveryState.UNKNOWN


class WebhookProvider:
    """JSON over HTTP to a configured URL; deduplicates by the Idempotency-Key header."""

    name = NAME
    dedups_by_key = True

    def __init__(self, session: aiohttp.ClientSession, url: str, *,
                 auth_header: str = "Authorization", auth_value: str | None = None,
                 callback_url: str | None = None, callback_secret: str | None = None,
                 timeout_seconds: float = 15.0,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._session = session
        self._url = url
        self._headers = {auth_header: auth_value} if auth_value else {}
        self._callback_url = callback_url
        self._callback_secret = callback_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._wall_clock = wall_clock

    def __repr__(self) -> str:
        return f"WebhookProvider(url={self._url!r})"

    async def send(self, message: SmsMessage) -> SendResult:
        payload: dict[str, str] = {"to": message.to, "from": message.sender,
                                   "body": message.body,
                                   "idempotency_key": message.idempotency_key}
        if self._callback_url:
            payload["status_callback"] = self._callback_url
        headers = {**self._headers, "Idempotency-Key": message.idempotency_key}
        try:
            async with self._session.post(self._url, json=payload, headers=headers,
                                          timeout=self._timeout) as response:
                text = await response.text()
                if response.status >= 300:
                    raise http_failure(NAME, response.status, headers=response.headers,
                                       text=text, now=self._wall_clock())
        except TRANSPORT_ERRORS as exc:
            raise transport_failure(NAME, exc) from exc
        data = _answer(text)
        message_id = data.get("id")
        if not isinstance(message_id, str | int) or message_id == "":
            raise PermanentSendError(NAME, f"the gateway answered without an 'id': {text[:200]!r}")
        segments = data.get("segments")
        state = state_of(data.get("status", "queued"))
        log.info("webhook gateway accepted %s for %s as %s (%s)", message.idempotency_key,
                 mask(message.to), message_id, state)
        return SendResult(NAME, str(message_id), state,
                          segments if isinstance(segments, int) else None)

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        if self._callback_secret is not None:
            given = callback.header(SIGNATURE_HEADER) or ""
            if not hmac.compare_digest(given, sign(self._callback_secret, callback.body)):
                raise ForgedCallbackError(f"webhook delivery callback with a missing or wrong "
                                     f"{SIGNATURE_HEADER}; check the gateway's callback secret")
        data = callback.json()
        status = required(data, "status", NAME)
        error = data.get("error_code")
        when = data.get("delivered_at")
        return DeliveryReport(NAME, str(required(data, "id", NAME)), state_of(status), status,
                              str(error) if error is not None else None,
                              _utc(when) if isinstance(when, str) and when else None)


def _answer(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise PermanentSendError(NAME, f"the gateway's answer is not a JSON object: "
                                 f"{text[:200]!r}")
    return data


def _utc(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedCallbackError(f"webhook delivery callback has an unreadable "
                                f"'delivered_at': {text!r}; use ISO 8601") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
