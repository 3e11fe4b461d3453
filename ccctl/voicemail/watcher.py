"""The daemon's side of voicemail: poll the spool, record new messages, send notices.

Polling (every 2 s by default) rather than inotify: the spool may be on any file
system, the daemon needs no thread for it, and a poll of an unchanged spool only
lists a few directories. Each message is recorded once in the store, keyed by its
Asterisk ``msg_id``, with its notices, in one transaction: after a restart the
daemon reads the spool again, finds every message known, and notifies no one twice.
"""

from __future__ import annotations

import asyncio
import logging

from ccctl.store import Store, VoicemailRecord
from ccctl.voicemail.notify import Notifier, describe
from ccctl.voicemail.spool import SpoolMessage, SpoolScanner

log = logging.getLogger(__name__)


class SpoolWatcher:
    """``run()`` until cancelled; ``poll()`` once (for tests and the first pass)."""

    def __init__(self, scanner: SpoolScanner, store: Store, notifier: Notifier, *,
                 poll_s: float = 2.0) -> None:
        self.scanner, self.store, self.notifier, self.poll_s = scanner, store, notifier, poll_s
        self._said = ""  # the last problem logged, so that it is logged once, not every poll

    async def run(self) -> None:
        where = self.scanner.spool / self.scanner.context
        log.info("voicemail: watching %s (mailboxes %s) every %g s", where,
                 ", ".join(self.scanner.mailboxes) or "none", self.poll_s)
        first = True
        while True:
            try:
                new = await self.poll()
                if first:
                    log.info("voicemail: spool read: %d message(s) there, %d new",
                             self.scanner.known, new)
                    first = False
            except Exception:  # the store or the file system failed: try again next time
                log.exception("voicemail: polling the spool failed; trying again")
            await asyncio.sleep(self.poll_s)

    async def poll(self) -> int:
        """Record the new messages, then send the notices that are due; returns new ones."""
        new = 0
        for message in self._scan():
            notices = self.notifier.notices_for(message.mailbox, message.id)
            if await self.store.add_voicemail(_record(message), notices):
                new += 1
                log.info("voicemail %s left in mailbox %s (%d s); notifying %s", message.id,
                         message.mailbox, message.info.duration_s,
                         describe(notices) or "nobody (in the API only)")
            # Only once the store has it: a failed write finds the message again next poll.
            self.scanner.mark(message)
        await self.notifier.send_due()
        return new

    def _scan(self) -> list[SpoolMessage]:
        context = self.scanner.spool / self.scanner.context
        if not context.is_dir():
            # Asterisk creates it with the first message; say so once, not every 2 s.
            self._once("missing", logging.INFO, "voicemail: %s does not exist (yet): no message "
                       "has been left, or pbx.voicemail_spool points elsewhere", context)
            return []
        try:
            found = self.scanner.scan()
        except PermissionError as exc:
            self._once("denied", logging.WARNING, "voicemail: cannot read the spool (%s); the "
                       "ccctl user needs read access (e.g. the asterisk group)", exc)
            return []
        self._said = ""
        return found

    def _once(self, problem: str, level: int, message: str, *args: object) -> None:
        if self._said != problem:
            log.log(level, message, *args)
            self._said = problem


def _record(message: SpoolMessage) -> VoicemailRecord:
    info = message.info
    return VoicemailRecord(id=message.id, mailbox=message.mailbox, received_at=info.received_at,
                           duration_s=info.duration_s, caller=info.caller,
                           caller_name=info.caller_name, path=message.audio)
