"""An asyncio AMI connection: log in, send actions, match responses by ActionID.

The reader is one task owned by the client; it is started on entering
``async with AmiClient(...)`` and cancelled (and awaited) on leaving. Events,
when asked for, go to one callback. Reconnecting belongs to the daemon's
connection manager, not here.
"""

from __future__ import annotations

import asyncio
import configparser
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from ccctl.ami.protocol import Message, Parser, ProtocolError, encode_action

log = logging.getLogger(__name__)


class AmiError(RuntimeError):
    """AMI refused an action, the login failed, or the connection broke."""


@dataclass(frozen=True)
class Credentials:
    host: str
    port: int
    username: str
    secret: str = field(repr=False)

    @classmethod
    def from_file(cls, path: Path) -> Credentials:
        """Read ``[ami]`` host/port/username/secret from an INI file (or the same keys in JSON)."""
        try:
            text = path.read_text()
        except OSError as exc:
            raise AmiError(f"cannot read AMI credentials file {path}: {exc.strerror}") from exc
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            parser = configparser.ConfigParser()
            parser.read_string(text, source=str(path))
            if "ami" not in parser:
                raise AmiError(f"{path}: no [ami] section (host, port, username, secret)")
            data = dict(parser["ami"])
        missing = [k for k in ("username", "secret") if k not in data]
        if missing:
            raise AmiError(f"{path}: missing {', '.join(missing)} in the AMI credentials")
        return cls(host=str(data.get("host", "127.0.0.1")), port=int(data.get("port", 5038)),
                   username=str(data["username"]), secret=str(data["secret"]))


class AmiClient:
    def __init__(
        self,
        credentials: Credentials,
        *,
        timeout: float = 10.0,
        on_event: Callable[[Message], None] | None = None,
    ) -> None:
        self._credentials = credentials
        self._timeout = timeout
        self._on_event = on_event
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._lists: dict[str, list[Message]] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> AmiClient:
        c = self._credentials
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(c.host, c.port), self._timeout)
        except (OSError, TimeoutError) as exc:
            raise AmiError(f"cannot connect to AMI at {c.host}:{c.port}: {exc}") from exc
        self._task = asyncio.create_task(self._read_loop(), name="ami-reader")
        try:
            await self.action("Login", Username=c.username, Secret=c.secret,
                              Events="on" if self._on_event else "off")
        except AmiError as exc:
            await self._close()
            raise AmiError(f"AMI login as {c.username!r} at {c.host}:{c.port} failed: {exc}") \
                from exc
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None and not self._task.done():
            with contextlib.suppress(AmiError):
                await self.action("Logoff")
        await self._close()

    async def _close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, AmiError):
                await self._task
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()

    async def action(self, name: str, **fields: str) -> Message:
        """Send one action and return its response; ``Response: Error`` raises AmiError."""
        response = await self._send(name, fields)
        if (response.get("Response") or "").lower() == "error":
            raise AmiError(f"{name}: {response.get('Message', 'error')}")
        return response

    async def action_list(self, name: str, **fields: str) -> list[Message]:
        """Send an action whose answer is an event list; return the list's events."""
        action_id = str(next(self._ids))
        self._lists[action_id] = []
        try:
            await self._send(name, fields, action_id=action_id, wait_list=True)
            return [m for m in self._lists[action_id] if m.get("EventList") is None]
        finally:
            self._lists.pop(action_id, None)

    async def _send(self, name: str, fields: dict[str, str], *, action_id: str | None = None,
                    wait_list: bool = False) -> Message:
        if self._writer is None or self._task is None or self._task.done():
            raise AmiError("not connected to AMI")
        action_id = action_id or str(next(self._ids))
        key = f"{action_id}:list" if wait_list else action_id
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            self._writer.write(encode_action(name, action_id, fields))
            await self._writer.drain()
            return await asyncio.wait_for(future, self._timeout)
        except TimeoutError as exc:
            raise AmiError(f"{name}: no answer from AMI within {self._timeout:.0f} s") from exc
        except (OSError, ProtocolError) as exc:
            raise AmiError(f"{name}: {exc}") from exc
        finally:
            self._pending.pop(key, None)

    async def _read_loop(self) -> None:
        assert self._reader is not None
        parser = Parser()
        try:
            while data := await self._reader.read(65536):
                for message in parser.feed(data):
                    self._dispatch(message)
            error = AmiError("AMI closed the connection")
        except (OSError, ProtocolError) as exc:
            error = AmiError(f"AMI connection failed: {exc}")
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)

    def _dispatch(self, message: Message) -> None:
        action_id = message.action_id
        if action_id is not None and action_id in self._lists:
            self._dispatch_list(action_id, message)
            return
        if message.is_response and action_id in self._pending:
            future = self._pending[action_id]
            if not future.done():
                future.set_result(message)
            return
        if message.is_event and self._on_event is not None:
            self._on_event(message)

    def _dispatch_list(self, action_id: str, message: Message) -> None:
        future = self._pending.get(f"{action_id}:list")
        if message.is_response:
            if (message.get("Response") or "").lower() == "error" and future and not future.done():
                future.set_result(message)
            return
        if (message.get("EventList") or "").lower() == "complete":
            if future is not None and not future.done():
                future.set_result(message)
            return
        self._lists[action_id].append(message)
