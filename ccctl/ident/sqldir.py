"""A directory in an SQL table, through any DB-API 2 connection factory.

The default is a read-only SQLite file (stdlib ``sqlite3``); another database
works by passing its driver's ``connect`` with the matching ``paramstyle``.
The table has the columns listed in records.py; ``phone`` must hold E.164
numbers and ``personnummer`` 12 digits, since SQL compares them as text.

Queries run on the event loop: an indexed lookup in a local SQLite file takes
microseconds, and ``timeout`` bounds waiting for a lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol

from ccctl.ident.records import COLUMNS, By, DirectoryError, Record, record_from_row

log = logging.getLogger(__name__)


class Connection(Protocol):
    def cursor(self) -> Any: ...
    def close(self) -> None: ...


class SqlDirectory:
    def __init__(self, connect: Callable[[], Connection], table: str, *, where: str,
                 paramstyle: Literal["qmark", "format"] = "qmark") -> None:
        self._where = where
        self._table = table  # an SqlName from the config: a plain identifier
        self._marker = "?" if paramstyle == "qmark" else "%s"
        try:
            self._connection = connect()
            columns = self._columns()
        except Exception as exc:  # DB-API drivers raise their own error classes
            raise DirectoryError(f"cannot open directory {where}: {exc}") from None
        if "id" not in columns:
            raise DirectoryError(f"directory {where} has no 'id' column (see "
                                 "docs/identification.md)")
        self._searchable = {by for by, column in COLUMNS.items() if column in columns}

    def _columns(self) -> set[str]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(f"SELECT * FROM {self._table} WHERE 1 = 0")
            return {str(d[0]) for d in cursor.description}
        finally:
            cursor.close()

    async def lookup(self, by: By, value: str) -> Record | None:
        if by not in self._searchable:
            return None
        query = (f"SELECT * FROM {self._table} "  # identifiers come from the config
                 f"WHERE {COLUMNS[by]} = {self._marker} LIMIT 2")
        try:
            cursor = self._connection.cursor()
            try:
                cursor.execute(query, (value,))
                names = [str(d[0]) for d in cursor.description]
                rows = cursor.fetchall()
            finally:
                cursor.close()
        except Exception as exc:  # DB-API drivers raise their own error classes
            raise DirectoryError(f"lookup by {by} in {self._where} failed: "
                                 f"{type(exc).__name__}") from None
        if len(rows) > 1:
            raise DirectoryError(f"{self._where}: more than one row has that {by}; "
                                 "each must identify one caller")
        if not rows:
            return None
        return record_from_row(dict(zip(names, rows[0], strict=True)), self._where)

    async def close(self) -> None:
        self._connection.close()
