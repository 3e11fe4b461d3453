"""The web UI's pages in real headless Chromium, over the real app and a stand-in call
flow (no Asterisk): log-in, roles, live content, accessibility (axe-core, zero
violations), and a screenshot of each page in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccctl.acd import events as ev
from ccctl.web.auth import FailureLimiter
from tests.ui.browser import assert_accessible, log_in, new_page, screenshot, serving
from tests.ui.harness import PASSWORDS, ui_api
from tests.web.harness import Api


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return ui_api(tmp_path, FailureLimiter(max_failures=3))


@pytest.fixture
def site(api: Api) -> Iterator[str]:
    with serving(api.app) as url:
        yield url


def test_given_a_wrong_password_then_the_form_says_so_and_then_rate_limits(
        chromium: Any, site: str) -> None:
    page = new_page(chromium, site)
    log_in(page, "anna", "inte-rätt-lösen")
    assert page.locator("#login-error").inner_text() == "Fel användarnamn eller lösenord."
    assert_accessible(page)
    screenshot(page, "login-refused")
    log_in(page, "anna", "inte-rätt-igen")
    log_in(page, "anna", "och-en-tredje")
    log_in(page, "anna", PASSWORDS["anna"])
    assert "För många misslyckade försök" in page.locator("#login-error").inner_text()
    page.context.close()


def test_given_the_login_page_in_english_then_it_is_accessible(chromium: Any,
                                                               site: str) -> None:
    page = new_page(chromium, site)
    page.goto("/login?lang=en")
    assert page.locator("h1").inner_text() == "Log in"
    assert page.get_attribute("html", "lang") == "en"
    assert_accessible(page)
    screenshot(page, "login")
    page.context.close()


def test_given_a_supervisor_then_the_supervisor_view_shows_callers_and_agents(
        chromium: Any, site: str) -> None:
    page = new_page(chromium, site)
    log_in(page, "anna", PASSWORDS["anna"])
    page.wait_for_url("**/supervisor")
    row = page.locator('#queue-vaxel tr[data-task="t2"]')
    row.wait_for()
    assert row.locator("td").first.inner_text() == "1"
    page.locator('#agents tr[data-agent="fredrik"]').wait_for()
    assert_accessible(page)
    screenshot(page, "supervisor")
    page.goto("/agent")
    assert page.locator("[role=alert]").inner_text().startswith("Den här sidan kräver")
    assert_accessible(page)
    screenshot(page, "forbidden")
    page.context.close()


def test_given_a_supervisor_when_prioritising_a_caller_then_the_api_is_called_with_csrf(
        chromium: Any, site: str) -> None:
    page = new_page(chromium, site)
    log_in(page, "anna", PASSWORDS["anna"])
    page.locator('#queue-vaxel tr[data-task="t2"] button.prioritise').click()
    page.wait_for_function(
        "document.getElementById('action-status').textContent === 'Klart.'")
    page.context.close()


def test_given_the_wallboard_then_tiles_show_each_queue_live(chromium: Any,
                                                             site: str) -> None:
    page = new_page(chromium, site)
    log_in(page, "anna", PASSWORDS["anna"])
    page.goto("/wallboard")
    tile = page.locator('.tile[data-queue="vaxel"]')
    assert tile.locator('[data-field="waiting"]').inner_text() == "1"
    assert page.locator(".tile").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "wallboard")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "wallboard-phone")
    page.context.close()


def test_given_an_agent_on_a_phone_sized_screen_then_the_desktop_shows_the_call(
        chromium: Any, site: str) -> None:
    page = new_page(chromium, site, phone=True)
    log_in(page, "fredrik", PASSWORDS["fredrik"])
    page.wait_for_url("**/agent")
    page.locator("#call dl.call").wait_for()  # fredrik serves t1 in the stand-in router
    assert page.locator("#my-state").get_attribute("data-state") == "busy"
    assert page.locator("#softphone").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "agent-phone")
    page.goto("/supervisor")
    assert page.locator("[role=alert]").count() == 1
    page.context.close()


def test_given_an_agent_when_pausing_and_transferring_then_the_desktop_uses_the_api(
        chromium: Any, site: str, api: Api) -> None:
    page = new_page(chromium, site)
    log_in(page, "fredrik", PASSWORDS["fredrik"])
    page.fill("#pause-reason", "möte")
    page.click("#pause-form button[type=submit]")
    page.wait_for_function("document.getElementById('action-status').textContent === 'Klart.'")
    assert ev.AgentPause(agent_id="fredrik", reason="möte") in api.flow.fed
    page.locator("#call dl.call").wait_for()
    page.fill("#transfer-search", "social")
    result = page.locator("#transfer-results button").first
    assert "Socialjouren" in result.inner_text()
    assert_accessible(page)
    screenshot(page, "agent-transfer-search")
    page.context.close()
