"""A directory in a CSV file with a header row (see records.py for the columns).

The whole file is indexed in memory when opened and again whenever its size
or modification time changes, so an administrator can replace it while
ccctl runs. A broken replacement is logged and the previous contents kept.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from ccctl.ident.records import By, DirectoryError, Record, key_of, record_from_row

log = logging.getLogger(__name__)

_KEYS: tuple[By, ...] = ("phone", "personnummer", "number", "id")


@dataclass(frozen=True)
class _Index:
    stamp: tuple[int, int]
    by: dict[By, dict[str, Record]]


class CsvDirectory:
    def __init__(self, path: Path, *, delimiter: str = ",") -> None:
        self._path = path
        self._delimiter = delimiter
        self._index = self._load()

    def _stamp(self) -> tuple[int, int]:
        try:
            stat = self._path.stat()
        except OSError as exc:
            raise DirectoryError(f"cannot read directory file {self._path}: {exc.strerror}") \
                from None
        return stat.st_mtime_ns, stat.st_size

    def _load(self) -> _Index:
        stamp = self._stamp()
        try:
            with self._path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle, delimiter=self._delimiter)
                if reader.fieldnames is None or "id" not in reader.fieldnames:
                    raise DirectoryError(f"{self._path}:1: the header row must name an 'id' "
                                         "column (see docs/identification.md)")
                rows = [(reader.line_num, row) for row in reader]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DirectoryError(f"cannot read directory file {self._path}: {exc}") from None
        index: dict[By, dict[str, Record]] = {key: {} for key in _KEYS}
        seen_at: dict[tuple[By, str], int] = {}
        for line, row in rows:
            where = f"{self._path}:{line}"
            if None in row:
                raise DirectoryError(f"{where}: more fields than the header row has columns")
            record = record_from_row(row, where)
            for by in _KEYS:
                key = key_of(row, by, where)
                if key is None:
                    continue
                if (by, key) in seen_at:
                    raise DirectoryError(f"{where}: the same {by} as line {seen_at[(by, key)]}; "
                                         "each must identify one caller")
                seen_at[(by, key)] = line
                index[by][key] = record
        log.info("directory %s: %d records", self._path, len(index["id"]))
        return _Index(stamp, index)

    def _refresh(self) -> None:
        try:
            if self._stamp() == self._index.stamp:
                return
            self._index = self._load()
        except DirectoryError as exc:
            log.error("%s; still using the previous contents", exc)

    async def lookup(self, by: By, value: str) -> Record | None:
        self._refresh()
        return self._index.by[by].get(value)

    async def close(self) -> None:
        return None
