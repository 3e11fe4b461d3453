"""Real headless Chromium for the web UI tests: the Debian ``chromium`` driven by
Playwright for Python (never ``playwright install``), axe-core from the
``axe-playwright-python`` package, screenshots under ``test-artifacts/screenshots/``.

Also :func:`serving`: an aiohttp app on a free loopback port in a thread of its own,
because Playwright's sync API and the app cannot share one event loop.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from aiohttp import web

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PHONE = {"width": 390, "height": 844}


def launch() -> Iterator[Any]:
    """One browser per test module (see tests/ui/conftest.py for why not per session)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium: 'make deps' installs the Debian package chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, base_url: str, *, phone: bool = False) -> Any:
    # bypass_csp: the pages forbid inline scripts, and axe-core is injected as one.
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="sv-SE",
                                  viewport=PHONE if phone else {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    return page


def log_in(page: Any, user: str, password: str) -> None:
    page.goto("/login")
    page.fill("#user", user)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA, best practices)."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """``app`` on http://127.0.0.1:PORT in a thread with its own loop; yields the URL."""
    loop = asyncio.new_event_loop()
    started: list[str] = []
    ready, stop = threading.Event(), asyncio.Event()

    async def main() -> None:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        started.append(f"http://127.0.0.1:{port}")
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "the test server did not start"
    try:
        yield started[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
