"""WebhookProvider against a local gateway that speaks the generic JSON contract."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import pytest

from ccctl.sms import (
    DeliveryState,
    MemoryLedger,
    PermanentSendError,
    RetryPolicy,
    SmsSender,
)
from ccctl.sms.webhook_provider import WebhookProvider
from tests.sms.fakes import DROP, Failure, FakeGateway
from tests.sms.harness import CITIZEN, LONG, SENDER, SWEDISH, Receiver, Sleeps, message

Scenario = Callable[[FakeGateway, SmsSender, Sleeps, Receiver], Awaitable[None]]


def run(scenario: Scenario, *, plan: list[Failure | str] | None = None,
        authorization: str = FakeGateway.AUTHORIZATION, at_most_once: bool = False) -> None:
    async def main() -> None:
        async with FakeGateway() as fake, Receiver() as receiver, \
                aiohttp.ClientSession() as session:
            fake.plan = list(plan or [])  # type: ignore[arg-type]
            provider = WebhookProvider(session, f"{fake.url}/send", auth_value=authorization,
                                       callback_url=receiver.url,
                                       callback_secret=FakeGateway.CALLBACK_SECRET)
            sleeps = Sleeps()
            sender = SmsSender(provider, MemoryLedger(), RetryPolicy(4, 1.0, 30.0),
                               at_most_once=at_most_once, sleep=sleeps)
            receiver.sender = sender
            await scenario(fake, sender, sleeps, receiver)

    asyncio.run(main())


def test_given_the_gateway_then_json_auth_header_and_idempotency_key_arrive() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        result = await sender.send(message("voicemail-7-agent-anna"))
        assert fake.messages == [{"to": CITIZEN, "from": SENDER, "body": SWEDISH,
                                  "idempotency_key": "voicemail-7-agent-anna",
                                  "status_callback": rx.url, "id": result.message_id}]
        assert fake.keys_seen == ["voicemail-7-agent-anna"]
        assert (result.provider, result.status, result.segments) == (
            "webhook", DeliveryState.QUEUED, 1)

    run(scenario)


def test_given_a_long_swedish_text_then_it_arrives_whole_with_its_segments() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        result = await sender.send(message(body=LONG))
        assert fake.messages[0]["body"] == LONG and result.segments == 2

    run(scenario)


def test_given_a_lost_answer_then_the_retry_carries_the_same_key_and_one_message_exists(
) -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        result = await sender.send(message("callback-42"))
        assert fake.keys_seen == ["callback-42", "callback-42"]
        assert len(fake.messages) == 1 and result.message_id == fake.messages[0]["id"]
        assert sleeps.waits == [1.0]

    # Even in at-most-once mode: the gateway deduplicates, so resending is safe.
    run(scenario, plan=[DROP], at_most_once=True)


def test_given_503_then_the_retry_sends_exactly_one_message() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        await sender.send(message())
        assert fake.requests == 3 and len(fake.messages) == 1 and sleeps.waits == [1.0, 2.0]

    run(scenario, plan=[Failure(503, '{"error": "busy"}'), Failure(502, "Bad Gateway")])


def test_given_a_wrong_token_then_401_is_permanent_and_points_at_the_credentials() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"webhook: HTTP 401: .*unauthorized.*"
                           r"check the API credentials"):
            await sender.send(message())
        assert fake.requests == 1 and sleeps.waits == []

    run(scenario, authorization="Bearer wrong")


def test_given_a_400_then_it_is_not_retried() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"HTTP 400: .*blocked number"):
            await sender.send(message())
        assert fake.requests == 1 and sleeps.waits == []

    run(scenario, plan=[Failure(400, '{"error": "blocked number"}')])


def test_given_a_signed_json_callback_then_it_is_parsed_and_recorded() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        gateway_id = (await sender.send(message("callback-42"))).message_id
        assert await fake.deliver(gateway_id, "delivered") == 204
        [report] = rx.reports
        assert (report.message_id, report.state, report.delivered_at) == (
            gateway_id, DeliveryState.DELIVERED, datetime(2025, 3, 6, 9, 15, 7, tzinfo=UTC))
        assert rx.keys == ["callback-42"]

    run(scenario)


def test_given_a_callback_with_a_wrong_signature_then_it_is_rejected() -> None:
    async def scenario(fake: FakeGateway, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        gateway_id = (await sender.send(message())).message_id
        assert await fake.deliver(gateway_id, "delivered", secret="not-the-secret") == 403
        assert rx.reports == []

    run(scenario)
