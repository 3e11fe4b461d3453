"""Shared voicemail as agents use it: who sees which mailbox, claims, playback.

Rules (each method says which apply):

* An agent sees the mailboxes they are notified for (``voicemail: {notify: …}`` of the
  queue or entry point); a supervisor sees every mailbox. A message in a mailbox an
  agent does not see is, to them, a message that does not exist.
* Claiming is a lock: the first claim wins (the store decides, atomically); the
  others are told who has it. An agent claims for themselves; a supervisor may hand
  a message to an agent of its mailbox.
* The claimant or a supervisor releases a claim or marks the message done.
* The recording plays for a supervisor, the claimant and the mailbox's agents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccctl.config.models import ContactCenter
from ccctl.menus.plan import VOICEMAIL_CONTEXT, mailboxes
from ccctl.store import Store, VoicemailRecord
from ccctl.voicemail.config import VoicemailNotify
from ccctl.voicemail.errors import (
    ClaimedError,
    NotPermittedError,
    RecordingGoneError,
    StateError,
    UnknownVoicemailError,
)
from ccctl.voicemail.spool import SpoolScanner

log = logging.getLogger(__name__)

STATES = ("new", "claimed", "done")


@dataclass(frozen=True)
class Mailbox:
    """A shared mailbox: its names per language and who is told of its messages."""

    id: str
    names: Mapping[str, str]  # language → name; "": in the site's default language
    notify: tuple[str, ...] = ()
    sms: bool = False
    email: bool = False

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("") or next(
            iter(self.names.values()), self.id)


def mailboxes_of(cc: ContactCenter) -> dict[str, Mailbox]:
    """Every mailbox an action leaves voicemail in, or that has a ``voicemail:`` block."""
    default = cc.site.default_language
    owners: list[tuple[str, dict[str, str], VoicemailNotify | None]] = [
        (q.id, {**q.name, "": q.name.get(default) or q.id}, q.voicemail) for q in cc.queues]
    owners += [(e.id, {"": e.name or e.id}, e.voicemail) for e in cc.entry_points]
    found = {box_id: Mailbox(box_id, names, notify.notify if notify else (),
                             bool(notify and notify.sms), bool(notify and notify.email))
             for box_id, names, notify in owners}
    used = {box.id for box in mailboxes(cc)}
    return {box_id: box for box_id, box in found.items()
            if box_id in used or box.notify}


@dataclass(frozen=True)
class Viewer:
    """Who asks: an agent (``agent_id``) or a supervisor (anyone with ``supervisor``)."""

    name: str  # for the log and for "done by"
    agent_id: str | None = None
    supervisor: bool = False


class Voicemails:
    """The messages in the store, seen through the rules above."""

    def __init__(self, store: Store, boxes: Mapping[str, Mailbox], spool: Path,
                 agent_names: Mapping[str, str], clock: Callable[[], float] = time.time
                 ) -> None:
        self.store, self.boxes, self.spool = store, boxes, spool
        self.agent_names = agent_names
        self._clock = clock
        self._finder = SpoolScanner(spool, VOICEMAIL_CONTEXT, tuple(boxes))

    def visible(self, viewer: Viewer) -> tuple[str, ...]:
        """The mailboxes ``viewer`` sees."""
        if viewer.supervisor:
            return tuple(sorted(self.boxes))
        return tuple(sorted(b.id for b in self.boxes.values() if viewer.agent_id in b.notify))

    async def messages(self, viewer: Viewer, *, mailbox: str | None = None,
                   states: Sequence[str] | None = None, limit: int = 200
                   ) -> list[VoicemailRecord]:
        """Newest first, in the mailboxes ``viewer`` sees (or the one named)."""
        boxes = self.visible(viewer)
        if mailbox is not None:
            if mailbox not in boxes:
                raise UnknownVoicemailError(f"no mailbox {mailbox!r} that {viewer.name} may see"
                                            f" (visible: {', '.join(boxes) or 'none'})")
            boxes = (mailbox,)
        if not boxes:
            return []
        return await self.store.voicemails(mailboxes=boxes, states=states, limit=limit)

    async def get(self, viewer: Viewer, message_id: str) -> VoicemailRecord:
        record = await self.store.voicemail(message_id)
        if record is None or not self._sees(viewer, record):
            raise UnknownVoicemailError(f"no voicemail {message_id!r}")
        return record

    def _sees(self, viewer: Viewer, record: VoicemailRecord) -> bool:
        return (viewer.supervisor or record.mailbox in self.visible(viewer)
                or (viewer.agent_id is not None and record.claimed_by == viewer.agent_id))

    def who(self, agent_id: str) -> str:
        """``Agnes Exempelsson (agnes)``: how a claimant is named to colleagues."""
        name = self.agent_names.get(agent_id)
        return f"{name} ({agent_id})" if name else agent_id

    async def claim(self, viewer: Viewer, message_id: str, for_agent: str | None = None
                    ) -> VoicemailRecord:
        """Claim for the viewing agent, or (a supervisor) for ``for_agent``.

        Claiming one's own claim again is no error (a retried request).
        """
        record = await self.get(viewer, message_id)
        agent = self._claimant(viewer, record, for_agent)
        if record.state == "done":
            raise StateError(f"voicemail {message_id} is done already ({record.done_by})")
        after = await self.store.claim_voicemail(message_id, agent, self._clock())
        if after is None:
            raise UnknownVoicemailError(f"no voicemail {message_id!r}")
        if after.claimed_by != agent:
            holder = after.claimed_by or after.done_by or "?"
            raise ClaimedError(f"voicemail {message_id} is taken: {self.who(holder)} has it",
                               holder)
        log.info("voicemail %s claimed by %s", message_id, agent)
        return after

    def _claimant(self, viewer: Viewer, record: VoicemailRecord, for_agent: str | None) -> str:
        box = self.boxes.get(record.mailbox)
        if not viewer.supervisor:
            if for_agent not in (None, viewer.agent_id) or viewer.agent_id is None:
                raise NotPermittedError("an agent claims messages only for themselves")
            return viewer.agent_id
        if for_agent is None:
            raise NotPermittedError("a supervisor claims on behalf of an agent: send "
                                    "{\"agent\": ID}")
        if box is None or for_agent not in box.notify:
            raise NotPermittedError(f"agent {for_agent!r} is not notified for mailbox "
                                    f"{record.mailbox!r} (voicemail.notify in the config)")
        return for_agent

    async def release(self, viewer: Viewer, message_id: str) -> VoicemailRecord:
        """The claimant or a supervisor makes a claimed message new again."""
        record = await self.get(viewer, message_id)
        holder = self._holder(viewer, record, "release")
        after = await self.store.release_voicemail(message_id, holder)
        if after is None or after.state != "new":
            raise StateError(f"voicemail {message_id} was not released: it is "
                             f"{after.state if after else 'gone'} now")
        log.info("voicemail %s released by %s", message_id, viewer.name)
        return after

    async def finish(self, viewer: Viewer, message_id: str) -> VoicemailRecord:
        """The claimant (or a supervisor, in any state) marks the message done."""
        record = await self.get(viewer, message_id)
        if record.state == "done":
            return record  # a retried request
        holder = None if viewer.supervisor else self._holder(viewer, record, "mark done")
        after = await self.store.finish_voicemail(message_id, viewer.agent_id or viewer.name,
                                                  self._clock(), holder)
        if after is None or after.state != "done":
            raise StateError(f"voicemail {message_id} was not marked done: it is "
                             f"{after.state if after else 'gone'} now")
        log.info("voicemail %s done by %s", message_id, viewer.name)
        return after

    def _holder(self, viewer: Viewer, record: VoicemailRecord, what: str) -> str | None:
        """Whose claim the action applies to (None: a supervisor's, any claim)."""
        if record.state != "claimed":
            hint = "claim it first" if record.state == "new" else "it is done"
            raise StateError(f"voicemail {record.id} is {record.state}: cannot {what} ({hint})")
        if viewer.supervisor:
            return None
        if record.claimed_by != viewer.agent_id:
            raise NotPermittedError(
                f"only {self.who(record.claimed_by or '?')}, who has claimed voicemail "
                f"{record.id}, or a supervisor may {what} it")
        return record.claimed_by

    async def recording(self, viewer: Viewer, message_id: str) -> Path:
        """The WAV file of a message: for a supervisor, the claimant or the mailbox's agents."""
        record = await self.get(viewer, message_id)
        path = self.spool / record.path
        if path.is_file():
            return path
        # Asterisk renumbers files when messages move folder: look it up by msg_id.
        moved = self._finder.find(record.mailbox, record.id.removeprefix(f"{record.mailbox}-"))
        if moved is None:
            raise RecordingGoneError(f"the recording of voicemail {message_id} is no longer "
                                     f"in the voicemail spool ({self.spool})")
        return moved
