"""Telling the chosen agents of a new voicemail: one SMS and one e-mail each, once.

When a message is first recorded, one notice per agent and channel is stored with it
(``pending``). :meth:`Notifier.send_due` sends the notices that are due, each in a
task of its own so that one slow relay or provider does not hold up the rest, and
records the outcome: ``sent``; or, after a failure that may pass, another attempt
later (1 min, 2, 4 … at most an hour apart, :data:`MAX_ATTEMPTS` in all); or
``failed`` after a refusal. Nothing here raises into the daemon.

Once: a notice is ``sent`` in the store before it is forgotten, so a restart does not
repeat it. The SMS goes with the idempotency key ``voicemail-<id>-agent-<agent>``
(:mod:`ccctl.sms.sender` never sends a key twice). An e-mail the relay took just
before a crash, not yet recorded, is sent again: at least once, with the same
Message-ID.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ccctl.config.models import Agent, ContactCenter
from ccctl.sms.errors import RetriesExhaustedError, SmsError
from ccctl.sms.models import SmsMessage, mask
from ccctl.sms.sender import SmsSender
from ccctl.sms.templates import SmsTemplates, VoicemailNotice
from ccctl.store import Store, VoicemailNoticeRecord, VoicemailRecord
from ccctl.voicemail.mail import MailError, MailNotice, SmtpMailer, notice_mail
from ccctl.voicemail.service import Mailbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # 1 + 2 + … + 60 min: about 8 hours of trying
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # larger recordings are left out of the e-mail
BATCH = 20  # notices sent at once


def retry_delay(attempts: int) -> float:
    """Seconds until the next attempt after ``attempts`` failed ones.

    >>> [retry_delay(n) for n in (1, 2, 3, 7, 8)]
    [60.0, 120.0, 240.0, 3600.0, 3600.0]
    """
    return float(min(60 * 2 ** (attempts - 1), 3600))


class Notifier:
    """Builds the notices of a new message and sends them when due."""

    def __init__(self, cc: ContactCenter, store: Store, boxes: dict[str, Mailbox], spool: Path,
                 *, sms: SmsSender | None, mailer: SmtpMailer | None,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.boxes, self.spool = store, boxes, spool
        self._cc = cc
        self._agents = {a.id: a for a in cc.agents}
        self._sms, self._mailer, self._clock = sms, mailer, clock
        self._templates = (SmsTemplates(cc.sms.effective_templates(),
                                        default_language=cc.sms.default_language,
                                        timezone=cc.site.timezone) if cc.sms else None)

    def notices_for(self, mailbox: str, message_id: str) -> list[VoicemailNoticeRecord]:
        """One pending notice per notified agent and channel they can be reached on."""
        box = self.boxes.get(mailbox)
        if box is None:
            return []
        notices = []
        now = self._clock()
        for agent_id in box.notify:
            agent = self._agents.get(agent_id)
            if agent is None:
                continue
            if box.sms and agent.mobile and self._sms is not None:
                notices.append(VoicemailNoticeRecord(message_id, agent_id, "sms", next_at=now))
            if box.email and agent.email and self._mailer is not None:
                notices.append(VoicemailNoticeRecord(message_id, agent_id, "email",
                                                     next_at=now))
        return notices

    async def send_due(self) -> int:
        """Send every notice that is due; returns how many were attempted."""
        due = await self.store.due_voicemail_notices(self._clock(), BATCH)
        if due:
            async with asyncio.TaskGroup() as group:
                for notice in due:
                    group.create_task(self._attempt(notice))
        return len(due)

    async def _attempt(self, notice: VoicemailNoticeRecord) -> None:
        where = f"voicemail {notice.message_id}: {notice.channel} to agent {notice.agent_id}"
        try:
            record = await self.store.voicemail(notice.message_id)
            agent = self._agents.get(notice.agent_id)
            if record is None or agent is None:
                await self._give_up(notice, where, "the message or the agent is gone")
                return
            if notice.channel == "sms":
                await self._send_sms(record, agent)
            else:
                await self._send_mail(record, agent)
        except (SmsError, MailError) as exc:
            transient = (isinstance(exc, RetriesExhaustedError)
                         or (isinstance(exc, MailError) and exc.transient))
            await self._failed(notice, where, str(exc), transient=transient)
            return
        except Exception as exc:  # a bug or a store failure: logged, tried again later
            log.exception("%s: unexpected error", where)
            await self._failed(notice, where, f"{type(exc).__name__}: {exc}", transient=True)
            return
        await self.store.update_voicemail_notice(
            replace(notice, state="sent", attempts=notice.attempts + 1, last_error=""))
        log.info("%s sent", where)

    async def _failed(self, notice: VoicemailNoticeRecord, where: str, error: str, *,
                      transient: bool) -> None:
        attempts = notice.attempts + 1
        if not transient or attempts >= MAX_ATTEMPTS:
            await self._give_up(replace(notice, attempts=attempts), where, error)
            return
        delay = retry_delay(attempts)
        log.warning("%s failed (attempt %d of %d), trying again in %d s: %s", where, attempts,
                    MAX_ATTEMPTS, delay, error)
        try:
            await self.store.update_voicemail_notice(replace(
                notice, attempts=attempts, next_at=self._clock() + delay, last_error=error))
        except Exception:  # the store is down: the notice stays due and is tried next poll
            log.exception("%s: could not record the failure", where)

    async def _give_up(self, notice: VoicemailNoticeRecord, where: str, error: str) -> None:
        log.error("%s not sent, giving up after %d attempt(s): %s", where, notice.attempts,
                  error)
        try:
            await self.store.update_voicemail_notice(
                replace(notice, state="failed", last_error=error))
        except Exception:
            log.exception("%s: could not record the failure", where)

    def _language(self, agent: Agent) -> str:
        return agent.languages[0] if agent.languages else self._cc.site.default_language

    async def _send_sms(self, record: VoicemailRecord, agent: Agent) -> None:
        assert self._sms is not None and self._templates is not None and self._cc.sms
        assert agent.mobile is not None
        language = self._language(agent)
        context = VoicemailNotice(
            queue=self.boxes[record.mailbox].name(language), organisation=self._cc.site.name,
            caller=record.caller, received_at=dt.datetime.fromtimestamp(record.received_at,
                                                                        dt.UTC),
            duration_seconds=record.duration_s)
        result = await self._sms.send(SmsMessage(
            to=agent.mobile, sender=self._cc.sms.sender,
            body=self._templates.render(context, language),
            idempotency_key=f"voicemail-{record.id}-agent-{agent.id}"))
        log.info("voicemail %s: SMS to %s (%s) taken by %s as %s", record.id, agent.id,
                 mask(agent.mobile), result.provider, result.message_id)

    async def _send_mail(self, record: VoicemailRecord, agent: Agent) -> None:
        assert self._mailer is not None and agent.email is not None
        smtp = self._mailer.config
        audio = self._attachment(record)
        notice = MailNotice(
            message_id=record.id, recipient_name=agent.name, recipient=agent.email,
            mailbox_name=self.boxes[record.mailbox].name(self._language(agent)),
            organisation=self._cc.site.name, caller=record.caller,
            caller_name=record.caller_name, received_at=record.received_at,
            duration_s=record.duration_s, language=self._language(agent))
        local = dt.datetime.fromtimestamp(record.received_at, dt.UTC)
        await self._mailer.send(notice_mail(
            notice, sender=smtp.from_address, sender_name=smtp.from_name or self._cc.site.name,
            timezone=self._cc.site.timezone, audio=audio,
            audio_name=f"voicemail-{record.mailbox}-{local:%Y%m%d-%H%M%S}.wav"))

    def _attachment(self, record: VoicemailRecord) -> bytes | None:
        path = self.spool / record.path
        try:
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                log.warning("voicemail %s: the recording is over %d MB; e-mailed without it",
                            record.id, MAX_ATTACHMENT_BYTES // 2**20)
                return None
            return path.read_bytes()
        except OSError as exc:
            log.warning("voicemail %s: recording not readable (%s); e-mailed without it",
                        record.id, exc)
            return None


def describe(notices: Sequence[VoicemailNoticeRecord]) -> str:
    """``agnes: sms, email; bertil: email`` for the log line of a new message."""
    by_agent: dict[str, list[str]] = {}
    for notice in notices:
        by_agent.setdefault(notice.agent_id, []).append(notice.channel)
    return "; ".join(f"{agent}: {', '.join(channels)}" for agent, channels in by_agent.items())
