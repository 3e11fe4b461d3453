"""SMS that calls produce: the citizen whose callback could not reach them is told so.

Built by the daemon when the configuration has an ``sms:`` section; without one the
outcome is still recorded (call record ``unreachable``) and logged, and no SMS goes.
The idempotency key names the intent ("the unreachable SMS of this callback"), so a
retry or a restart never sends it twice (see ccctl.sms.sender).
"""

from __future__ import annotations

import datetime as dt
import logging

from ccctl.config.models import ContactCenter
from ccctl.sms.errors import SmsError
from ccctl.sms.models import SmsMessage
from ccctl.sms.sender import SmsSender
from ccctl.sms.templates import CallbackUnreachable, SmsTemplates
from ccctl.voice.callback import ATTEMPTS, NUMBER, REQUESTED

log = logging.getLogger(__name__)


class CallbackSms:
    def __init__(self, cc: ContactCenter, sender: SmsSender) -> None:
        assert cc.sms is not None
        self._sms = cc.sms
        self._sender = sender
        self._organisation = cc.site.name
        self._queues = {q.id: q.name for q in cc.queues}
        self._templates = SmsTemplates(cc.sms.effective_templates(),
                                       default_language=cc.sms.default_language,
                                       timezone=cc.site.timezone)

    async def unreachable(self, task_id: str, details: dict[str, str], queue_id: str,
                          language: str | None) -> None:
        number = details.get(NUMBER, "")
        language = language or self._sms.default_language
        names = self._queues.get(queue_id, {})
        requested = float(details.get(REQUESTED, "0") or 0)
        context = CallbackUnreachable(
            queue=names.get(language) or next(iter(names.values()), queue_id),
            organisation=self._organisation,
            requested_at=dt.datetime.fromtimestamp(requested, dt.UTC),
            attempts=int(details.get(ATTEMPTS, "0") or 0))
        try:
            body = self._templates.render(context, language)
            result = await self._sender.send(SmsMessage(
                to=number, sender=self._sms.sender, body=body,
                idempotency_key=f"callback-unreachable-{task_id}"))
        except SmsError as exc:
            log.warning("call %s: the unreachable-callback SMS was not sent: %s", task_id, exc)
            return
        log.info("call %s: SMS sent to the citizen (%s %s)", task_id, result.provider,
                 result.message_id)
