"""Persistence: a journal of routing events, snapshots, and call records.

SQLite by default (one file, WAL), PostgreSQL as an option, behind one
interface (:class:`ccctl.store.base.Store`). ``open_store(url)`` picks the
backend from the URL: ``sqlite:///var/lib/ccctl/ccctl.db`` or
``postgresql://ccctl@127.0.0.1:5432/ccctl``.
"""

from ccctl.store.base import (
    CallRecord,
    Entry,
    Recovery,
    Store,
    StoreError,
    VoicemailNoticeRecord,
    VoicemailRecord,
)
from ccctl.store.factory import open_store

__all__ = ["CallRecord", "Entry", "Recovery", "Store", "StoreError", "VoicemailNoticeRecord",
           "VoicemailRecord", "open_store"]
