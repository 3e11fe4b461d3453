"""Notices of a new voicemail: an SMS (through the real 46elks client against a fake
46elks) and an e-mail (through aiosmtplib to a real SMTP server on loopback) to each
chosen agent — once, across polls and restarts; refusals and outages retried later."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from ccctl.config.models import Agent, ContactCenter, EntryPoint, Queue, Site
from ccctl.menus.models import VoicemailAction
from ccctl.sms.config import ElksConfig, RetryConfig, SmsConfig
from ccctl.sms.factory import open_sms
from ccctl.sms.ledger import MemoryLedger
from ccctl.store import Store, open_store
from ccctl.testing.ports import free_port
from ccctl.voicemail.config import SmtpConfig, VoicemailNotify
from ccctl.voicemail.mail import SmtpMailer
from ccctl.voicemail.notify import Notifier
from ccctl.voicemail.service import mailboxes_of
from ccctl.voicemail.spool import SpoolScanner
from ccctl.voicemail.watcher import SpoolWatcher
from tests.sms.fakes import FakeElks
from tests.voicemail.helpers import ORIGTIME, MailSink, leave

NOW = ORIGTIME + 30.0


def contact_center(elks_url: str, smtp_port: int) -> ContactCenter:
    return ContactCenter(
        site=Site(name="Exempelkommun", languages=("sv", "en"), default_language="sv"),
        agents=(Agent(id="agnes", name="Agnes Exempelsson", extension="1001",
                      languages=("sv",), email="agnes@exempelkommun.example",
                      mobile="+46701740606"),
                Agent(id="bertil", name="Bertil Testberg", extension="1002",
                      languages=("en",), email="bertil@exempelkommun.example",
                      mobile="+46701740607"),
                Agent(id="cecilia", name="Cecilia Påhittad", extension="1003")),
        queues=(Queue(id="socialtjanst", name={"sv": "Socialtjänst", "en": "Social services"},
                      no_agents=VoicemailAction(action="voicemail", mailbox="socialtjanst"),
                      voicemail=VoicemailNotify(notify=("agnes", "bertil"), sms=True,
                                                email=True)),),
        entry_points=(EntryPoint(id="huvudnummer", numbers=("+46846500400",),
                                 destination={"queue": "socialtjanst"}),),  # type: ignore[arg-type]
        sms=SmsConfig(sender="Kommunen", provider=ElksConfig(
            kind="46elks", username=FakeElks.USERNAME, password="secret:elks",
            api_url=f"{elks_url}/a1"), retry=RetryConfig(attempts=1)),
        smtp=SmtpConfig(host="127.0.0.1", port=smtp_port, security="none",
                        from_address="ccctl@exempelkommun.example"))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


Scenario = Callable[[SpoolWatcher, FakeElks, MailSink, Clock, Store], Awaitable[Any]]


def run(tmp_path: Path, scenario: Scenario, *, smtp_port: int | None = None) -> Any:
    """``scenario`` with a watcher over ``tmp_path/spool`` and a store that outlives it."""
    async def main() -> Any:
        async with FakeElks() as elks, MailSink() as sink:
            cc = contact_center(elks.url, smtp_port or sink.port)
            assert cc.sms is not None and cc.smtp is not None
            store = await open_store(f"sqlite:///{tmp_path / 'ccctl.db'}")
            clock = Clock()
            try:
                async with open_sms(cc.sms, {"elks": FakeElks.PASSWORD}, MemoryLedger()) as sms:
                    boxes = mailboxes_of(cc)
                    notifier = Notifier(cc, store, boxes, tmp_path / "spool", sms=sms,
                                        mailer=SmtpMailer(cc.smtp, {}), clock=clock)
                    watcher = SpoolWatcher(
                        SpoolScanner(tmp_path / "spool", "ccctl", tuple(boxes)), store, notifier)
                    return await scenario(watcher, elks, sink, clock, store)
            finally:
                await store.close()

    return asyncio.run(main())


def test_given_a_new_message_then_each_agent_gets_one_sms_and_one_mail_in_their_language(
    tmp_path: Path,
) -> None:
    leave(tmp_path / "spool", "socialtjanst", 0, "1764068400-00000000", duration=42)

    async def scenario(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, *_: Any
                       ) -> dict[str, Any]:
        polls = (await watcher.poll(), await watcher.poll())
        return {"polls": polls, "sms": list(elks.messages), "mail": list(sink.messages)}

    captured = run(tmp_path, scenario)

    assert captured["polls"] == (1, 0)
    by_number = {m["to"]: m for m in captured["sms"]}
    assert set(by_number) == {"+46701740606", "+46701740607"}
    assert by_number["+46701740606"]["message"].startswith("Nytt röstmeddelande i Socialtjänst "
                                                           "från +46701740605")
    assert by_number["+46701740607"]["message"].startswith("New voicemail in Social services")
    mails = {m["To"]: m for m in captured["mail"]}
    swedish = mails["Agnes Exempelsson <agnes@exempelkommun.example>"]
    assert swedish["Subject"] == "Röstmeddelande i Socialtjänst från +46701740605"
    assert swedish["From"] == "Exempelkommun <ccctl@exempelkommun.example>"
    body = swedish.get_body(preferencelist=("plain",)).get_content()
    assert "Längd:  42 s" in body and "2025-11-25 kl. 12:00" in body
    [attachment] = list(swedish.iter_attachments())
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_content()[:4] == b"RIFF"
    english = mails["Bertil Testberg <bertil@exempelkommun.example>"]
    assert english["Subject"] == "Voicemail in Social services from +46701740605"


def test_given_a_restart_then_known_messages_notify_nobody_again(tmp_path: Path) -> None:
    leave(tmp_path / "spool", "socialtjanst", 0, "1764068400-00000000")

    async def first(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, *_: Any) -> int:
        await watcher.poll()
        return len(elks.messages) + len(sink.messages)

    async def restarted(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, *_: Any
                        ) -> tuple[int, int]:
        new = await watcher.poll()
        return new, len(elks.messages) + len(sink.messages)

    assert run(tmp_path, first) == 4
    assert run(tmp_path, restarted) == (0, 0)


def test_given_the_relay_asks_to_come_back_later_then_the_mail_goes_on_the_next_due_poll(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    leave(tmp_path / "spool", "socialtjanst", 0, "1764068400-00000000")

    async def scenario(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, clock: Clock,
                       store: Store) -> tuple[int, int, int]:
        sink.refuse = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
        await watcher.poll()
        after_refusal = len(sink.messages)
        clock.now += 30
        await watcher.poll()  # not due yet: nothing is tried
        not_due = len(sink.messages)
        clock.now += 31
        await watcher.poll()
        return after_refusal, not_due, len(sink.messages)

    assert run(tmp_path, scenario) == (0, 0, 2)
    assert "trying again in 60 s" in caplog.text
    assert "+46701740606" not in caplog.text and "agnes@" not in caplog.text


def test_given_the_relay_refuses_for_good_then_the_notice_fails_and_is_not_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    leave(tmp_path / "spool", "socialtjanst", 0, "1764068400-00000000")

    async def scenario(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, clock: Clock,
                       store: Store) -> tuple[int, int]:
        sink.refuse = ["550 5.1.1 No such user", "550 5.1.1 No such user"]
        await watcher.poll()
        clock.now += 10**6
        await watcher.poll()
        return len(sink.messages), len(await store.due_voicemail_notices(10**12))

    assert run(tmp_path, scenario) == (0, 0)
    assert "giving up after 1 attempt(s)" in caplog.text


def test_given_no_relay_listening_then_the_daemon_goes_on_and_tries_again_later(
    tmp_path: Path,
) -> None:
    leave(tmp_path / "spool", "socialtjanst", 0, "1764068400-00000000")

    async def scenario(watcher: SpoolWatcher, elks: FakeElks, sink: MailSink, clock: Clock,
                       store: Store) -> tuple[int, list[tuple[str, int, str]]]:
        await watcher.poll()
        pending = await store.due_voicemail_notices(10**12)
        return len(elks.messages), [(n.channel, n.attempts, n.last_error[:20]) for n in pending]

    sent_sms, pending = run(tmp_path, scenario, smtp_port=free_port())

    assert sent_sms == 2  # the SMS do not wait for the mail
    assert [(channel, attempts) for channel, attempts, _ in pending] == [("email", 1)] * 2
    assert all(error.startswith("127.0.0.1:") for _, _, error in pending)
