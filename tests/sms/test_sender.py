"""SmsSender's promises: retries, backoff, the ledger, and the at-most/at-least-once window.

A scripted provider stands in here so each failure is exact; the provider
tests run the same sender against the real clients and local servers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ccctl.sms import (
    CallbackRequest,
    DeliveryReport,
    DeliveryState,
    IdempotencyConflictError,
    MemoryLedger,
    PermanentSendError,
    RetriesExhaustedError,
    RetryPolicy,
    SendLedger,
    SendResult,
    SmsMessage,
    SmsSender,
    SqliteLedger,
    TransientSendError,
    UncertainSendError,
)
from ccctl.sms.ledger import LedgerState
from ccctl.sms.provider import http_failure
from tests.sms.harness import Sleeps, message

Outcome = Exception | None  # None: accept the message


@dataclass
class Scripted:
    """A provider whose attempts fail or succeed as scripted; counts what it accepted."""

    script: list[Outcome] = field(default_factory=list)
    dedups_by_key: bool = False
    name: str = "scripted"
    accepted: list[SmsMessage] = field(default_factory=list)
    attempts: int = 0

    async def send(self, msg: SmsMessage) -> SendResult:
        self.attempts += 1
        await asyncio.sleep(0)  # let another task run, as a real request would
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.accepted.append(msg)
        return SendResult(self.name, f"m{len(self.accepted)}", DeliveryState.QUEUED, 1)

    def parse_delivery(self, callback: CallbackRequest) -> DeliveryReport:
        raise NotImplementedError


def transient(maybe_sent: bool = False, retry_after: float | None = None) -> Exception:
    return TransientSendError("scripted", "busy", retry_after=retry_after, maybe_sent=maybe_sent)


def sender(provider: Scripted, ledger: SendLedger | None = None, *, attempts: int = 5,
           at_most_once: bool = False, sleeps: Sleeps | None = None) -> SmsSender:
    return SmsSender(provider, ledger or MemoryLedger(), RetryPolicy(attempts, 1.0, 8.0),
                     at_most_once=at_most_once, sleep=sleeps or Sleeps(), clock=lambda: 1000.0)


def test_given_repeated_transient_failures_then_waits_double_up_to_the_cap() -> None:
    provider, sleeps = Scripted([transient()] * 5), Sleeps()
    with pytest.raises(RetriesExhaustedError, match="gave up after 5 attempt"):
        asyncio.run(sender(provider, sleeps=sleeps).send(message()))
    assert sleeps.waits == [1.0, 2.0, 4.0, 8.0] and provider.accepted == []


def test_given_a_retry_after_longer_than_the_cap_then_it_gives_up_at_once() -> None:
    provider, sleeps = Scripted([transient(retry_after=3600.0)]), Sleeps()
    with pytest.raises(RetriesExhaustedError, match="after 1 attempt"):
        asyncio.run(sender(provider, sleeps=sleeps).send(message()))
    assert sleeps.waits == [] and provider.attempts == 1


def test_given_a_refusal_then_the_key_may_be_sent_again_later() -> None:
    async def main() -> None:
        provider, ledger = Scripted([PermanentSendError("scripted", "no")]), MemoryLedger()
        with pytest.raises(PermanentSendError):
            await sender(provider, ledger).send(message())
        record = await ledger.lookup("callback-42")
        assert record is not None and record.state is LedgerState.FAILED
        await sender(provider, ledger).send(message())
        assert len(provider.accepted) == 1

    asyncio.run(main())


def test_given_a_key_reused_for_another_text_then_it_is_refused() -> None:
    async def main() -> None:
        provider, ledger = Scripted(), MemoryLedger()
        await sender(provider, ledger).send(message(body="Första texten"))
        with pytest.raises(IdempotencyConflictError, match="different message"):
            await sender(provider, ledger).send(message(body="Andra texten"))
        assert len(provider.accepted) == 1

    asyncio.run(main())


def test_given_two_tasks_sending_the_same_key_at_once_then_one_message_is_sent() -> None:
    async def main() -> None:
        provider = Scripted()
        shared = sender(provider)
        first, second = await asyncio.gather(shared.send(message()), shared.send(message()))
        assert len(provider.accepted) == 1
        assert first.message_id == second.message_id and second.replayed

    asyncio.run(main())


def crashed_mid_send(ledger: SendLedger) -> None:
    """An attempt began (and may have reached the provider), then the process died."""
    asyncio.run(ledger.begin("callback-42", message().fingerprint(), "scripted", 999.0))


def test_given_a_crash_mid_send_then_at_least_once_sends_again(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "sms.db")
    crashed_mid_send(ledger)
    provider = Scripted()
    asyncio.run(sender(provider, ledger).send(message()))
    assert len(provider.accepted) == 1


def test_given_a_crash_mid_send_then_at_most_once_refuses_to_risk_a_duplicate(
        tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "sms.db")
    crashed_mid_send(ledger)
    provider = Scripted()
    with pytest.raises(UncertainSendError, match="may have been sent"):
        asyncio.run(sender(provider, ledger, at_most_once=True).send(message()))
    assert provider.attempts == 0


def test_given_a_crash_mid_send_and_a_deduplicating_provider_then_it_is_resent_safely(
) -> None:
    ledger = MemoryLedger()
    crashed_mid_send(ledger)
    provider = Scripted(dedups_by_key=True)
    asyncio.run(sender(provider, ledger, at_most_once=True).send(message()))
    assert len(provider.accepted) == 1


def test_given_a_timeout_in_at_most_once_mode_then_no_second_attempt_is_made() -> None:
    async def main() -> None:
        provider, ledger = Scripted([transient(maybe_sent=True)]), MemoryLedger()
        with pytest.raises(RetriesExhaustedError) as caught:
            await sender(provider, ledger, at_most_once=True).send(message())
        assert caught.value.maybe_sent and provider.attempts == 1
        record = await ledger.lookup("callback-42")
        assert record is not None and record.state is LedgerState.PENDING  # unknown, not failed

    asyncio.run(main())


def test_given_a_connection_refused_then_the_ledger_says_failed_not_unknown() -> None:
    async def main() -> None:
        provider, ledger = Scripted([transient(maybe_sent=False)]), MemoryLedger()
        with pytest.raises(RetriesExhaustedError):
            await sender(provider, ledger, attempts=1).send(message())
        record = await ledger.lookup("callback-42")
        assert record is not None and record.state is LedgerState.FAILED

    asyncio.run(main())


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_given_reports_out_of_order_then_the_final_state_is_kept(kind: str,
                                                                 tmp_path: Path) -> None:
    async def main() -> None:
        ledger: SendLedger = MemoryLedger() if kind == "memory" else SqliteLedger(
            tmp_path / "sms.db")
        shared = sender(Scripted(), ledger)
        sent = await shared.send(message())

        def report(state: DeliveryState) -> DeliveryReport:
            return DeliveryReport("scripted", sent.message_id, state, state.value)

        assert await shared.record_delivery(report(DeliveryState.DELIVERED)) == "callback-42"
        assert await shared.record_delivery(report(DeliveryState.SENT)) == "callback-42"
        record = await ledger.lookup("callback-42")
        assert record is not None and record.status is DeliveryState.DELIVERED
        unknown = DeliveryReport("scripted", "m999", DeliveryState.FAILED, "failed")
        assert await shared.record_delivery(unknown) is None

    asyncio.run(main())


@pytest.mark.parametrize(("status", "maybe_sent"), [(429, False), (503, False), (500, True),
                                                    (502, True), (504, True)])
def test_given_a_provider_error_status_then_only_429_and_503_are_surely_not_sent(
        status: int, maybe_sent: bool) -> None:
    error = http_failure("twilio", status, headers={"Retry-After": "2"}, text="", now=0.0)
    assert isinstance(error, TransientSendError) and error.maybe_sent is maybe_sent
    assert error.retry_after == 2.0
