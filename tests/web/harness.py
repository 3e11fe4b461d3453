"""The real REST app (routes, guard, tokens file) over a real router and a stand-in flow.

The routing core holds two calls in service (t1 with fredrik, t3 with david) and one
waiting (t2), so "the call an agent serves" means something.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from ccctl.acd import events as ev
from ccctl.acd.router import Router
from ccctl.config.models import Callback, DirectoryEntry, Outbound
from ccctl.voice.flow import VoiceFlow
from ccctl.voice.transfer import Transfers
from ccctl.web.api import Services, build_app
from ccctl.web.api_callback import CallbackServices
from ccctl.web.api_transfer import TransferServices
from ccctl.web.auth import FailureLimiter
from ccctl.web.metrics import Process
from ccctl.web.tokens import Role, TokenBook, TokenFile
from ccctl.web.ui.app import UiServices
from tests.acd.builders import T0, arrive, login, queue

T = TypeVar("T")


@dataclass
class StandInFlow:
    """What the handlers use of VoiceFlow: the router, feed, call records, channels."""

    router: Router
    fed: list[ev.Event] = field(default_factory=list)
    callers: dict[str, str] = field(default_factory=dict)
    bridges: dict[str, str] = field(default_factory=dict)
    agent_legs: dict[str, str] = field(default_factory=dict)
    legs: dict[str, Any] = field(default_factory=dict)
    stasis_roles: dict[str, Any] = field(default_factory=dict)
    leg_roles: dict[str, Any] = field(default_factory=lambda: {"agent": None})
    caller_gone_hooks: list[Any] = field(default_factory=list)
    announcer: Any = field(default_factory=lambda: SimpleNamespace(resume=lambda task: None))

    def now(self) -> float:
        return T0 + 10

    async def feed(self, event: ev.Event) -> None:
        self.fed.append(event)
        self.router.handle(event, T0 + 10)

    async def call_records(self, since: float) -> list[Any]:
        return []

    def rest(self) -> Any:
        return None  # no channels or bridges exist, so nothing is asked of ARI


def serving_router() -> Router:
    router = Router()
    for event in (queue("vaxel"), login("fredrik"), arrive("t1", "vaxel"),
                  ev.OfferAccepted(task_id="t1", agent_id="fredrik"), login("david"),
                  arrive("t3", "vaxel"), ev.OfferAccepted(task_id="t3", agent_id="david"),
                  arrive("t2", "vaxel")):
        router.handle(event, T0)  # type: ignore[arg-type]
    return router


@dataclass
class Api:
    """An app plus the tokens file behind it, and one token of each kind."""

    app: web.Application
    tokens: TokenFile
    flow: StandInFlow
    token: dict[str, str]


def make_api(tmp_path: Path, clock: Callable[[], float] | None = None,
             ui: Callable[[Router], UiServices] | None = None) -> Api:
    path = tmp_path / "state" / "tokens.json"
    tokens = TokenFile(path)
    token = {
        "fredrik": tokens.create("fredrik-desk", Role.AGENT, "fredrik"),
        "david": tokens.create("david-desk", Role.AGENT, "david"),
        "supervisor": tokens.create("anna", Role.SUPERVISOR),
        "admin": tokens.create("ops", Role.ADMIN),
        "revoked": tokens.create("old-laptop", Role.SUPERVISOR),
    }
    tokens.revoke("old-laptop")
    router = serving_router()
    flow = StandInFlow(router)
    profiles = {a: login(a).profile for a in ("fredrik", "david", "elin")}
    transfers = TransferServices(
        Transfers(cast(VoiceFlow, flow), Outbound()),
        {"socialjouren": DirectoryEntry(id="socialjouren", name={"sv": "Socialjouren"},
                                        number="+46846500490")},
        {"fredrik": "Fredrik Påhittad", "david": "David Exempel", "elin": "Elin Test"})
    services = Services(cast(VoiceFlow, flow), router, profiles, lambda: T0 + 10,
                        lambda: {"ari": "connected", "ari_connects": 1},
                        lambda: Process(0.0, 0.0, True, 1, 0), transfers,
                        CallbackServices(cast(VoiceFlow, flow), {"vaxel": Callback()},
                                         Outbound(), lambda hours, now: now, ("sv", "en")))
    limiter = FailureLimiter(clock=clock) if clock else None
    return Api(build_app(services, TokenBook(path), limiter, ui(router) if ui else None),
               tokens, flow, token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def with_client(app: web.Application, body: Callable[[TestClient[Any, Any]], Awaitable[T]]
                ) -> T:
    async def main() -> T:
        async with TestClient(TestServer(app)) as client:
            return await body(client)

    return asyncio.run(main())


async def call(client: TestClient[Any, Any], method: str, path: str, token: str | None = None,
               *, json: dict[str, Any] | None = None, headers: dict[str, str] | None = None
               ) -> tuple[int, dict[str, Any], dict[str, str]]:
    sent = dict(headers or {}) | (bearer(token) if token else {})
    async with client.request(method, path, headers=sent, json=json) as response:
        body = await response.json() if response.content_type == "application/json" else {}
        return response.status, body, dict(response.headers)


Answer = tuple[int, dict[str, Any], dict[str, str]]


def request(api: Api, method: str, path: str, token: str | None = None,
            *, json: dict[str, Any] | None = None, headers: dict[str, str] | None = None
            ) -> Answer:
    """One request; an app serves one event loop, so use it once per :func:`make_api`."""
    return with_client(api.app, lambda c: call(c, method, path, token, json=json, headers=headers))


def requests(api: Api, *sent: tuple[str, str, str | None, dict[str, Any] | None]
             ) -> list[Answer]:
    """Several requests, in order, through one client (the app keeps its state)."""
    async def scenario(client: TestClient[Any, Any]) -> list[Answer]:
        return [await call(client, method, path, token, json=json)
                for method, path, token, json in sent]

    return with_client(api.app, scenario)


# One request per route, with a body each handler accepts.
BODIES: dict[str, dict[str, Any]] = {
    "pause": {"reason": "lunch"}, "move": {"queue": "vaxel"}, "prioritise": {"priority": 5},
    "pick": {"agent": "elin"}, "transfer": {"queue": "vaxel"}, "consult": {"agent": "elin"},
}


def body_for(path: str) -> dict[str, Any] | None:
    return BODIES.get(path.rsplit("/", 1)[-1])


def handled(status: int) -> bool:
    """The handler ran and answered in the domain's terms (not the guard, not a crash)."""
    return status in (200, 400, 404, 409)
