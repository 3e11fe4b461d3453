"""The PostgreSQL store (optional: ``pip install ccctl[postgresql]``), via asyncpg.

Same tables and semantics as the SQLite store; JSON kept as JSONB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import astuple, fields
from typing import Any

from ccctl.store.base import SCHEMA_VERSION, CallRecord, Entry, Recovery, StoreError

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
"""
_COLUMNS = [f.name for f in fields(CallRecord)]


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

    async def close(self) -> None:
        await self._pool.close()
