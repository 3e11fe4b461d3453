"""Routing-core events in the store's journal, and back.

Written before the core acts, so that replaying the journal after the last
snapshot rebuilds the same state (the core is a pure function of its events
and their times).
"""

from __future__ import annotations

import contextlib

from pydantic import BaseModel

from ccctl.acd import events as ev
from ccctl.acd.errors import AcdError
from ccctl.acd.router import HANDLERS, Router
from ccctl.store import CallRecord, Entry, Recovery, Store

EVENT_TYPES: dict[str, type[BaseModel]] = {cls.__name__: cls for cls in HANDLERS}


class Journal:
    def __init__(self, store: Store, *, snapshot_every: int = 500) -> None:
        self._store = store
        self._snapshot_every = snapshot_every
        self._since_snapshot = 0
        self.last_seq = 0

    async def record(self, event: ev.Event, at: float) -> None:
        self.last_seq = await self._store.append(
            [Entry(type(event).__name__, at, event.model_dump(mode="json"))])
        self._since_snapshot += 1

    async def call_record(self, record: CallRecord) -> None:
        await self._store.add_call_record(record)

    async def call_records(self, since: float) -> list[CallRecord]:
        return await self._store.call_records(since=since)

    async def maybe_snapshot(self, router: Router) -> None:
        if self._since_snapshot >= self._snapshot_every:
            await self._store.save_snapshot(self.last_seq, router.snapshot())
            self._since_snapshot = 0


def replay(recovery: Recovery, fresh: Router) -> Router:
    """The router as it was: the snapshot (if any) plus every journaled event after it."""
    router = Router.restore(dict(recovery.snapshot)) if recovery.snapshot else fresh
    for _, entry in recovery.entries:
        cls = EVENT_TYPES.get(entry.kind)
        if cls is None:
            raise ValueError(f"journal entry of unknown kind {entry.kind!r}")
        event = cls.model_validate(dict(entry.payload))
        # An event the core rejected when it happened is rejected again: same state.
        with contextlib.suppress(AcdError):
            router.handle(event, entry.at)  # type: ignore[arg-type]
    return router
