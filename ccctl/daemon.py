"""``ccctl run``: the one place that builds everything, and one task group that owns
every task.

Start-up: load the config → open the store → rebuild the routing core from the
last snapshot plus the journal → connect to ARI (reconnecting forever) → serve
caller identification (FastAGI) and the REST API on loopback → tick the core's
timers, and poll the voicemail spool (ccctl.voicemail). While ARI is down, the
generated dialplan sends callers to app_queue, so they still reach someone.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from ccctl.acd import events as ev
from ccctl.acd.router import Router
from ccctl.ari.connection import AriConnection
from ccctl.ari.rest import AriRest, AriSettings
from ccctl.config.models import ContactCenter
from ccctl.dialplan import Secrets
from ccctl.hours.calendar import next_open
from ccctl.ident.agi import serve as serve_identification
from ccctl.sms.factory import load_sms_secrets, open_sms
from ccctl.sms.ledger import SqliteLedger
from ccctl.sms.sender import SmsSender
from ccctl.store import Store, open_store
from ccctl.voice import setup
from ccctl.voice.announce import Announcer
from ccctl.voice.callback import Callbacks
from ccctl.voice.flow import VoiceFlow
from ccctl.voice.journal import Journal, replay
from ccctl.voice.notify import CallbackSms
from ccctl.voice.phone import PhoneCommands
from ccctl.voice.presence import Presence
from ccctl.voice.resync import reconcile
from ccctl.voice.transfer import Transfers
from ccctl.voicemail.setup import VoicemailDesk, build_voicemail
from ccctl.watchdog import LoopWatchdog
from ccctl.web.api import Services, build_app
from ccctl.web.api_callback import CallbackServices
from ccctl.web.api_softphone import SoftphoneServices
from ccctl.web.api_transfer import TransferServices
from ccctl.web.metrics import Process
from ccctl.web.tokens import TokenBook
from ccctl.web.ui.app import build_ui

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaemonOptions:
    store_url: str
    config_dir: Path  # relative paths in the config (directories) are relative to it
    tokens_path: Path  # the REST API's tokens (ccctl.web.tokens), re-read when replaced
    http_host: str = "127.0.0.1"
    http_port: int = 8800
    tick_s: float = 1.0
    secrets_path: Path | None = None  # for the "sms" credentials; its directory holds state
    users_path: Path | None = None  # web UI users (ccctl.web.ui.users); None: next to tokens
    voicemail_spool: Path | None = None  # over pbx.voicemail_spool (make run: the sandbox's)


def ari_settings(cc: ContactCenter, secrets: Secrets) -> AriSettings:
    http = cc.pbx.http
    host = "127.0.0.1" if http.bind in ("0.0.0.0", "") else http.bind
    return AriSettings(host, http.port, "ccctl", secrets.ari_password, cc.pbx.stasis_app)


class Daemon:
    def __init__(self, cc: ContactCenter, secrets: Secrets, options: DaemonOptions,
                 clock: Callable[[], float] = time.time) -> None:
        self.cc, self.secrets, self.options, self.clock = cc, secrets, options, clock
        self.stopping = asyncio.Event()
        self.watchdog = LoopWatchdog()
        self.router: Router
        self.flow: VoiceFlow
        self.ari: AriConnection
        self.transfers: Transfers
        self.presence: Presence
        self.callbacks: Callbacks
        self.voicemail: VoicemailDesk | None = None

    async def run(self) -> None:
        store = await open_store(self.options.store_url)
        try:
            await self._run(store)
        finally:
            await store.close()

    async def _run(self, store: Store) -> None:
        self.router = replay(await store.recover(), Router(setup.router_config(self.cc)))
        # The restored state is long-lived: keep full collections from walking it
        # (measured in bench/acd_route.py: the p99 without this is several times worse).
        gc.freeze()
        journal = Journal(store)
        async with asyncio.TaskGroup() as tasks, contextlib.AsyncExitStack() as resources:
            def spawn(coro: Coroutine[Any, Any, None]) -> None:
                tasks.create_task(coro)

            announcer = Announcer(self.router, lambda: self.ari.rest,
                                  {q.id: q.announcements for q in self.cc.queues}, self.clock,
                                  self.cc.site.default_language, callback_queues=frozenset(
                                      q.id for q in self.cc.queues if q.callback))
            self.flow = VoiceFlow(self.router, journal, lambda: self.ari.rest, self.clock,
                                  spawn, announcer=announcer)
            self.transfers = Transfers(self.flow, self.cc.outbound)
            self.presence = Presence(self.flow, {agent.id for agent in self.cc.agents})
            PhoneCommands(self.flow, setup.agent_profiles(self.cc))
            sms = await resources.enter_async_context(self._sms())
            self.callbacks = Callbacks(
                self.flow, {q.id: q.callback for q in self.cc.queues if q.callback},
                self.cc.outbound, open_at=self._open_at,
                unreachable=CallbackSms(self.cc, sms).unreachable if sms else None)
            self.voicemail = build_voicemail(self.cc, store, config_dir=self.options.config_dir,
                                             secrets_path=self.options.secrets_path, sms=sms,
                                             spool=self.options.voicemail_spool)
            for queue in setup.queue_configs(self.cc):
                await self.flow.feed(ev.ConfigureQueue(queue=queue))
            async with AriConnection(ari_settings(self.cc, self.secrets), self.flow.on_ari,
                                     on_connected=self._resync) as self.ari, \
                    serve_identification(self.cc, config_dir=self.options.config_dir):
                runner = await self._serve_http()
                try:
                    ticker = tasks.create_task(self._tick(journal))
                    watchdog = tasks.create_task(self.watchdog.run())
                    announcing = tasks.create_task(announcer.run())
                    owned = [ticker, watchdog, announcing]
                    if self.voicemail is not None:
                        owned.append(tasks.create_task(self.voicemail.watcher.run()))
                    await self.stopping.wait()
                    for task in owned:
                        task.cancel()
                finally:
                    await runner.cleanup()
            await store.save_snapshot(journal.last_seq, self.router.snapshot())

    @contextlib.asynccontextmanager
    async def _sms(self) -> AsyncIterator[SmsSender | None]:
        """The SMS sender, when the configuration has an ``sms:`` section."""
        if self.cc.sms is None or self.options.secrets_path is None:
            yield None
            return
        ledger = SqliteLedger(self.options.secrets_path.parent / "sms-ledger.db")
        try:
            async with open_sms(self.cc.sms, load_sms_secrets(self.options.secrets_path),
                                ledger) as sender:
                yield sender
        finally:
            ledger.close()

    def _open_at(self, schedule_id: str, now: float) -> float:
        """``now`` if the schedule is open, else its next opening (callbacks wait for it)."""
        schedule = next((s for s in self.cc.hours if s.id == schedule_id), None)
        if schedule is None:
            return now
        at = dt.datetime.fromtimestamp(now, dt.UTC)
        opening = next_open(schedule, at, self.cc.site.timezone)
        return now if opening is None else max(now, opening.timestamp())

    async def _serve_http(self) -> web.AppRunner:
        transfers = TransferServices(self.transfers, {e.id: e for e in self.cc.directory},
                                     {a.id: a.name for a in self.cc.agents})
        callbacks = CallbackServices(self.flow, self.callbacks.policies, self.cc.outbound,
                                     self._open_at, tuple(self.cc.site.languages))
        app = build_app(Services(self.flow, self.router, setup.agent_profiles(self.cc),
                                 self.clock, self._health, self._process, transfers,
                                 callbacks, self.voicemail.service if self.voicemail else None,
                                 SoftphoneServices(self.cc, self.secrets)),
                        TokenBook(self.options.tokens_path),
                        ui=build_ui(self.cc, self.router, self.clock, self.options.users_path
                                    or self.options.tokens_path.with_name("users.json")))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.options.http_host, self.options.http_port)
        await site.start()
        log.info("REST API and web UI on http://%s:%d", self.options.http_host,
                 self.options.http_port)
        return runner

    def _process(self) -> Process:
        return Process(self.watchdog.last_lag_s, self.watchdog.max_lag_s,
                       self.ari.connected.is_set(), self.ari.connects, self.ari.handler_errors)

    def _health(self) -> dict[str, Any]:
        return {"ari": "connected" if self.ari.connected.is_set() else "disconnected",
                "ari_connects": self.ari.connects}

    async def _tick(self, journal: Journal) -> None:
        """Let the core's timers (widening, escalation, sticky) fire on time."""
        while True:
            due = self.router.next_wakeup()
            delay = self.options.tick_s if due is None else max(
                0.0, min(self.options.tick_s, due - self.clock()))
            await asyncio.sleep(delay)
            await self.flow.feed(ev.Tick())
            await journal.maybe_snapshot(self.router)

    async def _resync(self, rest: AriRest) -> None:
        """After every (re)connect, the core and Asterisk agree again (see voice.resync):
        outside calls first (so they are not taken for new callers), then the queues,
        then which agents' phones are reachable. Asterisk sends only the event types
        ccctl handles (the flow's table): every other event would be serialised, sent
        and parsed for nothing, several per call."""
        await rest.filter_events(sorted(cls.__name__ for cls in self.flow.ari_handlers))
        await self.transfers.readopt(await rest.bridges())
        await reconcile(self.flow, rest, self.cc.pbx.stasis_app)
        await self.presence.resync(rest, self.cc.pbx.stasis_app)


def run(cc: ContactCenter, secrets: Secrets, options: DaemonOptions) -> int:
    daemon = Daemon(cc, secrets, options)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, daemon.stopping.set)
        await daemon.run()

    asyncio.run(main())
    return 0


def default_store_url(state_dir: Path) -> str:
    return f"sqlite:///{state_dir / 'ccctl.db'}"
