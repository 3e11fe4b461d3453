"""The real ``twilio`` package, through TwilioProvider, against a local fake Messages API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from ccctl.sms import (
    DeliveryState,
    MemoryLedger,
    PermanentSendError,
    RetriesExhaustedError,
    RetryPolicy,
    SmsSender,
)
from ccctl.sms.twilio_provider import TwilioProvider
from tests.sms.fakes import DROP, Failure, FakeTwilio
from tests.sms.harness import CITIZEN, LONG, SENDER, SWEDISH, Receiver, Sleeps, message

Scenario = Callable[[FakeTwilio, SmsSender, Sleeps, Receiver], Awaitable[None]]


def run(scenario: Scenario, *, token: str = FakeTwilio.AUTH_TOKEN,
        plan: list[Failure | str] | None = None, timeout: float = 5.0) -> None:
    async def main() -> None:
        async with FakeTwilio() as fake, Receiver() as receiver, \
                aiohttp.ClientSession() as session:
            fake.plan = list(plan or [])  # type: ignore[arg-type]
            provider = TwilioProvider(session, FakeTwilio.ACCOUNT_SID, token,
                                      status_callback_url=receiver.url,
                                      api_base_url=fake.url, timeout_seconds=timeout)
            sleeps = Sleeps()
            sender = SmsSender(provider, MemoryLedger(), RetryPolicy(4, 1.0, 30.0),
                               sleep=sleeps)
            receiver.sender = sender
            await scenario(fake, sender, sleeps, receiver)

    asyncio.run(main())


def test_given_the_fake_twilio_api_when_sending_then_one_message_arrives_with_its_fields() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        result = await sender.send(message())
        assert fake.messages == [{"sid": result.message_id, "to": CITIZEN, "from": SENDER,
                                  "body": SWEDISH, "status_callback": fake.messages[0][
                                      "status_callback"]}]
        assert fake.messages[0]["status_callback"].endswith("/sms/delivery")
        assert result.message_id.startswith("SM") and result.provider == "twilio"
        assert result.status is DeliveryState.QUEUED and not result.replayed
        assert sleeps.waits == []

    run(scenario)


def test_given_swedish_letters_in_the_body_then_they_arrive_intact() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        await sender.send(message(body=SWEDISH))
        assert fake.messages[0]["body"] == SWEDISH
        assert "försökt ringa dig från Växeln på" in fake.messages[0]["body"]
        assert fake.messages[0]["body"].endswith("Åäö ÅÄÖ é ü.")

    run(scenario)


def test_given_a_body_longer_than_one_segment_then_it_is_sent_whole_with_the_segment_count(
) -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        assert len(LONG) > 160
        result = await sender.send(message(body=LONG))
        assert [m["body"] for m in fake.messages] == [LONG]
        assert result.segments == 2

    run(scenario)


def test_given_two_503_answers_then_the_third_attempt_sends_exactly_one_message() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        result = await sender.send(message())
        assert fake.requests == 3 and len(fake.messages) == 1
        assert result.message_id == fake.messages[0]["sid"]
        assert sleeps.waits == [1.0, 2.0]

    busy = Failure(503, '{"code": 20500, "message": "Internal Server Error", "status": 503}')
    run(scenario, plan=[busy, busy])


def test_given_429_with_retry_after_then_the_retry_waits_as_long_as_twilio_asks() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        await sender.send(message())
        assert sleeps.waits == [7.0] and len(fake.messages) == 1

    limited = Failure(429, '{"code": 20429, "message": "Too Many Requests", "status": 429}',
                      headers={"Retry-After": "7"})
    run(scenario, plan=[limited])


def test_given_an_invalid_number_error_then_it_is_not_retried_and_names_twilios_code() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"HTTP 400 \(provider error 21211\).*"
                           r"not a valid phone number") as caught:
            await sender.send(message())
        assert caught.value.code == "21211" and caught.value.provider == "twilio"
        assert fake.requests == 1 and sleeps.waits == []

    invalid = Failure(400, '{"code": 21211, "message": "The \'To\' number +46701740605 is not '
                      'a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/'
                      '21211", "status": 400}')
    run(scenario, plan=[invalid])


def test_given_a_wrong_auth_token_then_the_error_says_to_check_the_credentials() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        with pytest.raises(PermanentSendError, match=r"20003.*Authenticate.*check the API "
                           r"credentials"):
            await sender.send(message())
        assert fake.messages == [] and fake.requests == 1

    run(scenario, token="not-the-token")


def test_given_the_same_idempotency_key_twice_then_twilio_gets_one_message() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, __: Receiver) -> None:
        first = await sender.send(message("voicemail-7-agent-anna"))
        again = await sender.send(message("voicemail-7-agent-anna"))
        assert len(fake.messages) == 1 and fake.requests == 1
        assert again.message_id == first.message_id and again.replayed

    run(scenario)


def test_given_a_lost_answer_then_at_least_once_resends_and_twilio_has_it_twice() -> None:
    """The documented window: Twilio has no idempotency key, so a lost answer may duplicate."""

    async def scenario(fake: FakeTwilio, sender: SmsSender, sleeps: Sleeps, _: Receiver) -> None:
        await sender.send(message())
        assert len(fake.messages) == 2 and sleeps.waits == [1.0]

    run(scenario, plan=[DROP])


def test_given_a_signed_status_callback_then_the_report_is_parsed_and_recorded() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        sid = (await sender.send(message("callback-42"))).message_id
        assert await fake.deliver(sid, "sent") == 204
        assert await fake.deliver(sid, "undelivered", error_code="30003") == 204
        assert [(r.message_id, r.state, r.raw_status, r.error_code) for r in rx.reports] == [
            (sid, DeliveryState.SENT, "sent", None),
            (sid, DeliveryState.FAILED, "undelivered", "30003")]
        assert rx.keys == ["callback-42", "callback-42"]

    run(scenario)


def test_given_a_callback_signed_with_another_token_then_it_is_rejected() -> None:
    async def scenario(fake: FakeTwilio, sender: SmsSender, _: Sleeps, rx: Receiver) -> None:
        sid = (await sender.send(message())).message_id
        assert await fake.deliver(sid, "delivered", token="someone-elses-token") == 403
        assert rx.reports == []

    run(scenario)


def test_given_no_twilio_listening_then_retries_end_with_a_clear_error() -> None:
    async def main() -> None:
        async with FakeTwilio() as fake:
            url = fake.url  # the port is free again once the fake is gone
        async with aiohttp.ClientSession() as session:
            provider = TwilioProvider(session, FakeTwilio.ACCOUNT_SID, FakeTwilio.AUTH_TOKEN,
                                      api_base_url=url)
            sleeps = Sleeps()
            sender = SmsSender(provider, MemoryLedger(), RetryPolicy(3, 0.5, 10.0),
                               sleep=sleeps)
            with pytest.raises(RetriesExhaustedError, match=r"gave up after 3 attempt.*cannot "
                               r"connect") as caught:
                await sender.send(message())
            assert sleeps.waits == [0.5, 1.0] and not caught.value.maybe_sent

    asyncio.run(main())
