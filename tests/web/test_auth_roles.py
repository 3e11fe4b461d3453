"""Each role against each class of route, through the real app and tokens file."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ccctl.web.api import ROUTES
from ccctl.web.auth import Access, Guard, middleware
from ccctl.web.tokens import Role, TokenBook, TokenFile
from tests.web.harness import body_for, call, handled, make_api, request, requests, with_client

OPEN = ["/health", "/metrics", "/openapi.json"]
SUPERVISOR = [("GET", "/api/queues"), ("GET", "/api/calls"),
              ("POST", "/api/tasks/t2/move"), ("POST", "/api/tasks/t2/prioritise"),
              ("POST", "/api/tasks/t2/pick")]
OWN_AGENT = [("GET", "/api/agents/{a}"), ("GET", "/api/agents/{a}/softphone"),
             ("POST", "/api/agents/{a}/login"), ("POST", "/api/agents/{a}/logout"),
             ("POST", "/api/agents/{a}/pause"), ("POST", "/api/agents/{a}/ready")]
SERVING = [("POST", "/api/tasks/{t}/park"), ("POST", "/api/tasks/{t}/transfer"),
           ("POST", "/api/tasks/{t}/hangup"), ("POST", "/api/tasks/{t}/consult"),
           ("POST", "/api/tasks/{t}/consult/complete"),
           ("POST", "/api/tasks/{t}/consult/cancel")]
ANY_TOKEN = [("GET", "/api/directory"), ("POST", "/api/callbacks"),
             # Voicemail: who sees which mailbox is the service's rule (test_voicemail_api).
             ("GET", "/api/voicemail"), ("GET", "/api/voicemail/{message}"),
             ("POST", "/api/voicemail/{message}/claim"),
             ("POST", "/api/voicemail/{message}/release"),
             ("POST", "/api/voicemail/{message}/done"),
             ("GET", "/api/voicemail/{message}/audio")]
EVERY_API = SUPERVISOR + [(m, p.format(a="fredrik")) for m, p in OWN_AGENT] + \
    [(m, p.format(t="t1")) for m, p in SERVING]


def test_given_the_route_table_then_each_route_has_the_access_class_the_design_says() -> None:
    table = {(m, p): a for m, p, _, a in ROUTES}
    expected = {("GET", p): Access.OPEN for p in OPEN}
    expected |= {(m, p.replace("t2", "{task}")): Access.SUPERVISOR for m, p in SUPERVISOR}
    expected |= {(m, p.replace("{a}", "{agent}")): Access.OWN_AGENT for m, p in OWN_AGENT}
    expected |= {(m, p.replace("{t}", "{task}")): Access.SERVING for m, p in SERVING}
    expected |= {(m, p): Access.ANY_TOKEN for m, p in ANY_TOKEN}
    assert table == expected


@pytest.mark.parametrize("path", OPEN)
def test_given_no_token_when_calling_health_metrics_or_openapi_then_they_answer(
        tmp_path: Path, path: str) -> None:
    status, _, _ = request(make_api(tmp_path), "GET", path)
    assert status == 200


@pytest.mark.parametrize(("method", "path"), EVERY_API)
def test_given_no_token_when_calling_an_api_route_then_401_with_a_bearer_challenge(
        tmp_path: Path, method: str, path: str) -> None:
    status, body, headers = request(make_api(tmp_path), method, path, json=body_for(path))
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="ccctl"'
    assert "Authorization: Bearer" in body["error"] and "ccctl token create" in body["error"]


@pytest.mark.parametrize(("method", "path"), SUPERVISOR)
def test_given_an_agent_token_when_calling_a_supervisor_route_then_403_naming_the_role(
        tmp_path: Path, method: str, path: str) -> None:
    api = make_api(tmp_path)
    status, body, _ = request(api, method, path, api.token["fredrik"], json=body_for(path))
    assert status == 403
    assert "needs a supervisor or admin token" in body["error"]
    assert "token 'fredrik-desk' has role agent" in body["error"]


@pytest.mark.parametrize(("method", "path"), OWN_AGENT)
def test_given_an_agent_token_when_acting_on_its_own_agent_then_the_handler_runs(
        tmp_path: Path, method: str, path: str) -> None:
    api = make_api(tmp_path)
    path = path.format(a="fredrik")
    status, _, _ = request(api, method, path, api.token["fredrik"], json=body_for(path))
    assert handled(status)


@pytest.mark.parametrize(("method", "path"), OWN_AGENT)
def test_given_an_agent_token_when_acting_on_another_agent_then_403_naming_both(
        tmp_path: Path, method: str, path: str) -> None:
    api = make_api(tmp_path)
    path = path.format(a="fredrik")
    status, body, _ = request(api, method, path, api.token["david"], json=body_for(path))
    assert status == 403
    assert "may act only on agent 'david', not on 'fredrik'" in body["error"]
    assert api.flow.fed == []


@pytest.mark.parametrize(("method", "path"), SERVING)
def test_given_an_agent_token_when_acting_on_the_call_it_serves_then_the_handler_runs(
        tmp_path: Path, method: str, path: str) -> None:
    api = make_api(tmp_path)
    path = path.format(t="t1")
    status, _, _ = request(api, method, path, api.token["fredrik"], json=body_for(path))
    assert handled(status)


@pytest.mark.parametrize("task", ["t3", "t2", "no-such-call"],
                         ids=["served-by-another", "waiting", "unknown"])
@pytest.mark.parametrize(("method", "path"), SERVING)
def test_given_an_agent_token_when_acting_on_a_call_it_does_not_serve_then_403(
        tmp_path: Path, method: str, path: str, task: str) -> None:
    api = make_api(tmp_path)
    path = path.format(t=task)
    status, body, _ = request(api, method, path, api.token["fredrik"], json=body_for(path))
    assert status == 403
    assert f"call {task!r} is not it" in body["error"]
    assert api.flow.fed == []


@pytest.mark.parametrize("role", ["supervisor", "admin"])
@pytest.mark.parametrize(("method", "path"), EVERY_API)
def test_given_a_supervisor_or_admin_token_then_every_api_route_runs_its_handler(
        tmp_path: Path, method: str, path: str, role: str) -> None:
    api = make_api(tmp_path)
    status, _, _ = request(api, method, path, api.token[role], json=body_for(path))
    assert handled(status)


def test_given_a_supervisor_token_when_acting_on_any_agent_and_call_then_it_works(
        tmp_path: Path) -> None:
    api = make_api(tmp_path)
    supervisor = api.token["supervisor"]
    answers = requests(api, ("POST", "/api/agents/david/pause", supervisor, {"reason": "möte"}),
                       ("POST", "/api/tasks/t3/park", supervisor, None))
    assert [status for status, _, _ in answers] == [200, 200]


def _later_routes(tmp_path: Path, role: Role) -> list[int]:
    """Statuses of a route missing from the table and of an ANY_TOKEN route."""
    tokens = TokenFile(tmp_path / "tokens.json")
    token = tokens.create("someone", role, "fredrik" if role is Role.AGENT else None)

    async def later_route(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(middlewares=[middleware(Guard(
        TokenBook(tmp_path / "tokens.json"), {("GET", "/api/directory"): Access.ANY_TOKEN},
        lambda task: None))])
    app.router.add_route("POST", "/api/admin/reload", later_route)
    app.router.add_route("GET", "/api/directory", later_route)

    async def scenario(client: TestClient[web.Request, web.Application]) -> list[int]:
        return [(await call(client, "POST", "/api/admin/reload", token))[0],
                (await call(client, "GET", "/api/directory", token))[0],
                (await call(client, "GET", "/api/directory"))[0]]

    return with_client(app, scenario)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_given_a_route_missing_from_the_table_then_only_an_admin_token_may_call_it(
        tmp_path: Path, role: Role) -> None:
    assert _later_routes(tmp_path, role)[0] == (200 if role is Role.ADMIN else 403)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_given_an_any_token_route_then_every_role_may_call_it_but_not_anonymous(
        tmp_path: Path, role: Role) -> None:
    assert _later_routes(tmp_path, role)[1:] == [200, 401]


def test_given_any_token_when_the_path_does_not_exist_then_404_not_401(tmp_path: Path) -> None:
    assert request(make_api(tmp_path), "GET", "/api/nothing-here")[0] == 404
