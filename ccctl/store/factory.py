"""``open_store(url)``: the backend named by the URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from ccctl.store.base import Store, StoreError
from ccctl.store.postgres import PostgresStore
from ccctl.store.sqlite import SqliteStore


async def open_store(url: str) -> Store:
    """``sqlite:///abs/path.db``, ``sqlite:relative.db`` or ``postgresql://…``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = parsed.path or parsed.netloc
        if not path:
            raise StoreError(f"store URL {url!r} names no file; e.g. "
                             "sqlite:///var/lib/ccctl/ccctl.db")
        return SqliteStore(Path(path))
    if parsed.scheme in ("postgresql", "postgres"):
        return await PostgresStore.open(url)
    raise StoreError(f"unknown store URL scheme {parsed.scheme!r} in {url!r}; use sqlite:/// "
                     "or postgresql://")
