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

    async def close(self) -> None: ...
