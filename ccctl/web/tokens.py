"""API tokens: who may call the REST API, in which role. Kept in a JSON file, hashed.

A token is ``secrets.token_urlsafe(32)`` (about 256 bits). The file keeps only its
SHA-256 — a fast hash is enough for a value nobody can guess, and nothing slower
should sit in front of every request. The token itself is shown once, by
``ccctl token create``, and never stored, logged or printed again.

:class:`TokenFile` is the command line's side (create, list, revoke: locked,
written atomically with mode 0600); :class:`TokenBook` is the daemon's side: it
re-reads the file whenever it was replaced, so a new or revoked token counts
from the next request without a restart. A revoked token stays in the file
(without a way back) so the daemon can say "revoked" rather than "unknown".

File shape::

    {"version": 1, "tokens": {"anna": {"role": "supervisor", "agent": null,
        "created": "2026-05-28T20:26:40Z", "revoked": null, "sha256": "…"}}}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
TOKEN_BYTES = 32
FILE_MODE = 0o600
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Role(StrEnum):
    AGENT = "agent"  # acts only on its own agent and the call it serves
    SUPERVISOR = "supervisor"  # all of /api
    ADMIN = "admin"  # what a supervisor may, plus administration


class TokenError(ValueError):
    """The tokens file or a token request cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class Token:
    """One token's record; ``repr`` leaves out the hash."""

    name: str
    role: Role
    agent: str | None
    created: str
    revoked: str | None = None
    sha256: str = field(default="", repr=False)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def utc_stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_entry(kind: str, name: str, role: Role, agent: str | None,
                error: type[ValueError]) -> None:
    """A token's or web user's name, role and agent fit together (else ``error``)."""
    if not _NAME.fullmatch(name):
        raise error(f"{kind} name {name!r}: use 1-64 letters, digits, '_', '.', '@' "
                    "or '-', starting with a letter or digit")
    if role is Role.AGENT and not agent:
        raise error(f"an agent {kind} needs --agent ID: the agent it may act for")
    if role is not Role.AGENT and agent:
        raise error(f"--agent is only for role agent; a {role} {kind} acts for every "
                    "agent already")


class TokenFile:
    """Create, list and revoke tokens (``ccctl token …``); one writer at a time."""

    def __init__(self, path: Path, clock: Callable[[], dt.datetime] = now_utc) -> None:
        self.path, self._clock = path, clock

    def create(self, name: str, role: Role, agent: str | None = None) -> str:
        """Add a token and return it: the only time it is ever seen."""
        check_entry("token", name, role, agent, TokenError)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._locked():
            tokens = _parse(self.path, _read_text(self.path))
            if name in tokens:
                old = tokens[name]
                raise TokenError(f"a token named {name!r} exists already"
                                 + (f" (revoked {old.revoked}; names are not reused, so "
                                    "logs stay unambiguous)" if old.revoked else
                                    "; revoke it first or choose another name"))
            tokens[name] = Token(name, role, agent, utc_stamp(self._clock()), None, digest(token))
            _write_atomically(self.path, tokens)
        log.info("API token %r (%s) created in %s", name, role, self.path)
        return token

    def revoke(self, name: str) -> Token:
        with self._locked():
            tokens = _parse(self.path, _read_text(self.path))
            old = tokens.get(name)
            if old is None:
                raise TokenError(f"no token named {name!r} in {self.path}; "
                                 "'ccctl token list' shows them")
            if old.revoked:
                return old
            tokens[name] = revoked = Token(old.name, old.role, old.agent, old.created,
                                           utc_stamp(self._clock()), old.sha256)
            _write_atomically(self.path, tokens)
        log.info("API token %r revoked in %s", name, self.path)
        return revoked

    def tokens(self) -> list[Token]:
        return sorted(_parse(self.path, _read_text(self.path)).values(), key=lambda t: t.name)

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return locked(self.path)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise writers of ``path`` (and its neighbours in the state directory), so two
    concurrent creates cannot lose each other's entry. Also used by the users file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class TokenBook:
    """The daemon's view of the tokens file, refreshed when the file is replaced.

    A file that cannot be read makes every token invalid (fail closed) until it
    is fixed; :attr:`problem` says why. Call routing never depends on it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._tokens: list[Token] = []
        self._refresh()

    def find(self, presented: str) -> Token | None:
        """The token record matching ``presented`` (revoked ones included), or None."""
        self._refresh()
        wanted = digest(presented).encode()
        found = None
        for token in self._tokens:  # every record is compared: no early exit to time
            if hmac.compare_digest(token.sha256.encode(), wanted):
                found = token
        return found

    def _refresh(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._stamp != (0, 0, 0):
                log.warning("no API tokens file at %s: every /api request is refused until "
                            "'ccctl token create' makes one", self.path)
            self._stamp, self._tokens, self.problem = (0, 0, 0), [], None
            return
        except OSError as exc:
            self._fail(f"{self.path}: cannot read the tokens file ({exc.strerror})")
            return
        # os.replace gives a new inode, so a rewrite within one mtime tick is noticed too.
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._tokens, self.problem = list(_parse(self.path, _read_text(self.path))
                                              .values()), None
        except TokenError as exc:
            self._fail(str(exc))
            return
        log.info("API tokens file %s read: %d active", self.path,
                 sum(1 for t in self._tokens if not t.revoked))

    def _fail(self, problem: str) -> None:
        if problem != self.problem:
            log.error("%s; every /api request is refused until it is fixed", problem)
        self._tokens, self.problem = [], problem


def _read_text(path: Path) -> str | None:
    return read_text(path, "tokens file", TokenError)


def read_text(path: Path, what: str, error: type[ValueError]) -> str | None:
    """The file's text; None when it does not exist (yet). Also used by the users file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None


def _parse(path: Path, text: str | None) -> dict[str, Token]:
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TokenError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix "
                         "it, or move it away and create the tokens again") from None
    entries = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TokenError(f"{path}: expected {{\"version\": 1, \"tokens\": {{NAME: …}}}}")
    return {name: _token(path, name, entry) for name, entry in entries.items()}


def _token(path: Path, name: str, entry: Any) -> Token:
    try:
        role = Role(entry["role"])
        agent, created, revoked = entry.get("agent"), entry["created"], entry.get("revoked")
        sha = entry["sha256"]
    except (TypeError, KeyError, ValueError):
        raise TokenError(f"{path}: tokens.{name}: needs role ({', '.join(Role)}), created "
                         "and sha256; revoke it and create a new one") from None
    if not (isinstance(sha, str) and _HEX64.fullmatch(sha)) or (role is Role.AGENT and
                                                                not isinstance(agent, str)):
        raise TokenError(f"{path}: tokens.{name}: sha256 must be 64 hex digits and an agent "
                         "token must name its agent")
    return Token(name, role, agent if isinstance(agent, str) else None, str(created),
                 str(revoked) if revoked else None, sha)


def _owner(path: Path) -> tuple[int, int] | None:
    """Run as root, keep the file the daemon's: the old file's owner, else the directory's."""
    if os.geteuid() != 0:
        return None
    st = os.stat(path if path.exists() else path.parent)
    return st.st_uid, st.st_gid


def _write_atomically(path: Path, tokens: dict[str, Token]) -> None:
    write_json(path, {"version": FORMAT_VERSION, "tokens": {
        t.name: {"role": t.role.value, "agent": t.agent, "created": t.created,
                 "revoked": t.revoked, "sha256": t.sha256}
        for t in sorted(tokens.values(), key=lambda t: t.name)}})


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` with ``data`` atomically, mode 0600, owned like the old file (or
    the directory) when run as root. Also used by the users file."""
    owner = _owner(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        if owner is not None:
            os.fchown(fd, *owner)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
