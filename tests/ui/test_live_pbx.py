"""The web UI next to a real Asterisk 22 and ``ccctl run``, in real headless Chromium:
the wallboard shows a new caller within a second, and a supervisor moves a waiting
caller from the browser with its place (original entry time) kept."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ccctl.testing import sipp
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import FAST_NUMBER, Pbx
from tests.ui.browser import assert_accessible, log_in, new_page, screenshot
from tests.ui.harness import PASSWORDS, add_users

pytestmark = pytest.mark.pbx


def _tasks(daemon: DaemonProcess, queue_id: str) -> list[dict[str, Any]]:
    queues = daemon.request("GET", "/api/queues")[1]["queues"]
    tasks: list[dict[str, Any]] = next(q for q in queues if q["id"] == queue_id)["tasks"]
    return tasks


# Notes (in the page's clock, the same machine's) when the tile first shows a caller.
_WATCH = """() => {
  const cell = document.querySelector('.tile[data-queue="e2e-fast"] [data-field="waiting"]');
  new MutationObserver(() => {
    if (cell.textContent !== "0" && !window.shownAt) window.shownAt = Date.now() / 1000;
  }).observe(cell, {childList: true, characterData: true, subtree: true});
}"""


def test_given_the_wallboard_when_a_caller_arrives_then_it_shows_within_a_second(
        pbx: Pbx, chromium: Any) -> None:
    add_users(pbx.workdir / "state" / "users.json")
    with running_daemon(pbx) as daemon:
        page = new_page(chromium, f"http://127.0.0.1:{daemon.port}")
        log_in(page, "anna", PASSWORDS["anna"])
        page.goto("/wallboard")
        waiting = page.locator('.tile[data-queue="e2e-fast"] [data-field="waiting"]')
        assert waiting.inner_text() == "0"
        page.wait_for_timeout(500)  # the live feed's first snapshot is in
        page.evaluate(_WATCH)
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=4.0))
        deadline = time.monotonic() + 10
        while not _tasks(daemon, "e2e-fast"):  # the moment the daemon has the caller
            assert time.monotonic() < deadline, "the caller never reached the queue"
            time.sleep(0.01)
        queued_at = time.time()
        page.wait_for_function("() => window.shownAt", timeout=3000)
        shown_at = page.evaluate("window.shownAt")
        assert waiting.inner_text() == "1"
        assert shown_at - queued_at < 1.0
        assert_accessible(page)
        screenshot(page, "wallboard-live")
        page.context.close()
        caller.wait()


def test_given_a_waiting_caller_when_a_supervisor_moves_it_in_the_browser_then_its_place_is_kept(
        pbx: Pbx, chromium: Any) -> None:
    add_users(pbx.workdir / "state" / "users.json")
    with running_daemon(pbx) as daemon:
        page = new_page(chromium, f"http://127.0.0.1:{daemon.port}")
        log_in(page, "anna", PASSWORDS["anna"])
        page.wait_for_url("**/supervisor")
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=8.0))
        row = page.locator("#queue-e2e-fast tbody tr")
        row.wait_for(timeout=10000)
        time.sleep(1.5)
        [before] = _tasks(daemon, "e2e-fast")
        row.locator("select.move-to").select_option("vaxel")
        row.locator("button.move").click()
        page.locator(f'#queue-vaxel tr[data-task="{before["id"]}"]').wait_for()
        [moved] = _tasks(daemon, "vaxel")
        assert moved["id"] == before["id"]
        assert moved["waited_s"] >= before["waited_s"] >= 1.5  # not reset by the move
        assert page.locator("#queue-e2e-fast tbody tr").count() == 0
        screenshot(page, "supervisor-live")
        page.context.close()
        caller.wait()


def test_given_an_agent_desktop_when_a_call_comes_then_it_shows_and_hold_and_hang_up_work(
        pbx: Pbx, chromium: Any) -> None:
    add_users(pbx.workdir / "state" / "users.json")
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        page = new_page(chromium, f"http://127.0.0.1:{daemon.port}", phone=True)
        log_in(page, "fredrik", PASSWORDS["fredrik"])
        page.wait_for_url("**/agent")
        page.click("#btn-login")
        page.locator('#my-state[data-state="available"]').wait_for()
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=14.0))
        page.locator('#my-state[data-state="busy"]').wait_for(timeout=15000)
        call = page.locator("#call dl.call")
        call.wait_for()
        assert "e2e-fast" in call.inner_text()
        assert_accessible(page)
        screenshot(page, "agent-in-call")
        task = daemon.request("GET", "/api/agents/fredrik")[1]["task"]

        page.click("#btn-hold")
        page.locator("#personal-count", has_text="1").wait_for()
        # e2e-fast has 2 s of wrap-up; then the held call is offered back to fredrik.
        page.locator('#my-state[data-state="busy"]').wait_for(timeout=15000)
        assert daemon.request("GET", "/api/agents/fredrik")[1]["task"] == task

        page.click("#btn-hangup")
        page.locator('#my-state[data-state="wrap_up"]').wait_for()
        page.locator("#call-actions").wait_for(state="hidden")  # the call is over
        page.context.close()
        caller.wait()
