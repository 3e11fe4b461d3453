"""The browser softphone against a real Asterisk 22, in real headless Chromium.

A WebRTC agent of the example registers the bundled softphone (JsSIP over
Asterisk's websocket), a SIPp caller reaches the agent's queue, the page
answers, and audio flows both ways: SIPp echoes the browser's (fake
microphone) RTP, so the browser receiving packets proves the path browser →
Asterisk → caller → Asterisk → browser. Asterisk's own channel statistics
must agree. The same holds for the agent desktop's panel (mount.js) and for a
call the daemon offers to a logged-in agent.

Needs what `make test` installs: the bundle (`make softphone`), Chromium
(Debian package `chromium`) and Playwright for Python (driving that Chromium;
never `playwright install`).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, sync_playwright

from ccctl.testing import sipp
from tests.e2e.daemon import running_daemon
from tests.e2e.pbx import DIRECT_NUMBER, Pbx
from tests.ui import browser as ui_browser
from tests.ui.browser import REPO, SCREENSHOTS, serving

pytestmark = pytest.mark.pbx

BUNDLE = REPO / "ccctl" / "web" / "static" / "softphone"
AGENT = "elin"  # a WebRTC agent of the example, penalty 0 in queue vaxel
CALLER = "+46846500477"  # PTS's fiction range

# The UI tests' headless Chromium (loopback only), which may also use a fake
# microphone without asking and talk WebRTC to 127.0.0.1 (see the shared PBX notes).
WEBRTC_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]

PAGE = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>ccctl softphone test</title>
<style>body{font-family:sans-serif;margin:2em} #state{font-weight:bold}</style></head>
<body>
<h1>Softphone</h1>
<div id="softphone">
  <p>Status: <span id="state">disconnected</span></p>
  <p>Uppringare: <span id="caller">–</span></p>
  <p id="message"></p>
  <button id="answer" type="button">Svara</button>
  <button id="hangup" type="button">Lägg på</button>
  <pre id="stats"></pre>
  <audio id="remote" autoplay></audio>
</div>
<script src="/softphone.js"></script>
<script>
  window.events = [];
  window.startPhone = (options) => {
    const phone = CcctlSoftphone.createSoftphone({
      ...options,
      audioElement: document.getElementById('remote'),
      onState: (state, detail) => {
        document.getElementById('state').textContent = state;
        if (detail.message) document.getElementById('message').textContent = detail.message;
      },
    });
    for (const name of ['incoming', 'established', 'ended', 'registrationFailed']) {
      phone.on(name, (detail) => {
        window.events.push({name, detail});
        if (detail.caller) document.getElementById('caller').textContent = detail.caller.number;
      });
    }
    document.getElementById('answer').onclick = () => phone.answer();
    document.getElementById('hangup').onclick = () => phone.hangup();
    window.phone = phone;
    phone.register();
  };
  window.showStats = async () => {
    const stats = await window.phone.audioStats();
    document.getElementById('stats').textContent = JSON.stringify(stats, null, 1);
    return stats;
  };
</script>
</body>
</html>
"""


# The agent desktop's panel as agent.js mounts it (mount.js, an ES module).
PANEL = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>ccctl softphone panel test</title></head>
<body><main><h1>Mjuktelefon</h1><div id="softphone"></div></main>
<script type="module">
  import { mount } from '/mount.js';
  window.events = [];
  const phone = await mount(document.getElementById('softphone'), { agent: 'AGENT', csrf: '' });
  for (const name of ['incoming', 'established', 'ended', 'registrationFailed']) {
    phone.on(name, (detail) => window.events.push({name, detail}));
  }
  window.phone = phone;
</script>
</body>
</html>
"""


@pytest.fixture
def page_url(pbx: Pbx) -> Iterator[str]:
    """The bundle, a small test page (/) and the desktop's panel (/panel), on loopback; the
    panel gets the agent's settings as the daemon would give them."""
    if not (BUNDLE / "softphone.js").exists() or not (BUNDLE / "mount.js").exists():
        pytest.fail("the softphone bundle is missing: run 'make softphone'")
    rendered = pbx.rendered()

    async def index(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def panel(_: web.Request) -> web.Response:
        return web.Response(text=PANEL.replace("AGENT", AGENT), content_type="text/html")

    async def settings(_: web.Request) -> web.Response:
        return web.json_response({
            "ws_url": f"ws://127.0.0.1:{rendered.config.pbx.http.port}/ws",
            "sip_uri": f"sip:{AGENT}@127.0.0.1", "display_name": "Elin Låtsasdotter",
            "password": rendered.secrets.agent(AGENT)})

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/panel", panel)
    app.router.add_get(f"/api/agents/{AGENT}/softphone", settings)
    app.router.add_static("/", BUNDLE)
    with serving(app) as url:
        yield url + "/"


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Function-scoped: Playwright's sync API must not outlive the test (see conftest.py)."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=ui_browser.CHROMIUM,
                                              args=ui_browser.CHROMIUM_ARGS + WEBRTC_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _channel_packets(channelstats: str, endpoint: str) -> tuple[int, int]:
    """(received, sent) RTP packets of ``endpoint``'s channel in `pjsip show channelstats`."""
    for line in channelstats.splitlines():
        fields = line.split()
        if any(field.startswith(f"{endpoint}-") for field in fields) and len(fields) >= 9:
            # The last nine columns: received count, lost, %, jitter; sent the same; RTT.
            return int(fields[-9]), int(fields[-5])
    return 0, 0


def _audio_flowing(page: Page, timeout: float = 8.0) -> dict[str, Any]:
    """The softphone's audio counters once packets flow both ways (or at the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        stats: dict[str, Any] = page.evaluate(
            "window.showStats ? window.showStats() : window.phone.audioStats()")
        flowing = stats["inbound"]["packetsReceived"] > 50 and stats["outbound"]["packetsSent"] > 50
        if flowing or time.monotonic() > deadline:
            return stats
        time.sleep(0.2)


@pytest.fixture
def softphone(pbx: Pbx, page_url: str, browser: Browser) -> Iterator[Page]:
    """A page whose softphone is registered as ``AGENT`` (the password from the secrets file)."""
    rendered = pbx.rendered()
    page = browser.new_page()
    page.goto(page_url)
    page.evaluate("options => window.startPhone(options)", {
        "wsUrl": f"ws://127.0.0.1:{rendered.config.pbx.http.port}/ws",
        "sipUri": f"sip:{AGENT}@127.0.0.1",
        "password": rendered.secrets.agent(AGENT),
        "displayName": "Elin Låtsasdotter",
    })
    page.wait_for_function("window.phone.state === 'registered'", timeout=10_000)
    pbx.wait_for(lambda: "Not in use" in pbx.box.rx(f"pjsip show endpoint {AGENT}"),
                 f"endpoint {AGENT} registered")
    try:
        yield page
    finally:
        page.close()


@dataclasses.dataclass
class Answered:
    caller: sipp.SippResult
    stats: dict[str, Any]  # the softphone's audioStats() while talking
    channelstats: str  # `pjsip show channelstats` while talking
    events: list[dict[str, Any]]  # the softphone's events, in order


def _answer_in_browser(pbx: Pbx, page: Page, screenshot: str,
                       answer: str = "#answer") -> Answered:
    """Call the direct queue number (SIPp echoing RTP), answer on the page, measure, let the
    caller hang up after 8 s."""
    call = dataclasses.replace(pbx.call(DIRECT_NUMBER, seconds=8.0), caller=CALLER,
                               rtp_echo=True)
    running = sipp.Running(call)
    try:
        page.wait_for_function("window.phone.state === 'ringing'", timeout=15_000)
        page.click(answer)
        page.wait_for_function("window.phone.state === 'in-call'", timeout=10_000)
        stats = _audio_flowing(page)
        channelstats = pbx.box.rx("pjsip show channelstats")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / screenshot))
        page.wait_for_function("window.phone.state === 'registered'", timeout=15_000)
    finally:
        result = running.wait()
    # The evidence next to the screenshot: what the browser and Asterisk counted.
    (SCREENSHOTS / screenshot).with_suffix(".audio.json").write_text(json.dumps(
        {"browser": stats, "asterisk_channelstats": channelstats.splitlines()}, indent=1))
    return Answered(result, stats, channelstats, page.evaluate("window.events"))


def _assert_audio_both_ways(answered: Answered) -> None:
    assert answered.caller.ok, answered.caller.errors
    names = [event["name"] for event in answered.events]
    assert names == ["incoming", "established", "ended"], answered.events
    assert answered.events[0]["detail"]["caller"]["number"].endswith("46500477")
    # The browser sent its (fake) microphone and heard it back through Asterisk and SIPp.
    stats = answered.stats
    assert stats["outbound"]["packetsSent"] > 50, stats
    assert stats["inbound"]["packetsReceived"] > 50, stats
    # Asterisk saw the same media on the agent's channel, both directions.
    received, sent = _channel_packets(answered.channelstats, AGENT)
    assert received > 50 and sent > 50, answered.channelstats


def test_given_the_daemon_is_down_when_a_caller_reaches_the_queue_then_the_browser_softphone_answers_with_audio_both_ways(  # noqa: E501
    pbx: Pbx, softphone: Page,
) -> None:
    answered = _answer_in_browser(pbx, softphone, "softphone-in-call.png")

    _assert_audio_both_ways(answered)
    assert pbx.box.log_lines("ERROR") == []


def test_given_a_logged_in_webrtc_agent_when_a_caller_dials_then_ccctl_connects_them_in_the_browser_with_audio(  # noqa: E501
    pbx: Pbx, softphone: Page,
) -> None:
    with running_daemon(pbx) as daemon:
        assert daemon.request("POST", f"/api/agents/{AGENT}/login")[0] == 200

        answered = _answer_in_browser(pbx, softphone, "softphone-in-call-daemon.png")

        assert f"connected to agent {AGENT}" in daemon.log()
    _assert_audio_both_ways(answered)
    assert "falls back to app_queue" not in "\n".join(pbx.box.log_lines("NOTICE"))


def test_given_a_wrong_password_when_the_softphone_registers_then_it_says_so_in_swedish(
    pbx: Pbx, page_url: str, browser: Browser,
) -> None:
    page = browser.new_page()
    page.goto(page_url)
    page.evaluate("options => window.startPhone(options)", {
        "wsUrl": f"ws://127.0.0.1:{pbx.rendered().config.pbx.http.port}/ws",
        "sipUri": f"sip:{AGENT}@127.0.0.1",
        "password": "not-the-password",
    })
    page.wait_for_function("window.phone.state === 'registration-failed'", timeout=10_000)
    failure = page.evaluate("window.events.find(e => e.name === 'registrationFailed').detail")
    shown = page.inner_text("#message")
    page.close()

    assert failure["cause"] == "Authentication Error", failure
    assert shown == "Fel användarnamn eller lösenord för telefonen."
    assert failure["messages"]["en"] == "Wrong user name or password for the phone."


def test_given_the_agent_desktop_panel_when_a_call_rings_then_its_answer_button_connects_it(
    pbx: Pbx, page_url: str, browser: Browser,
) -> None:
    page = browser.new_page()
    page.goto(page_url + "panel")
    page.wait_for_function("window.phone && window.phone.state === 'registered'",
                           timeout=10_000)
    assert page.inner_text("#softphone [role=status]") == "Redo för samtal"
    assert page.is_disabled("#softphone .softphone-answer")

    answered = _answer_in_browser(pbx, page, "softphone-panel-in-call.png",
                                  answer="#softphone .softphone-answer")
    page.close()

    _assert_audio_both_ways(answered)
