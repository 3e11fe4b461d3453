"""Generated files on disk: compare, show differences, swap in and roll back.

The swap is per file atomic (write beside, then ``os.replace``); the set of
files is made consistent by keeping the previous version of every changed file
until the reload has been verified, and restoring all of them otherwise.
"""

from __future__ import annotations

import difflib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SECRET_LINE = re.compile(r"^(\s*[;#]?\s*(?:password|secret)\s*=>?\s*)(\S.*)$", re.IGNORECASE)
BACKUP_DIR = ".ccctl-previous"
LOCK_FILE = ".ccctl.lock"


@dataclass(frozen=True)
class Change:
    name: str
    old: str | None  # None: the file does not exist yet
    new: str


def changes(target: Path, files: Mapping[str, str]) -> list[Change]:
    """The generated files whose text differs from what ``target`` holds now."""
    result = []
    for name in sorted(files):
        path = target / name
        old = path.read_text() if path.exists() else None
        if old != files[name]:
            result.append(Change(name, old, files[name]))
    return result


def mask_secrets(text: str) -> str:
    """Hide the value of every ``password =``/``secret =`` line."""
    return "\n".join(_SECRET_LINE.sub(r"\1********", line) for line in text.split("\n"))


def unified_diff(change: Change) -> str:
    """A unified diff of one change, with secrets masked."""
    old = mask_secrets(change.old or "").splitlines(keepends=True)
    new = mask_secrets(change.new).splitlines(keepends=True)
    label_old = f"a/{change.name}" if change.old is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, label_old, f"b/{change.name}"))


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """One reload at a time per target directory."""
    target.mkdir(parents=True, exist_ok=True)
    with (target / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another reload of {target} is in progress") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Swap:
    """Install a set of changes, remembering how to undo them."""

    def __init__(self, target: Path, owner: tuple[int, int] | None = None) -> None:
        self.target = target
        self.owner = owner
        self.backup = target / BACKUP_DIR
        self._created: list[str] = []
        self._replaced: list[str] = []

    def apply(self, batch: list[Change]) -> None:
        shutil.rmtree(self.backup, ignore_errors=True)
        self.backup.mkdir(mode=0o700)
        staged = []
        for change in batch:  # stage everything first: a full disk fails before any swap
            path = self.target / change.name
            tmp = path.with_name(f".{path.name}.ccctl-new")
            tmp.write_text(change.new)
            self._copy_mode(path, tmp)
            staged.append((tmp, path, change))
        for tmp, path, change in staged:
            if change.old is None:
                self._created.append(change.name)
            else:
                # A hard link keeps the very inode: owner, mode and mtime come back intact.
                os.link(path, self.backup / change.name)
                self._replaced.append(change.name)
            os.replace(tmp, path)

    def rollback(self) -> None:
        for name in self._replaced:
            os.replace(self.backup / name, self.target / name)
        for name in self._created:
            (self.target / name).unlink(missing_ok=True)
        self._replaced.clear()
        self._created.clear()

    def _copy_mode(self, like: Path, path: Path) -> None:
        """Keep the installed file's owner and mode; new files are 0640 (they hold secrets)."""
        if like.exists():
            st = like.stat()
            os.chmod(path, st.st_mode & 0o777)
            if os.geteuid() == 0:
                os.chown(path, st.st_uid, st.st_gid)
            return
        os.chmod(path, 0o640)
        if self.owner is not None and os.geteuid() == 0:
            os.chown(path, *self.owner)
