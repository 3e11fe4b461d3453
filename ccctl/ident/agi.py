"""ccctl's FastAGI server: identification steps for the generated dialplan.

The dialplan calls ``AGI(agi://127.0.0.1:<pbx.agi.port>/identify/<step>?...)``
(see docs/ivr-design.md). For each connection the server reads the request,
runs the step (which collects its own digits with ``GET DATA``), and sets the
inherited result variables ``__CCCTL_ID_STATUS``, ``_METHOD``, ``_NAME``,
``_REF``, ``_SKILLS``, ``_PRIORITY`` and ``_QUEUE`` — nothing else, apart
from ``CHANNEL(language)`` when the caller's record names a site language.

Whatever goes wrong (bad request, directory down, malformed response) is
logged with the channel's uniqueid and the call continues: never with the
digits, never by failing the call.

Lifetime: ``async with serve(config, config_dir=...) as server:``; every
connection handler is a task the server owns, cancelled and awaited on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import traceback
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ccctl.config.models import ContactCenter
from ccctl.ident.agichannel import AgiChannel, CallerHungUp, read_request
from ccctl.ident.agiprotocol import MAX_LINE, AgiCommandError, AgiProtocolError, AgiRequest
from ccctl.ident.directory import CallerDirectory, open_directory
from ccctl.ident.records import DirectoryError
from ccctl.ident.steps import Outcome, RequestError, Steps

__all__ = ["AgiServer", "result_variables", "serve"]

log = logging.getLogger(__name__)


def result_variables(outcome: Outcome) -> list[tuple[str, str]]:
    """The contract's result variables for ``outcome``, all of them, in a fixed order."""
    record = outcome.record
    values = {
        "STATUS": outcome.status,
        "METHOD": outcome.method,
        "NAME": record.name if record else "",
        "REF": record.id if record else outcome.ref,
        "SKILLS": record.skills_text() if record else "",
        "PRIORITY": str(record.priority) if record and record.priority is not None else "",
        "QUEUE": (record.queue or "") if record else "",
    }
    # Two underscores: inherited by every channel created for this call (the agent's too).
    return [(f"__CCCTL_ID_{name}", value) for name, value in values.items()]


def _method(request: AgiRequest) -> str:
    if request.step == "number":
        rule = request.params.get("rule", "")
        return f"number:{rule}" if re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", rule) else "number"
    return request.step


class AgiServer:
    """Serves identification requests; owns one task per open connection."""

    def __init__(self, steps: Steps, languages: tuple[str, ...]) -> None:
        self._steps = steps
        self._languages = languages
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not listening"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._handle, host, port, limit=MAX_LINE)
        log.info("FastAGI identification server listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve_one(reader, writer)
        except Exception as exc:  # a bug must not take the server down; log without values
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            log.error("FastAGI handler failed with %s at %s:%s", type(exc).__name__,
                      Path(frame.filename).name, frame.lineno)
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        try:
            request = await read_request(reader)
        except AgiProtocolError as exc:
            log.error("FastAGI request refused: %s", exc)
            return
        uid = request.uniqueid
        log.info("%s: identify/%s for %s", uid, request.step, request.channel)
        channel = AgiChannel(reader, writer, request)
        try:
            outcome = await self._steps.handler(request.step)(channel)
        except CallerHungUp:
            log.info("%s: caller hung up during identify/%s", uid, request.step)
            return
        except AgiProtocolError as exc:
            # The conversation is out of step: saying more would make it worse.
            log.error("%s: identify/%s: %s; call continues unidentified", uid, request.step, exc)
            return
        except (RequestError, DirectoryError, AgiCommandError) as exc:
            log.error("%s: identify/%s: %s; call continues unidentified", uid, request.step, exc)
            outcome = Outcome("failed", _method(request))
        try:
            await self._set_result(channel, outcome)
        except (CallerHungUp, AgiProtocolError, AgiCommandError) as exc:
            log.warning("%s: identification result not set: %s", uid,
                        str(exc) or type(exc).__name__)
            return
        log.info("%s: identify/%s: %s", uid, request.step, outcome.status)

    async def _set_result(self, channel: AgiChannel, outcome: Outcome) -> None:
        for name, value in result_variables(outcome):
            await channel.set_variable(name, value)
        language = outcome.record.language if outcome.record else None
        if language is not None and language in self._languages:
            await channel.set_variable("CHANNEL(language)", language)


@dataclass(frozen=True)
class _Today:
    zone: ZoneInfo

    def __call__(self) -> date:
        return datetime.now(self.zone).date()


@contextlib.asynccontextmanager
async def serve(
    config: ContactCenter,
    *,
    config_dir: Path,
    host: str | None = None,
    port: int | None = None,
    today: Callable[[], date] | None = None,
    digit_timeout_ms: int = 6000,
) -> AsyncIterator[AgiServer]:
    """Open the directories and listen on ``pbx.agi`` (or ``host``/``port``) until exit.

    Relative directory paths are relative to ``config_dir``. ``port=0`` picks a
    free port (see ``server.port``). ``today`` defaults to the site's date.
    """
    directories: dict[str, CallerDirectory] = {}
    server: AgiServer | None = None
    try:
        for model in config.directories:
            directories[model.id] = await open_directory(model, config_dir)
        steps = Steps(directories, {r.id: r for r in config.number_rules},
                      today or _Today(ZoneInfo(config.site.timezone)), digit_timeout_ms)
        server = AgiServer(steps, config.site.languages)
        listener = config.pbx.agi
        await server.start(host if host is not None else listener.bind,
                           port if port is not None else listener.port)
        yield server
    finally:
        if server is not None:
            await server.stop()
        for directory in directories.values():
            await directory.close()
