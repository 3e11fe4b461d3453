"""Sending with retries and idempotency keys, the same for every provider.

``SmsSender.send(message)`` sends ``message`` at most once per idempotency key
as far as anyone can know, and retries transient failures with capped
exponential backoff (clock and sleep injected).

What "once" means, honestly:

* A key whose send was acknowledged (``sent`` in the ledger) is never sent
  again: the stored result is returned, marked ``replayed``.
* A refusal (4xx) or a refused connection surely sent nothing: the record
  is ``failed`` and a later send with the key tries again.
* The window: between the request leaving and the provider's answer being
  written to the ledger (a timeout, a dropped connection, a crash), nobody
  knows whether the provider took the message. For a provider that
  deduplicates by key (the generic webhook) resending is safe. For Twilio and
  46elks it is not, and ``at_most_once`` chooses: False (the default,
  at-least-once) resends — a citizen may get the same SMS twice, rarely; True
  never resends an uncertain message and raises :class:`UncertainSendError`
  instead — an SMS may then be lost. A notice that a callback failed is
  better twice than never, hence the default.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from ccctl.sms.errors import (
    IdempotencyConflictError,
    PermanentSendError,
    RetriesExhaustedError,
    TransientSendError,
    UncertainSendError,
)
from ccctl.sms.ledger import LedgerRecord, LedgerState, SendLedger
from ccctl.sms.models import CallbackRequest, DeliveryReport, SendResult, SmsMessage, mask
from ccctl.sms.provider import SmsProvider
from ccctl.sms.retry import RetryPolicy

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class SmsSender:
    """One provider, one ledger, one retry policy."""

    def __init__(self, provider: SmsProvider, ledger: SendLedger, policy: RetryPolicy, *,
                 at_most_once: bool = False, clock: Callable[[], float] = time.time,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.provider = provider
        self._ledger = ledger
        self._policy = policy
        self._at_most_once = at_most_once
        self._clock = clock
        self._sleep = sleep
        # One lock per key in flight, so two tasks sending the same key send once;
        # with the number of tasks holding or awaiting it, to drop it after the last.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def send(self, message: SmsMessage) -> SendResult:
        key = message.idempotency_key
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                return await self._send_once(message)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def _send_once(self, message: SmsMessage) -> SendResult:
        fingerprint = message.fingerprint()
        record = await self._ledger.lookup(message.idempotency_key)
        if record is not None:
            if record.fingerprint != fingerprint:
                raise IdempotencyConflictError(
                    f"idempotency key {message.idempotency_key!r} was used for a different "
                    "message (number, sender or text differ); use a new key for a new message")
            if record.state is LedgerState.SENT:
                log.info("not resending %s: %s took it as %s", record.key, record.provider,
                         record.message_id)
                return record.result()
            if record.state is LedgerState.PENDING:
                self._uncertain(record)
        return await self._attempts(message, fingerprint)

    def _uncertain(self, record: LedgerRecord) -> None:
        """An earlier attempt's outcome is unknown (the process died or gave up mid-send)."""
        if self.provider.dedups_by_key:
            return
        if self._at_most_once:
            raise UncertainSendError(
                self.provider.name, f"{record.key}: an earlier attempt may have been sent "
                "(its answer was never recorded); not sending again in at-most-once mode")
        log.warning("resending %s: the outcome of an earlier attempt is unknown, so the "
                    "recipient may get it twice", record.key)

    async def _attempts(self, message: SmsMessage, fingerprint: str) -> SendResult:
        key, name = message.idempotency_key, self.provider.name
        maybe_sent = False
        for attempt in range(1, self._policy.attempts + 1):
            await self._ledger.begin(key, fingerprint, name, self._clock())
            try:
                result = await self.provider.send(message)
            except PermanentSendError:
                await self._failed(key, maybe_sent)
                raise
            except TransientSendError as exc:
                maybe_sent = maybe_sent or exc.maybe_sent
                delay = self._next_delay(attempt, exc, maybe_sent)
                if delay is None:
                    await self._failed(key, maybe_sent)
                    raise RetriesExhaustedError(
                        name, f"{key}: gave up after {attempt} attempt(s); last: {exc}",
                        attempts=attempt, maybe_sent=maybe_sent) from exc
                log.warning("sending %s to %s failed (attempt %d of %d), retrying in %.1f s: "
                            "%s", key, mask(message.to), attempt, self._policy.attempts,
                            delay, exc)
                await self._sleep(delay)
                continue
            await self._ledger.acknowledge(key, result, self._clock())
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _next_delay(self, attempt: int, exc: TransientSendError, maybe_sent: bool
                    ) -> float | None:
        if maybe_sent and self._at_most_once and not self.provider.dedups_by_key:
            return None
        return self._policy.delay(attempt, exc.retry_after)

    async def _failed(self, key: str, maybe_sent: bool) -> None:
        # An attempt that may have been sent leaves the record pending: "unknown", not "failed".
        if not maybe_sent or self.provider.dedups_by_key:
            await self._ledger.fail(key, self._clock())

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        return self.provider.parse_delivery(callback)

    async def record_delivery(self, report: DeliveryReport) -> str | None:
        """Record a delivery report; the idempotency key of its message, None if unknown."""
        key = await self._ledger.record_delivery(report, self._clock())
        if key is None:
            log.warning("%s delivery report for unknown message %s (%s)", report.provider,
                        report.message_id, report.raw_status)
        else:
            log.info("%s: %s reports %s", key, report.provider, report.raw_status)
        return key
