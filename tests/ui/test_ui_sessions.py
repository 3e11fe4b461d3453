"""Web UI log-in, sessions, CSRF and roles over the real app (no browser, no Asterisk)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient

from ccctl.web.auth import FailureLimiter
from ccctl.web.tokens import Role
from ccctl.web.ui.sessions import SessionTable
from tests.ui.harness import PASSWORDS, ui_api
from tests.web.harness import bearer, with_client

Client = TestClient[Any, Any]


async def _login(client: Client, user: str, password: str | None = None) -> tuple[int, str]:
    async with client.post("/login", data={"user": user, "password": password or
                                           PASSWORDS[user]}, allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Location", "")


async def _csrf(client: Client, page: str) -> str:
    async with client.get(page) as resp:
        found = re.search(r'name="csrf-token" content="([^"]+)"', await resp.text())
    assert found, f"{page} has no CSRF meta tag"
    return found.group(1)


def test_given_a_wrong_password_when_logging_in_then_it_is_refused_without_a_cookie(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        status, _ = await _login(client, "anna", "not-her-password")
        assert status == 401 and "ccctl_session" not in client.session.cookie_jar.filter_cookies(
            client.make_url("/"))
        status, _ = await _login(client, "nobody", "whatever-it-is")
        assert status == 401

    with_client(ui_api(tmp_path).app, scenario)


def test_given_the_right_password_then_an_httponly_strict_session_cookie_is_set(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        async with client.post("/login", data={"user": "anna", "password": PASSWORDS["anna"]},
                               allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/supervisor"
            cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert (await _login(client, "fredrik"))[1] == "/agent"

    with_client(ui_api(tmp_path).app, scenario)


def test_given_too_many_failed_log_ins_then_even_the_right_password_waits(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        for _ in range(3):
            assert (await _login(client, "anna", "guess-guess"))[0] == 401
        async with client.post("/login", data={"user": "anna", "password": PASSWORDS["anna"]},
                               allow_redirects=False) as resp:
            assert resp.status == 429 and int(resp.headers["Retry-After"]) > 0

    with_client(ui_api(tmp_path, FailureLimiter(max_failures=3)).app, scenario)


def test_given_a_session_then_api_routes_accept_it_with_the_users_role_and_agent(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        await _login(client, "fredrik")
        async with client.get("/api/agents/fredrik") as resp:
            assert resp.status == 200
        async with client.get("/api/agents/david") as resp:
            assert resp.status == 403
        async with client.get("/api/queues") as resp:
            assert resp.status == 403 and "user:fredrik" in (await resp.json())["error"]

    with_client(ui_api(tmp_path).app, scenario)


def test_given_a_session_when_posting_without_the_csrf_token_then_403_and_with_it_200(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        await _login(client, "anna")
        async with client.post("/api/tasks/t2/prioritise", json={"priority": 5}) as resp:
            assert resp.status == 403 and "X-CSRF-Token" in (await resp.json())["error"]
        csrf = await _csrf(client, "/supervisor")
        async with client.post("/api/tasks/t2/prioritise", json={"priority": 5},
                               headers={"X-CSRF-Token": "wrong"}) as resp:
            assert resp.status == 403
        async with client.post("/api/tasks/t2/prioritise", json={"priority": 5},
                               headers={"X-CSRF-Token": csrf}) as resp:
            assert resp.status == 200

    with_client(ui_api(tmp_path).app, scenario)


def test_given_the_ui_then_bearer_tokens_work_unchanged(tmp_path: Path) -> None:
    api = ui_api(tmp_path)

    async def scenario(client: Client) -> None:
        async with client.get("/api/queues", headers=bearer(api.token["supervisor"])) as resp:
            assert resp.status == 200
        async with client.post("/api/tasks/t2/prioritise", json={"priority": 5},
                               headers=bearer(api.token["supervisor"])) as resp:
            assert resp.status == 200  # no CSRF for a bearer token: no cookie, no forgery
        async with client.get("/api/queues") as resp:
            assert resp.status == 401

    with_client(api.app, scenario)


def test_given_each_role_then_each_page_answers_or_refuses(tmp_path: Path) -> None:
    expected = {"anna": {"/wallboard": 200, "/supervisor": 200, "/agent": 403},
                "ops": {"/wallboard": 200, "/supervisor": 200, "/agent": 403},
                "fredrik": {"/wallboard": 200, "/supervisor": 403, "/agent": 200}}

    async def scenario(client: Client) -> dict[str, dict[str, int]]:
        seen: dict[str, dict[str, int]] = {}
        for user, pages in expected.items():
            client.session.cookie_jar.clear()
            async with client.get("/supervisor", allow_redirects=False) as resp:
                assert resp.status == 302 and resp.headers["Location"].startswith("/login")
            await _login(client, user)
            seen[user] = {}
            for page in pages:
                async with client.get(page, allow_redirects=False) as resp:
                    seen[user][page] = resp.status
                    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
        return seen

    assert with_client(ui_api(tmp_path).app, scenario) == expected


def test_given_a_log_out_then_the_session_no_longer_counts(tmp_path: Path) -> None:
    async def scenario(client: Client) -> None:
        await _login(client, "anna")
        cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
        csrf = await _csrf(client, "/wallboard")
        async with client.post("/logout", data={"csrf": "wrong"}, allow_redirects=False) as r:
            assert r.status == 403
        async with client.post("/logout", data={"csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 303
        client.session.cookie_jar.update_cookies(cookies)  # a copied cookie is dead too
        async with client.get("/api/queues") as resp:
            assert resp.status == 401

    with_client(ui_api(tmp_path).app, scenario)


def test_given_a_supervisor_then_the_live_feed_lists_callers_and_agents(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
        await _login(client, "anna")
        async with client.ws_connect("/ws/live") as ws:
            full = json.loads((await ws.receive()).data)
        async with client.ws_connect("/ws/live?view=wallboard") as ws:
            tiles = json.loads((await ws.receive()).data)
        return full, tiles

    full, tiles = with_client(ui_api(tmp_path).app, scenario)
    vaxel = next(q for q in full["queues"] if q["id"] == "vaxel")
    assert [c["id"] for c in vaxel["callers"]] == ["t2"] and vaxel["waiting"] == 1
    assert {a["id"] for a in full["agents"]} >= {"fredrik", "david"}
    assert all("callers" not in q for q in tiles["queues"])


def test_given_no_session_then_the_live_feed_refuses(tmp_path: Path) -> None:
    async def scenario(client: Client) -> int:
        async with client.get("/ws/live") as resp:
            return resp.status

    assert with_client(ui_api(tmp_path).app, scenario) == 401


def test_given_an_idle_session_then_it_expires_and_use_pushes_its_expiry_on() -> None:
    now = [1000.0]
    table = SessionTable(idle_s=60, clock=lambda: now[0])
    kept, idle = table.create("anna", Role.SUPERVISOR, None), table.create("bo", Role.ADMIN, None)
    now[0] += 50
    assert table.find(kept.id) is not None
    now[0] += 50
    assert table.find(kept.id) is not None and table.find(idle.id) is None
    table.drop_user("anna")
    assert table.find(kept.id) is None and table.find("forged") is None


def test_given_an_open_live_feed_when_the_daemon_stops_then_the_feed_is_closed_at_once(
        tmp_path: Path) -> None:
    async def scenario() -> tuple[float, WSMsgType]:
        runner = web.AppRunner(ui_api(tmp_path).app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await http.post(f"{url}/login", data={"user": "anna", "password": PASSWORDS["anna"]})
            ws = await http.ws_connect(f"{url}/ws/live")
            await ws.receive()
            started = time.monotonic()
            await runner.cleanup()  # what the daemon does on SIGTERM
            return time.monotonic() - started, (await ws.receive()).type

    took, message = asyncio.run(scenario())
    assert message is WSMsgType.CLOSE and took < 2


def test_given_an_open_live_feed_when_the_user_logs_out_then_the_feed_ends_with_1008(
        tmp_path: Path) -> None:
    async def scenario(client: Client) -> tuple[WSMsgType, int | None]:
        await _login(client, "anna")
        csrf = await _csrf(client, "/wallboard")
        async with client.ws_connect("/ws/live?view=wallboard") as ws:
            await ws.receive()
            async with client.post("/logout", data={"csrf": csrf}, allow_redirects=False):
                pass
            message = await ws.receive(timeout=2)
            return message.type, ws.close_code

    assert with_client(ui_api(tmp_path).app, scenario) == (WSMsgType.CLOSE, 1008)
