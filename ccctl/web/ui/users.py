"""Web UI users: a name, a role (and for an agent, the agent id) and a scrypt-hashed
password, kept in ``users.json`` in the state directory next to the API tokens.

Managed like the tokens (``ccctl user add|list|remove``; locked, written atomically
with mode 0600 by :func:`ccctl.web.tokens.write_json`). The daemon reads the file
through :class:`UserBook`, which re-reads it when it is replaced, so a new or removed
user counts from the next log-in. A password is never stored, logged or printed;
the file keeps ``scrypt$N$r$p$salt$hash`` (hashlib.scrypt, 16-byte salt).

File shape::

    {"version": 1, "users": {"anna": {"role": "supervisor", "agent": null,
        "created": "2026-05-28T20:26:40Z", "password": "scrypt$16384$8$1$…$…"}}}
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccctl.web.tokens import (
    Role,
    check_entry,
    locked,
    now_utc,
    read_text,
    utc_stamp,
    write_json,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MIN_PASSWORD = 8
_N, _R, _P = 2**14, 8, 1  # about 16 MiB and a few tens of ms per check


class UserError(ValueError):
    """The users file or a user request cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class User:
    """One user's record; ``repr`` leaves out the password hash."""

    name: str
    role: Role
    agent: str | None
    created: str
    password: str = field(default="", repr=False)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.urlsafe_b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.urlsafe_b64decode(salt),
                             n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.urlsafe_b64decode(key))


class UserFile:
    """Add, list and remove users (``ccctl user …``); one writer at a time."""

    def __init__(self, path: Path, clock: Callable[[], dt.datetime] = now_utc) -> None:
        self.path, self._clock = path, clock

    def add(self, name: str, role: Role, password: str, agent: str | None = None,
            *, replace: bool = False) -> User:
        check_entry("user", name, role, agent, UserError)
        if len(password) < MIN_PASSWORD:
            raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
        user = User(name, role, agent, utc_stamp(self._clock()), hash_password(password))
        with locked(self.path):
            users = _parse(self.path, _read_text(self.path))
            if name in users and not replace:
                raise UserError(f"a user named {name!r} exists already; remove it first "
                                "('ccctl user remove NAME') or choose another name")
            users[name] = user
            _write(self.path, users)
        log.info("web user %r (%s) added in %s", name, role, self.path)
        return user

    def remove(self, name: str) -> User:
        with locked(self.path):
            users = _parse(self.path, _read_text(self.path))
            if name not in users:
                raise UserError(f"no user named {name!r} in {self.path}; "
                                "'ccctl user list' shows them")
            user = users.pop(name)
            _write(self.path, users)
        log.info("web user %r removed from %s", name, self.path)
        return user

    def users(self) -> list[User]:
        return sorted(_parse(self.path, _read_text(self.path)).values(), key=lambda u: u.name)


class UserBook:
    """The daemon's view of the users file, re-read when it is replaced (fails closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._users: dict[str, User] = {}

    def find(self, name: str) -> User | None:
        self._refresh()
        return self._users.get(name)

    async def authenticate(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs. scrypt is slow on purpose, so it runs
        in a worker thread: the one place the web UI leaves the event loop."""
        user = self.find(name)
        # An unknown name costs the same time as a wrong password: names are not probed.
        stored = user.password if user else hash_password("", b"\0" * 16)
        ok = await asyncio.to_thread(check_password, password, stored)
        return user if ok and user is not None else None

    def _refresh(self) -> None:
        try:
            st = os.stat(self.path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            if stamp != self._stamp:
                self._users = _parse(self.path, _read_text(self.path))
                self._stamp = stamp
                log.info("web users file %s read: %d users", self.path, len(self._users))
        except FileNotFoundError:
            self._users, self._stamp = {}, None
        except (OSError, UserError) as exc:
            log.error("%s; nobody can log in to the web UI until it is fixed", exc)
            self._users, self._stamp = {}, None


def _read_text(path: Path) -> str | None:
    return read_text(path, "users file", UserError)


def _parse(path: Path, text: str | None) -> dict[str, User]:
    if text is None:
        return {}
    try:
        entries = json.loads(text)["users"]
        return {name: User(name, Role(e["role"]), e.get("agent"), str(e["created"]),
                           str(e["password"])) for name, e in entries.items()}
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix "
                        "it, or move it away and add the users again") from None
    except (TypeError, KeyError, ValueError, AttributeError):
        raise UserError(f"{path}: expected {{\"version\": 1, \"users\": {{NAME: {{role, "
                        "agent, created, password}}}}}}; remove the broken entry") from None


def _write(path: Path, users: dict[str, User]) -> None:
    data: dict[str, Any] = {"version": FORMAT_VERSION, "users": {
        u.name: {"role": u.role.value, "agent": u.agent, "created": u.created,
                 "password": u.password} for u in sorted(users.values(), key=lambda u: u.name)}}
    write_json(path, data)


def demo_users(path: Path, agents: list[str]) -> dict[str, str]:
    """``make run``: a demo supervisor and an agent user per given agent id, with fresh
    random passwords (earlier demo users are replaced); {user: password}, to print."""
    made: dict[str, str] = {}
    users = UserFile(path)
    wanted = [("demo-supervisor", Role.SUPERVISOR, None)] + [
        (f"demo-{agent}", Role.AGENT, agent) for agent in agents]
    for old in users.users():
        if old.name.startswith("demo-") and old.name not in {w[0] for w in wanted}:
            users.remove(old.name)
    for name, role, agent in wanted:
        made[name] = secrets.token_urlsafe(12)
        users.add(name, role, made[name], agent, replace=True)
    return made
