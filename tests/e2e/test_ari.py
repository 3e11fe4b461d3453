"""The ARI connection against a real Asterisk: typed events, reconnects, dead-peer pings."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest

from ccctl.ari.connection import AriConnection, Backoff
from ccctl.ari.events import Event, StasisEnd, StasisStart
from ccctl.ari.rest import AriRest, AriSettings
from ccctl.testing import sipp
from tests.e2e.pbx import DIRECT_NUMBER, Pbx

pytestmark = pytest.mark.pbx


def _settings(pbx: Pbx) -> AriSettings:
    cc = pbx.rendered().config
    password = json.loads(pbx.secrets.read_text())["ari"]
    return AriSettings("127.0.0.1", cc.pbx.http.port, "ccctl", password, cc.pbx.stasis_app)


def test_given_the_app_is_connected_when_a_caller_dials_then_stasis_start_names_the_queue(
    pbx: Pbx,
) -> None:
    seen: list[Event] = []

    async def scenario() -> sipp.SippResult:
        async def handler(event: Event) -> None:
            seen.append(event)
            if isinstance(event, StasisStart):
                await ari.rest.hangup(event.channel.id)

        async with AriConnection(_settings(pbx), handler) as ari:
            await ari.wait_connected(10)
            call = pbx.call(DIRECT_NUMBER, seconds=5)
            return await asyncio.to_thread(
                sipp.run, sipp.Call(**{**call.__dict__, "scenario": "caller_answered.xml"}))

    result = asyncio.run(scenario())

    starts = [e for e in seen if isinstance(e, StasisStart)]
    assert len(starts) == 1
    assert starts[0].args[:2] == ("queue", "vaxel")
    assert starts[0].channel.language == "sv"  # the site's default language
    assert any(isinstance(e, StasisEnd) for e in seen), [type(e).__name__ for e in seen]
    assert result.ok and result.pbx_hung_up, result.errors


def test_given_asterisk_restarts_then_the_connection_returns_and_resyncs(pbx: Pbx) -> None:
    resyncs: list[int] = []

    async def scenario() -> AriConnection:
        async def on_connected(rest: AriRest) -> None:
            resyncs.append(len(await rest.channels()))

        async def ignore(event: Event) -> None:
            return None

        async with AriConnection(_settings(pbx), ignore, on_connected=on_connected,
                                 backoff=Backoff(base=0.2, cap=1.0)) as ari:
            await ari.wait_connected(10)
            await asyncio.to_thread(pbx.box.stop)
            await asyncio.sleep(0.5)
            assert not ari.connected.is_set()
            await asyncio.to_thread(pbx.box.start, pbx.rendered().config.pbx)
            await ari.wait_connected(15)
            return ari

    ari = asyncio.run(scenario())

    assert ari.connects == 2
    assert resyncs == [0, 0]  # listed channels after each connect


def test_given_asterisk_freezes_then_the_pings_notice_and_it_reconnects_after(pbx: Pbx) -> None:
    drops: list[str] = []
    pid = pbx.box.pid()
    assert pid is not None

    async def scenario() -> AriConnection:
        async def on_disconnected() -> None:
            drops.append("down")

        async def ignore(event: Event) -> None:
            return None

        async with AriConnection(_settings(pbx), ignore, on_disconnected=on_disconnected,
                                 heartbeat=1.0, backoff=Backoff(base=0.2, cap=1.0)) as ari:
            await ari.wait_connected(10)
            os.kill(pid, signal.SIGSTOP)
            try:
                # A frozen peer keeps the TCP connection open; only pings find out.
                for _ in range(100):
                    if drops:
                        break
                    await asyncio.sleep(0.1)
            finally:
                os.kill(pid, signal.SIGCONT)
            await ari.wait_connected(15)
            return ari

    ari = asyncio.run(scenario())

    assert drops == ["down"]
    assert ari.connects == 2
