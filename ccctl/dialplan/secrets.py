"""Passwords the PBX needs, kept in a JSON file beside — never inside — the YAML.

The file is created on first use with mode 0600 and only ever grows: a secret,
once generated, stays the same across runs so phones keep working. Missing
secrets (a new agent, a new trunk) are generated with :mod:`secrets` and added.
An operator may put a trunk password given by the operator in the file by hand.

Nothing in this module prints or logs a secret; ``repr(Secrets(...))`` hides them.

File shape::

    {"version": 1, "ami": "...", "ari": "...",
     "agents": {"agnes": "..."}, "trunks": {"operator": "..."}}
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets as random_source
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccctl.config.models import ContactCenter

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
TOKEN_BYTES = 32  # 43 URL-safe characters, about 256 bits: no word list will find it
MIN_LENGTH = 16
# Secrets are written into Asterisk .conf files: no spaces, ';' (comment) or quotes.
_SAFE = re.compile(r"[A-Za-z0-9_\-.~!@#$%^&*()+=:/?]+")
FILE_MODE = 0o600


class SecretsError(ValueError):
    """The secrets file cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class Secrets:
    ami_password: str = field(repr=False)
    ari_password: str = field(repr=False)
    agents: dict[str, str] = field(repr=False, default_factory=dict)
    trunks: dict[str, str] = field(repr=False, default_factory=dict)

    def agent(self, agent_id: str) -> str:
        try:
            return self.agents[agent_id]
        except KeyError:
            raise SecretsError(f"no SIP password for agent {agent_id!r}; "
                               "run load_or_create with the current configuration") from None

    def trunk(self, trunk_id: str) -> str:
        try:
            return self.trunks[trunk_id]
        except KeyError:
            raise SecretsError(f"no SIP password for trunk {trunk_id!r}; "
                               "run load_or_create with the current configuration") from None


def new_secret() -> str:
    return random_source.token_urlsafe(TOKEN_BYTES)


def load_or_create(path: Path, cc: ContactCenter) -> Secrets:
    """Read ``path``, add a secret for anything in ``cc`` that lacks one, save if changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        return _load_or_create(path, cc)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise concurrent runs, so two of them never generate different secrets."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _load_or_create(path: Path, cc: ContactCenter) -> Secrets:
    stored = _read(path)
    wanted = {
        "ami": None,
        "ari": None,
        "agents": sorted(agent.id for agent in cc.agents),
        "trunks": sorted(trunk.id for trunk in cc.trunks if trunk.auth),
    }
    updated = _fill(stored, wanted)
    if updated != stored or not path.exists():
        _write_atomically(path, updated)
        log.info("secrets file %s updated (values not shown)", path)
    else:
        _tighten_mode(path)
    return Secrets(
        ami_password=updated["ami"],
        ari_password=updated["ari"],
        agents={a: updated["agents"][a] for a in wanted["agents"] or ()},
        trunks={t: updated["trunks"][t] for t in wanted["trunks"] or ()},
    )


def _fill(stored: dict[str, Any], wanted: dict[str, list[str] | None]) -> dict[str, Any]:
    updated: dict[str, Any] = {**stored, "version": FORMAT_VERSION}
    for key, names in wanted.items():
        if names is None:
            updated[key] = stored.get(key) or new_secret()
            continue
        group = dict(stored.get(key, {}))
        for name in names:
            group[name] = group.get(name) or new_secret()
        updated[key] = dict(sorted(group.items()))
    return updated


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SecretsError(f"{path}: cannot read the secrets file ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # The message names the position only; the text around it may hold a secret.
        raise SecretsError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix the file "
            "or move it away to have new secrets generated (phones must then be updated)"
        ) from None
    _validate(path, data)
    return dict(data)


def _validate(path: Path, data: object) -> None:
    if not isinstance(data, dict):
        raise SecretsError(f"{path}: expected a JSON object at the top level")
    values: list[tuple[str, object]] = [(k, data[k]) for k in ("ami", "ari") if k in data]
    for group in ("agents", "trunks"):
        members = data.get(group, {})
        if not isinstance(members, dict):
            raise SecretsError(f"{path}: {group!r} must be an object of name → password")
        values += [(f"{group}.{name}", value) for name, value in members.items()]
    for where, value in values:
        if not isinstance(value, str) or len(value) < MIN_LENGTH or not _SAFE.fullmatch(value):
            raise SecretsError(
                f"{path}: {where} must be a string of at least {MIN_LENGTH} characters "
                "without spaces, quotes or ';'; delete it to have a strong one generated"
            )


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tighten_mode(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != FILE_MODE:
        log.warning("secrets file %s had mode %o; setting it to %o", path, mode, FILE_MODE)
        path.chmod(FILE_MODE)
