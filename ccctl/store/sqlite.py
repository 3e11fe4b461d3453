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
CREATE TABLE IF NOT EXISTS voicemails (
    id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, received_at REAL NOT NULL,
    duration_s INTEGER NOT NULL, caller TEXT NOT NULL, caller_name TEXT NOT NULL,
    path TEXT NOT NULL, state TEXT NOT NULL, claimed_by TEXT, claimed_at REAL,
    done_by TEXT, done_at REAL);
CREATE INDEX IF NOT EXISTS voicemails_mailbox ON voicemails (mailbox, received_at);
CREATE TABLE IF NOT EXISTS voicemail_notices (
    message_id TEXT NOT NULL, agent_id TEXT NOT NULL, channel TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_at REAL NOT NULL,
    last_error TEXT NOT NULL, PRIMARY KEY (message_id, agent_id, channel));
CREATE INDEX IF NOT EXISTS voicemail_notices_due ON voicemail_notices (state, next_at);
"""
_RECORD_COLUMNS = [f.name for f in fields(CallRecord)]
_VOICEMAIL = ", ".join(f.name for f in fields(VoicemailRecord))
_NOTICE = ", ".join(f.name for f in fields(VoicemailNoticeRecord))


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

    async def add_voicemail(self, record: VoicemailRecord,
                            notices: Sequence[VoicemailNoticeRecord]) -> bool:
        with self._transaction():
            added = self._db.execute(
                f"INSERT OR IGNORE INTO voicemails ({_VOICEMAIL}) VALUES "
                f"({', '.join('?' * len(fields(VoicemailRecord)))})", astuple(record)).rowcount
            if not added:
                self._db.execute("UPDATE voicemails SET path = ? WHERE id = ?",
                                 (record.path, record.id))
                return False
            self._db.executemany(
                f"INSERT OR IGNORE INTO voicemail_notices ({_NOTICE}) VALUES "
                f"({', '.join('?' * len(fields(VoicemailNoticeRecord)))})",
                [astuple(n) for n in notices])
        return True

    async def voicemail(self, message_id: str) -> VoicemailRecord | None:
        row = self._db.execute(f"SELECT {_VOICEMAIL} FROM voicemails WHERE id = ?",
                               (message_id,)).fetchone()
        return VoicemailRecord(*row) if row else None

    async def voicemails(self, *, mailboxes: Sequence[str] | None = None,
                         states: Sequence[str] | None = None, limit: int = 1000
                         ) -> list[VoicemailRecord]:
        where, args = ["1 = 1"], []
        for column, values in (("mailbox", mailboxes), ("state", states)):
            if values is not None:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                args += list(values)
        rows = self._db.execute(
            f"SELECT {_VOICEMAIL} FROM voicemails WHERE {' AND '.join(where)} "
            "ORDER BY received_at DESC, id LIMIT ?", (*args, limit))
        return [VoicemailRecord(*row) for row in rows]

    async def claim_voicemail(self, message_id: str, agent_id: str, now: float
                              ) -> VoicemailRecord | None:
        # One statement: of two claims, the second finds the state no longer 'new'.
        self._db.execute("UPDATE voicemails SET state = 'claimed', claimed_by = ?, "
                         "claimed_at = ? WHERE id = ? AND state = 'new'",
                         (agent_id, now, message_id))
        return await self.voicemail(message_id)

    async def release_voicemail(self, message_id: str, claimed_by: str | None
                                ) -> VoicemailRecord | None:
        self._db.execute("UPDATE voicemails SET state = 'new', claimed_by = NULL, "
                         "claimed_at = NULL WHERE id = ? AND state = 'claimed' "
                         "AND (? IS NULL OR claimed_by = ?)",
                         (message_id, claimed_by, claimed_by))
        return await self.voicemail(message_id)

    async def finish_voicemail(self, message_id: str, done_by: str, now: float,
                               claimed_by: str | None) -> VoicemailRecord | None:
        self._db.execute("UPDATE voicemails SET state = 'done', done_by = ?, done_at = ? "
                         "WHERE id = ? AND state != 'done' AND (? IS NULL OR "
                         "(state = 'claimed' AND claimed_by = ?))",
                         (done_by, now, message_id, claimed_by, claimed_by))
        return await self.voicemail(message_id)

    async def due_voicemail_notices(self, now: float, limit: int = 100
                                    ) -> list[VoicemailNoticeRecord]:
        rows = self._db.execute(
            f"SELECT {_NOTICE} FROM voicemail_notices WHERE state = 'pending' AND "
            "next_at <= ? ORDER BY next_at, message_id LIMIT ?", (now, limit))
        return [VoicemailNoticeRecord(*row) for row in rows]

    async def update_voicemail_notice(self, notice: VoicemailNoticeRecord) -> None:
        self._db.execute(
            "UPDATE voicemail_notices SET state = ?, attempts = ?, next_at = ?, "
            "last_error = ? WHERE message_id = ? AND agent_id = ? AND channel = ?",
            (notice.state, notice.attempts, notice.next_at, notice.last_error,
             notice.message_id, notice.agent_id, notice.channel))

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
