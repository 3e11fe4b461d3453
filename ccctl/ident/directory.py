"""Where callers are looked up: the Directory protocol and the backend factory.

Every backend answers the same question — "which record has this phone
number / personnummer / customer number / id?" — with a
:class:`~ccctl.ident.records.Record` or None, and raises
:class:`~ccctl.ident.records.DirectoryError` when it cannot answer (file
broken, database locked, service down). The caller then stays unidentified.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Protocol

from ccctl.ident.csvdir import CsvDirectory
from ccctl.ident.httpdir import HttpDirectory
from ccctl.ident.models import CsvBackend, Directory, HttpBackend, SqlBackend
from ccctl.ident.records import By, DirectoryError, Record
from ccctl.ident.sqldir import SqlDirectory

__all__ = ["CallerDirectory", "open_directory"]


class CallerDirectory(Protocol):
    """A source of caller records."""

    async def lookup(self, by: By, value: str) -> Record | None:
        """The one record whose ``by`` column equals ``value`` (normalised), or None."""
        ...

    async def close(self) -> None:
        """Release files, connections and sessions."""
        ...


def _resolve(base_dir: Path, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate


async def open_directory(model: Directory, base_dir: Path) -> CallerDirectory:
    """Open the backend ``model`` describes; relative paths are relative to ``base_dir``."""
    backend = model.backend
    if isinstance(backend, CsvBackend):
        return CsvDirectory(_resolve(base_dir, backend.path), delimiter=backend.delimiter)
    if isinstance(backend, SqlBackend):
        database = _resolve(base_dir, backend.database)
        if not database.is_file():
            raise DirectoryError(f"directory {model.id}: SQLite database {database} not found")

        def connect() -> sqlite3.Connection:
            # Read-only: identification never writes to the organisation's data.
            return sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=1.0)

        return SqlDirectory(connect, backend.table, where=f"{database} table {backend.table}")
    assert isinstance(backend, HttpBackend)
    token = None
    if backend.token_env is not None:
        token = os.environ.get(backend.token_env)
        if not token:
            raise DirectoryError(f"directory {model.id}: environment variable "
                                 f"{backend.token_env} (token_env) is not set")
    return HttpDirectory(backend.url, timeout=backend.timeout_seconds, token=token)
