"""The ARI websocket that stays up: reconnect with capped backoff, detect a dead
peer with its own pings, resynchronise after every (re)connect.

Events are handled concurrently (a slow REST call must not stall the reader)
but in order per channel: each channel's events go through its own queue.
A handler that raises is logged and counted; it never stops the others.
Every task belongs to the connection and is cancelled and awaited on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

import aiohttp

from ccctl.ari.events import Event, EventError, channel_id, parse
from ccctl.ari.rest import AriRest, AriSettings
from ccctl.ari.wsrest import WsClosedError, WsRest

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]
Hook = Callable[[AriRest], Awaitable[None]]


@dataclass
class Backoff:
    """Capped exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to ``cap``."""

    base: float = 0.5
    cap: float = 15.0
    attempt: int = 0

    def next_delay(self, rng: random.Random) -> float:
        delay: float = min(self.cap, self.base * 2.0 ** self.attempt)
        self.attempt += 1
        return delay * rng.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.attempt = 0


class AriConnection:
    def __init__(
        self,
        settings: AriSettings,
        handler: Handler,
        *,
        on_connected: Hook | None = None,
        on_disconnected: Callable[[], Awaitable[None]] | None = None,
        heartbeat: float = 5.0,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        rest_over_websocket: bool = True,
    ) -> None:
        self._settings = settings
        self._handler = handler
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._heartbeat = heartbeat
        self._backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self._rest_over_ws = rest_over_websocket
        self._probe_timeout = 3.0
        self._session: aiohttp.ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self._queues: dict[str, asyncio.Queue[Event]] = {}
        self.connected = asyncio.Event()
        self.connects = 0
        self.handler_errors = 0
        self.rest: AriRest

    async def __aenter__(self) -> AriConnection:
        self._session = aiohttp.ClientSession()
        self.rest = AriRest(self._session, self._settings)
        self._runner = asyncio.create_task(self._run(), name="ari-connection")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        if self._session is not None:
            await self._session.close()

    async def wait_connected(self, within: float) -> None:
        await asyncio.wait_for(self.connected.wait(), within)

    async def _run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            while True:
                try:
                    await self._session_once(tasks)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    log.info("ARI websocket unavailable: %s", exc)
                if self.connected.is_set():
                    self.connected.clear()
                    if self._on_disconnected is not None:
                        await self._on_disconnected()
                delay = self._backoff.next_delay(self._rng)
                log.info("ARI: reconnecting in %.1f s", delay)
                await asyncio.sleep(delay)

    async def _session_once(self, tasks: asyncio.TaskGroup) -> None:
        assert self._session is not None
        async with self._session.ws_connect(
            self._settings.events_url, headers=self._settings.auth_header(),
            heartbeat=self._heartbeat, timeout=aiohttp.ClientWSTimeout(ws_close=5.0),
        ) as ws:
            self.connects += 1
            self._backoff.reset()
            log.info("ARI: connected as app %r (connection %d)", self._settings.app,
                     self.connects)
            if self._on_connected is not None:
                await self._on_connected(self.rest)  # resync before events are acted on
            # REST requests share the socket once Asterisk has answered one over it (the
            # reader below routes the answers); until then, and on an Asterisk too old
            # for it, they go over HTTP.
            websocket = WsRest(ws.send_str) if self._rest_over_ws else None
            if websocket is not None:
                tasks.create_task(self._probe(websocket), name="ari-rest-probe")
            self.connected.set()
            try:
                async for message in ws:
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        break
                    self._dispatch(message.data, tasks, websocket)
            finally:
                self.rest.websocket = None
                if websocket is not None:
                    websocket.close()
            log.warning("ARI: websocket closed (%s)", ws.close_code or ws.exception())

    async def _probe(self, websocket: WsRest) -> None:
        try:
            status, _ = await asyncio.wait_for(
                websocket.request("GET", "/asterisk/ping", {}), self._probe_timeout)
        except (WsClosedError, TimeoutError):
            status = 0
        if status == 200 and not websocket.closed:
            self.rest.websocket = websocket
            log.info("ARI: REST requests go over the websocket")
        elif not websocket.closed:
            log.info("ARI: REST requests go over HTTP (no answer over the websocket)")

    def _dispatch(self, raw: str, tasks: asyncio.TaskGroup, websocket: WsRest | None) -> None:
        try:
            data = json.loads(raw)
            if websocket is not None and isinstance(data, dict) \
                    and data.get("type") == "RESTResponse":
                websocket.resolve(data)
                return
            event = parse(data)
        except (ValueError, EventError) as exc:
            log.error("ARI: ignoring malformed event: %s", exc)
            return
        key = channel_id(event) or "-"
        queue = self._queues.get(key)
        if queue is None:
            queue = asyncio.Queue()
            self._queues[key] = queue
            tasks.create_task(self._drain(key, queue), name=f"ari-events-{key}")
        queue.put_nowait(event)

    async def _drain(self, key: str, queue: asyncio.Queue[Event]) -> None:
        """Handle one channel's events in order; end when its queue runs dry."""
        while not queue.empty():
            event = queue.get_nowait()
            try:
                await self._handler(event)
            except Exception:
                self.handler_errors += 1
                log.exception("ARI: handler failed on %s for channel %s",
                              type(event).__name__, key)
        del self._queues[key]
