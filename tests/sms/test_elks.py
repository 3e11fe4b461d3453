"""ElksProvider against a local fake of 46elks' documented /a1/sms and delivery reports."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from ccctl.sms import (
    DeliveryState,
    MemoryLedger,
    PermanentSendError,
    RetryPolicy,
    SendLedger,
    SmsSender,
    SqliteLedger,
)
from ccctl.sms.elks_provider import ElksProvider
from tests.sms.fakes import Failure, FakeElks
from tests.sms.harness import CITIZEN, LONG, SENDER, SWEDISH, Receiver, Sleeps, message

CALLBACK_SECRET = "fake-elks-callback-secret-0123"
Scenario = Callable[[FakeElks, SmsSender, Sleeps, Receiver], Awaitable[None]]


def provider(session: aiohttp.ClientSession, fake: FakeElks, receiver: Receiver,
             callback_secret: str | None = CALLBACK_SECRET) -> ElksProvider:
    return ElksProvider(session, FakeElks.USERNAME, FakeElks.PASSWORD,
                        api_url=f"{fake.url}/a1", callback_url=receiver.url,
                        callback_secret=callback_secret)


def run(scenario: Scenario, *, plan: list[Failure] | None = None,
        receiver_secret: str | None = CALLBACK_SECRET) -> None:
    async def main() -> None:
        async with FakeElks() as fake, Receiver() as receiver, \
                aiohttp.ClientSession() as session:
            fake.plan = list(plan or [])
            sleeps = Sleeps()
            sender = SmsSender(provider(session, fake, receiver), MemoryLedger(),
                               RetryPolicy(4, 2.0, 30.0), sleep=sleeps)
            receiver.sender = sender
            if receiver_secret != CALLBACK_SECRET:  # the receiving side expects other credentials
                receiver.sender = SmsSender(provider(session, fake, receiver, receiver_secret),
                                            MemoryLedger(), RetryPolicy())
            await scenario(fake, sender, sleeps, receiver)

    asyncio.run(main())


def test_given_the_fake_46elks_api_then_the_documented_form_fields_arrive() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        result = await sender.send(message())
        [sent] = fake.messages
        assert (sent["to"], sent["from"], sent["message"]) == (CITIZEN, SENDER, SWEDISH)
        assert sent["whendelivered"] == rx.url.replace(
            "http://", f"http://ccctl:{CALLBACK_SECRET}@")
        assert (result.provider, result.message_id, result.status, result.segments) == (
            "46elks", sent["id"], DeliveryState.QUEUED, 1)

    run(scenario)


def test_given_swedish_letters_and_a_long_text_then_both_arrive_whole() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        await sender.send(message("a", body=SWEDISH))
        long = await sender.send(message("b", body=LONG))
        assert [m["message"] for m in fake.messages] == [SWEDISH, LONG]
        assert long.segments == 2

    run(scenario)


def test_given_a_503_then_the_retry_sends_exactly_one_message() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        await sender.send(message())
        assert fake.requests == 2 and len(fake.messages) == 1 and sleeps.waits == [2.0]

    run(scenario, plan=[Failure(503, "Service Unavailable", content_type="text/plain")])


def test_given_no_credit_then_the_refusal_is_not_retried_and_says_what_to_check() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"46elks: HTTP 403: Not enough credits; "
                           r"the account may lack credit"):
            await sender.send(message())
        assert fake.requests == 1 and fake.messages == [] and sleeps.waits == []

    run(scenario, plan=[Failure(403, '{"error": "Not enough credits"}')])


def test_given_a_missing_field_answer_then_the_400_is_reported_as_46elks_said_it() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"HTTP 400: Missing key to"):
            await sender.send(message())
        assert fake.requests == 1

    run(scenario, plan=[Failure(400, "Missing key to", content_type="text/plain")])


def test_given_a_delivery_report_then_it_is_parsed_with_its_time_and_recorded() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        sms_id = (await sender.send(message("callback-42"))).message_id
        assert await fake.deliver(sms_id, "sent") == 204
        assert await fake.deliver(sms_id, "delivered") == 204
        [sent, delivered] = rx.reports
        assert (sent.state, sent.delivered_at) == (DeliveryState.SENT, None)
        assert delivered.state is DeliveryState.DELIVERED
        assert delivered.delivered_at == datetime(2025, 3, 6, 9, 15, 7, 456000, tzinfo=UTC)
        assert rx.keys == ["callback-42", "callback-42"]

    run(scenario)


def test_given_a_delivery_report_without_our_credentials_then_it_is_rejected() -> None:
    async def scenario(fake: FakeElks, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        sms_id = (await sender.send(message())).message_id
        assert await fake.deliver(sms_id, "delivered") == 403
        assert rx.reports == []

    run(scenario, receiver_secret="a-different-secret-0123456789")


def test_given_a_restart_then_the_sqlite_ledger_stops_a_second_send_of_the_same_key(
        tmp_path: Path) -> None:
    async def main() -> None:
        async with FakeElks() as fake, Receiver() as receiver, \
                aiohttp.ClientSession() as session:

            async def send_once(ledger: SendLedger) -> str:
                sender = SmsSender(provider(session, fake, receiver), ledger, RetryPolicy())
                return (await sender.send(message("callback-42"))).message_id

            first = SqliteLedger(tmp_path / "sms.db")
            sent_id = await send_once(first)
            first.close()  # the daemon stops (or dies) here
            again = SqliteLedger(tmp_path / "sms.db")
            assert await send_once(again) == sent_id
            assert len(fake.messages) == 1 and fake.requests == 1
            receiver.sender = SmsSender(provider(session, fake, receiver), again, RetryPolicy())
            assert await fake.deliver(sent_id, "delivered") == 204
            record = await again.lookup("callback-42")
            assert record is not None and record.status is DeliveryState.DELIVERED

    asyncio.run(main())
