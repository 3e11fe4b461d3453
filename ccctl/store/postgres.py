"""The PostgreSQL store (optional: ``pip install ccctl[postgresql]``), via asyncpg.

Same tables and semantics as the SQLite store; JSON kept as JSONB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import astuple, fields
from typing import Any

from ccctl.store.base import (
    SCHEMA_VERSION,
    CallRecord,
    Entry,
    Recovery,
    StoreError,
    VoicemailNoticeRecord,
    VoicemailRecord,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ccctl_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ccctl_journal (
    seq BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
    payload JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ccctl_snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, state JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ccctl_call_records (
    call_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, queue_id TEXT NOT NULL,
    kind TEXT NOT NULL, entered_at DOUBLE PRECISION NOT NULL,
    ended_at DOUBLE PRECISION NOT NULL, outcome TEXT NOT NULL,
    answered_at DOUBLE PRECISION, agent_id TEXT, language TEXT NOT NULL,
    caller TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ccctl_call_records_ended ON ccctl_call_records (ended_at);
CREATE TABLE IF NOT EXISTS ccctl_voicemails (
    id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, received_at DOUBLE PRECISION NOT NULL,
    duration_s INTEGER NOT NULL, caller TEXT NOT NULL, caller_name TEXT NOT NULL,
    path TEXT NOT NULL, state TEXT NOT NULL, claimed_by TEXT,
    claimed_at DOUBLE PRECISION, done_by TEXT, done_at DOUBLE PRECISION);
CREATE INDEX IF NOT EXISTS ccctl_voicemails_mailbox ON ccctl_voicemails (mailbox, received_at);
CREATE TABLE IF NOT EXISTS ccctl_voicemail_notices (
    message_id TEXT NOT NULL, agent_id TEXT NOT NULL, channel TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_at DOUBLE PRECISION NOT NULL,
    last_error TEXT NOT NULL, PRIMARY KEY (message_id, agent_id, channel));
CREATE INDEX IF NOT EXISTS ccctl_voicemail_notices_due
    ON ccctl_voicemail_notices (state, next_at);
"""
_COLUMNS = [f.name for f in fields(CallRecord)]
_VOICEMAIL = [f.name for f in fields(VoicemailRecord)]
_NOTICE = [f.name for f in fields(VoicemailNoticeRecord)]


def _marks(count: int) -> str:
    return ", ".join(f"${i}" for i in range(1, count + 1))


class PostgresStore:
    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, dsn: str) -> PostgresStore:
        try:
            import asyncpg  # noqa: PLC0415 - optional dependency, only for this backend
        except ImportError as exc:
            raise StoreError("the PostgreSQL store needs asyncpg: pip install "
                             "'ccctl[postgresql]'") from exc
        try:
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(4242)")  # one migrator
                await conn.execute(_SCHEMA)
                version = await conn.fetchval("SELECT value FROM ccctl_meta WHERE key='schema'")
                if version is None:
                    await conn.execute("INSERT INTO ccctl_meta VALUES ('schema', $1)",
                                       str(SCHEMA_VERSION))
                elif int(version) != SCHEMA_VERSION:
                    raise StoreError(f"the PostgreSQL store has schema version {version}, "
                                     f"this ccctl expects {SCHEMA_VERSION}")
        except (OSError, asyncpg.PostgresError) as exc:
            raise StoreError(f"cannot open the PostgreSQL store: {exc}") from exc
        return cls(pool)

    async def append(self, entries: Sequence[Entry]) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            last = 0
            for e in entries:
                last = await conn.fetchval(
                    "INSERT INTO ccctl_journal (kind, at, payload) VALUES ($1, $2, $3::jsonb) "
                    "RETURNING seq", e.kind, e.at, json.dumps(e.payload))
            return int(last)

    async def save_snapshot(self, seq: int, state: Mapping[str, Any]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO ccctl_snapshot VALUES (1, $1, $2::jsonb) "
                "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, state = EXCLUDED.state",
                seq, json.dumps(state))
            await conn.execute("DELETE FROM ccctl_journal WHERE seq <= $1", seq)

    async def recover(self) -> Recovery:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow("SELECT seq, state FROM ccctl_snapshot WHERE id = 1")
            snapshot, since = (json.loads(row["state"]), int(row["seq"])) if row else (None, 0)
            rows = await conn.fetch("SELECT seq, kind, at, payload FROM ccctl_journal "
                                    "WHERE seq > $1 ORDER BY seq", since)
        entries = [(int(r["seq"]), Entry(r["kind"], float(r["at"]), json.loads(r["payload"])))
                   for r in rows]
        return Recovery(snapshot, since, tuple(entries))

    async def add_call_record(self, record: CallRecord) -> None:
        marks = ", ".join(f"${i}" for i in range(1, len(_COLUMNS) + 1))
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[1:])
        async with self._pool.acquire() as conn:
            await conn.execute(
                f"INSERT INTO ccctl_call_records ({', '.join(_COLUMNS)}) VALUES ({marks}) "
                f"ON CONFLICT (call_id) DO UPDATE SET {updates}", *astuple(record))

    async def call_records(self, *, since: float = 0.0, limit: int = 1000) -> list[CallRecord]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {', '.join(_COLUMNS)} FROM ccctl_call_records WHERE ended_at >= $1 "
                "ORDER BY ended_at LIMIT $2", since, limit)
        return [CallRecord(*row.values()) for row in rows]

    async def add_voicemail(self, record: VoicemailRecord,
                            notices: Sequence[VoicemailNoticeRecord]) -> bool:
        async with self._pool.acquire() as conn, conn.transaction():
            added = await conn.fetchval(
                f"INSERT INTO ccctl_voicemails ({', '.join(_VOICEMAIL)}) VALUES "
                f"({_marks(len(_VOICEMAIL))}) ON CONFLICT (id) DO NOTHING RETURNING id",
                *astuple(record))
            if added is None:
                await conn.execute("UPDATE ccctl_voicemails SET path = $1 WHERE id = $2",
                                   record.path, record.id)
                return False
            await conn.executemany(
                f"INSERT INTO ccctl_voicemail_notices ({', '.join(_NOTICE)}) VALUES "
                f"({_marks(len(_NOTICE))}) ON CONFLICT DO NOTHING",
                [astuple(n) for n in notices])
        return True

    async def voicemail(self, message_id: str) -> VoicemailRecord | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"SELECT {', '.join(_VOICEMAIL)} FROM ccctl_voicemails WHERE id = $1",
                message_id)
        return VoicemailRecord(*row.values()) if row else None

    async def voicemails(self, *, mailboxes: Sequence[str] | None = None,
                         states: Sequence[str] | None = None, limit: int = 1000
                         ) -> list[VoicemailRecord]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {', '.join(_VOICEMAIL)} FROM ccctl_voicemails "
                "WHERE ($1::text[] IS NULL OR mailbox = ANY($1)) "
                "AND ($2::text[] IS NULL OR state = ANY($2)) "
                "ORDER BY received_at DESC, id LIMIT $3",
                None if mailboxes is None else list(mailboxes),
                None if states is None else list(states), limit)
        return [VoicemailRecord(*row.values()) for row in rows]

    async def claim_voicemail(self, message_id: str, agent_id: str, now: float
                              ) -> VoicemailRecord | None:
        # One statement: of two claims, the second finds the state no longer 'new'.
        async with self._pool.acquire() as conn:
            await conn.execute("UPDATE ccctl_voicemails SET state = 'claimed', claimed_by = $1,"
                               " claimed_at = $2 WHERE id = $3 AND state = 'new'",
                               agent_id, now, message_id)
        return await self.voicemail(message_id)

    async def release_voicemail(self, message_id: str, claimed_by: str | None
                                ) -> VoicemailRecord | None:
        async with self._pool.acquire() as conn:
            await conn.execute("UPDATE ccctl_voicemails SET state = 'new', claimed_by = NULL, "
                               "claimed_at = NULL WHERE id = $1 AND state = 'claimed' "
                               "AND ($2::text IS NULL OR claimed_by = $2)",
                               message_id, claimed_by)
        return await self.voicemail(message_id)

    async def finish_voicemail(self, message_id: str, done_by: str, now: float,
                               claimed_by: str | None) -> VoicemailRecord | None:
        async with self._pool.acquire() as conn:
            await conn.execute("UPDATE ccctl_voicemails SET state = 'done', done_by = $1, "
                               "done_at = $2 WHERE id = $3 AND state != 'done' AND "
                               "($4::text IS NULL OR (state = 'claimed' AND claimed_by = $4))",
                               done_by, now, message_id, claimed_by)
        return await self.voicemail(message_id)

    async def due_voicemail_notices(self, now: float, limit: int = 100
                                    ) -> list[VoicemailNoticeRecord]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {', '.join(_NOTICE)} FROM ccctl_voicemail_notices WHERE "
                "state = 'pending' AND next_at <= $1 ORDER BY next_at, message_id LIMIT $2",
                now, limit)
        return [VoicemailNoticeRecord(*row.values()) for row in rows]

    async def update_voicemail_notice(self, notice: VoicemailNoticeRecord) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(
                "UPDATE ccctl_voicemail_notices SET state = $1, attempts = $2, next_at = $3, "
                "last_error = $4 WHERE message_id = $5 AND agent_id = $6 AND channel = $7",
                notice.state, notice.attempts, notice.next_at, notice.last_error,
                notice.message_id, notice.agent_id, notice.channel)

    async def close(self) -> None:
        await self._pool.close()
