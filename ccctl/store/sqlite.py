"""The default store: one SQLite file in WAL mode.

Writes are short local transactions, done directly on the event loop: with
WAL and ``synchronous=NORMAL`` a commit does not wait for the disk, yet it
survives the process being killed (only an OS crash may lose the newest
commits). ``synchronous=FULL`` is one argument away for those who want that.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Any

from ccctl.store.base import SCHEMA_VERSION, CallRecord, Entry, Recovery, StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, at REAL NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS call_records (
    call_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, queue_id TEXT NOT NULL,
    kind TEXT NOT NULL, entered_at REAL NOT NULL, ended_at REAL NOT NULL,
    outcome TEXT NOT NULL, answered_at REAL, agent_id TEXT,
    language TEXT NOT NULL, caller TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS call_records_ended ON call_records (ended_at);
"""
_RECORD_COLUMNS = [f.name for f in fields(CallRecord)]


class SqliteStore:
    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._db.executescript(_SCHEMA)
            self._check_version(path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store {path}: {exc}") from exc
        path.chmod(0o600)  # call records hold caller numbers

    def _check_version(self, path: Path) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise StoreError(f"{path} has schema version {row[0]}, this ccctl expects "
                             f"{SCHEMA_VERSION}; upgrade ccctl or point it at a new store")

    async def append(self, entries: Sequence[Entry]) -> int:
        with self._transaction():
            cursor = self._db.executemany(
                "INSERT INTO journal (kind, at, payload) VALUES (?, ?, ?)",
                [(e.kind, e.at, json.dumps(e.payload, separators=(",", ":"))) for e in entries])
            del cursor
            row = self._db.execute("SELECT max(seq) FROM journal").fetchone()
        return int(row[0] or 0)

    async def save_snapshot(self, seq: int, state: Mapping[str, Any]) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO snapshot VALUES (1, ?, ?)",
                             (seq, json.dumps(state, separators=(",", ":"))))
            self._db.execute("DELETE FROM journal WHERE seq <= ?", (seq,))

    async def recover(self) -> Recovery:
        row = self._db.execute("SELECT seq, state FROM snapshot WHERE id = 1").fetchone()
        snapshot, since = (json.loads(row[1]), int(row[0])) if row else (None, 0)
        rows = self._db.execute(
            "SELECT seq, kind, at, payload FROM journal WHERE seq > ? ORDER BY seq", (since,))
        entries = [(int(s), Entry(k, float(a), json.loads(p))) for s, k, a, p in rows]
        return Recovery(snapshot, since, tuple(entries))

    async def add_call_record(self, record: CallRecord) -> None:
        marks = ", ".join("?" * len(_RECORD_COLUMNS))
        with self._transaction():
            self._db.execute(f"INSERT OR REPLACE INTO call_records ({', '.join(_RECORD_COLUMNS)})"
                             f" VALUES ({marks})", astuple(record))

    async def call_records(self, *, since: float = 0.0, limit: int = 1000) -> list[CallRecord]:
        rows = self._db.execute(
            f"SELECT {', '.join(_RECORD_COLUMNS)} FROM call_records WHERE ended_at >= ? "
            "ORDER BY ended_at LIMIT ?", (since, limit))
        return [CallRecord(*row) for row in rows]

    async def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
