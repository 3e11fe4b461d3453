"""What the daemon persists, and the interface every backend implements.

The routing core is deterministic: its state is a function of the events it
was given and the times they were given at. So the daemon writes each event
to the journal *before* acting on its decisions, and a snapshot now and then;
after a crash (even ``kill -9``) it restores the last snapshot and replays
the journal after it — nothing acknowledged is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

SCHEMA_VERSION = 1


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says which and why."""


@dataclass(frozen=True)
class Entry:
    """One journaled event: its kind, when it happened (the core's clock), its data."""

    kind: str
    at: float
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Recovery:
    snapshot: Mapping[str, Any] | None
    snapshot_seq: int
    entries: Sequence[tuple[int, Entry]] = field(default_factory=tuple)

    @property
    def last_seq(self) -> int:
        return self.entries[-1][0] if self.entries else self.snapshot_seq


@dataclass(frozen=True)
class CallRecord:
    """One contact's outcome, for statistics and the supervisor's history."""

    call_id: str
    task_id: str
    queue_id: str
    kind: str  # voice, callback, chat, …
    entered_at: float  # original entry time (kept across moves and callbacks)
    ended_at: float
    outcome: str  # answered, abandoned, callback, transferred, voicemail, …
    answered_at: float | None = None
    agent_id: str | None = None
    language: str = ""
    caller: str = ""  # E.164 caller number ("" when withheld)


@dataclass(frozen=True)
class VoicemailRecord:
    """A message left in a shared mailbox (a queue's or entry point's), and who took it.

    ``state`` is ``new``, ``claimed`` (``claimed_by`` has it) or ``done``.
    """

    id: str  # "<mailbox>-<Asterisk msg_id>": stable while Asterisk renumbers its files
    mailbox: str
    received_at: float
    duration_s: int
    caller: str  # E.164 when it parses as one; "" when withheld
    caller_name: str
    path: str  # the recording, relative to the voicemail spool
    state: str = "new"
    claimed_by: str | None = None  # agent id
    claimed_at: float | None = None
    done_by: str | None = None  # agent id or token name
    done_at: float | None = None


@dataclass(frozen=True)
class VoicemailNoticeRecord:
    """One agent told of one message by one channel (``sms`` or ``email``).

    ``state`` is ``pending`` (due at ``next_at``), ``sent`` or ``failed`` (gave up).
    """

    message_id: str
    agent_id: str
    channel: str
    state: str = "pending"
    attempts: int = 0
    next_at: float = 0.0
    last_error: str = ""


class Store(Protocol):
    async def append(self, entries: Sequence[Entry]) -> int:
        """Write entries atomically; return the sequence number of the last one."""

    async def save_snapshot(self, seq: int, state: Mapping[str, Any]) -> None:
        """Keep ``state`` as of journal entry ``seq``; entries up to it may be dropped."""

    async def recover(self) -> Recovery:
        """The latest snapshot and every journal entry after it, in order."""

    async def add_call_record(self, record: CallRecord) -> None: ...

    async def call_records(self, *, since: float = 0.0, limit: int = 1000
                           ) -> list[CallRecord]: ...

    async def add_voicemail(self, record: VoicemailRecord,
                            notices: Sequence[VoicemailNoticeRecord]) -> bool:
        """Record a new message with its notices in one transaction; True if it was new.

        A message already recorded keeps its state and notices; only its ``path`` is
        updated (Asterisk renumbers files when messages move).
        """

    async def voicemail(self, message_id: str) -> VoicemailRecord | None: ...

    async def voicemails(self, *, mailboxes: Sequence[str] | None = None,
                         states: Sequence[str] | None = None, limit: int = 1000
                         ) -> list[VoicemailRecord]:
        """Newest first; ``None`` means any mailbox, any state."""

    async def claim_voicemail(self, message_id: str, agent_id: str, now: float
                              ) -> VoicemailRecord | None:
        """Give a ``new`` message to ``agent_id``, atomically: of two claims one wins.

        Returns the message as it is afterwards (claimed by whoever won), None if unknown.
        """

    async def release_voicemail(self, message_id: str, claimed_by: str | None
                                ) -> VoicemailRecord | None:
        """Make a claimed message ``new`` again — only while ``claimed_by`` holds it
        (None: whoever does). Returns it as it is afterwards, None if unknown."""

    async def finish_voicemail(self, message_id: str, done_by: str, now: float,
                               claimed_by: str | None) -> VoicemailRecord | None:
        """Mark a message ``done`` — only while ``claimed_by`` holds it (None: in any
        state but done). Returns it as it is afterwards, None if unknown."""

    async def due_voicemail_notices(self, now: float, limit: int = 100
                                    ) -> list[VoicemailNoticeRecord]:
        """Pending notices whose ``next_at`` has come, oldest first."""

    async def update_voicemail_notice(self, notice: VoicemailNoticeRecord) -> None: ...

    async def close(self) -> None: ...
