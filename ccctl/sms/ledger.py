"""The send ledger: which idempotency keys were sent, so a retry or a restart never resends.

One record per idempotency key: ``pending`` from just before an attempt until
the provider's answer, then ``sent`` (with the provider's message id) or
``failed`` (surely not sent: a refusal, or connection refused). A record left
``pending`` means the process died, or gave up, while the outcome of an
attempt was unknown — see :mod:`ccctl.sms.sender` for what happens then.

The ledger holds no phone number and no message text: only a fingerprint
(SHA-256) of them, to catch a key reused for a different message. (A hash of
a phone number and a known template can be guessed back, so the file is still
kept private, mode 0600.)
Delivery reports are recorded against the provider's message id.

Two implementations: :class:`MemoryLedger` (tests, or a deployment that
accepts resending after a restart) and :class:`SqliteLedger` (the standard
library's sqlite3, WAL, short transactions on the event loop as in
:mod:`ccctl.store.sqlite`; it may share that store's file).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from ccctl.sms.errors import SmsError
from ccctl.sms.models import DeliveryReport, DeliveryState, SendResult


class LedgerState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class LedgerRecord:
    key: str
    fingerprint: str
    provider: str
    state: LedgerState
    attempts: int
    updated_at: float
    message_id: str | None = None
    status: DeliveryState | None = None
    segments: int | None = None
    error_code: str | None = None

    def result(self) -> SendResult:
        """The stored answer of a sent message, marked as a replay."""
        assert self.message_id is not None and self.status is not None
        return SendResult(self.provider, self.message_id, self.status, self.segments,
                          replayed=True)


class SendLedger(Protocol):
    async def lookup(self, key: str) -> LedgerRecord | None: ...

    async def begin(self, key: str, fingerprint: str, provider: str, now: float) -> None:
        """Mark an attempt as started (creating the record, or counting one more)."""
        ...

    async def acknowledge(self, key: str, result: SendResult, now: float) -> None: ...

    async def fail(self, key: str, now: float) -> None:
        """The message was surely not sent; a later send with this key may try again."""
        ...

    async def record_delivery(self, report: DeliveryReport, now: float) -> str | None:
        """Store the state a callback reported; the message's idempotency key, or None."""
        ...


def merged(old: DeliveryState | None, new: DeliveryState) -> DeliveryState:
    """Callbacks may arrive out of order: a final state is never replaced by an earlier one.

    >>> merged(DeliveryState.DELIVERED, DeliveryState.SENT)
    <DeliveryState.DELIVERED: 'delivered'>
    """
    return old if old is not None and old.final and not new.final else new


class MemoryLedger:
    """A ledger that lives as long as the process."""

    def __init__(self) -> None:
        self._records: dict[str, LedgerRecord] = {}
        self._by_message: dict[tuple[str, str], str] = {}

    async def lookup(self, key: str) -> LedgerRecord | None:
        return self._records.get(key)

    async def begin(self, key: str, fingerprint: str, provider: str, now: float) -> None:
        old = self._records.get(key)
        attempts = old.attempts + 1 if old else 1
        self._records[key] = LedgerRecord(key, fingerprint, provider, LedgerState.PENDING,
                                          attempts, now)

    async def acknowledge(self, key: str, result: SendResult, now: float) -> None:
        self._records[key] = replace(self._records[key], state=LedgerState.SENT,
                                     updated_at=now, message_id=result.message_id,
                                     status=result.status, segments=result.segments)
        self._by_message[(result.provider, result.message_id)] = key

    async def fail(self, key: str, now: float) -> None:
        self._records[key] = replace(self._records[key], state=LedgerState.FAILED,
                                     updated_at=now)

    async def record_delivery(self, report: DeliveryReport, now: float) -> str | None:
        key = self._by_message.get((report.provider, report.message_id))
        if key is not None:
            old = self._records[key]
            self._records[key] = replace(old, status=merged(old.status, report.state),
                                         error_code=report.error_code or old.error_code,
                                         updated_at=now)
        return key


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sms_sends (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, provider TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, updated_at REAL NOT NULL,
    message_id TEXT, status TEXT, segments INTEGER, error_code TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS sms_sends_message ON sms_sends (provider, message_id);
"""
_COLUMNS = ("key, fingerprint, provider, state, attempts, updated_at, message_id, status, "
            "segments, error_code")


class SqliteLedger:
    """The ledger in one SQLite file, surviving a crash of the process.

    Each change is committed before :meth:`begin` or :meth:`acknowledge`
    returns: the record of an attempt is on disk before the request leaves.
    """

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise SmsError(f"cannot open the SMS ledger {path}: {exc}") from exc
        path.chmod(0o600)  # fingerprints of numbers are pseudonymous, not anonymous

    def close(self) -> None:
        self._db.close()

    async def lookup(self, key: str) -> LedgerRecord | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM sms_sends WHERE key = ?",
                               (key,)).fetchone()
        if row is None:
            return None
        key, fingerprint, provider, state, attempts, updated_at, message_id, status, parts, \
            error_code = row
        return LedgerRecord(key, fingerprint, provider, LedgerState(state), int(attempts),
                            float(updated_at), message_id,
                            DeliveryState(status) if status else None, parts, error_code)

    async def begin(self, key: str, fingerprint: str, provider: str, now: float) -> None:
        self._db.execute(
            "INSERT INTO sms_sends (key, fingerprint, provider, state, attempts, updated_at) "
            "VALUES (?, ?, ?, 'pending', 1, ?) ON CONFLICT (key) DO UPDATE SET "
            "state = 'pending', attempts = attempts + 1, updated_at = excluded.updated_at",
            (key, fingerprint, provider, now))

    async def acknowledge(self, key: str, result: SendResult, now: float) -> None:
        self._db.execute(
            "UPDATE sms_sends SET state = 'sent', updated_at = ?, message_id = ?, status = ?, "
            "segments = ? WHERE key = ?",
            (now, result.message_id, result.status.value, result.segments, key))

    async def fail(self, key: str, now: float) -> None:
        self._db.execute("UPDATE sms_sends SET state = 'failed', updated_at = ? WHERE key = ?",
                         (now, key))

    async def record_delivery(self, report: DeliveryReport, now: float) -> str | None:
        row = self._db.execute(
            "SELECT key, status FROM sms_sends WHERE provider = ? AND message_id = ?",
            (report.provider, report.message_id)).fetchone()
        if row is None:
            return None
        key, old = str(row[0]), DeliveryState(row[1]) if row[1] else None
        self._db.execute(
            "UPDATE sms_sends SET status = ?, error_code = coalesce(?, error_code), "
            "updated_at = ? WHERE key = ?",
            (merged(old, report.state).value, report.error_code, now, key))
        return key
