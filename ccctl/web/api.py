"""REST API for agents and supervisors, served by the daemon on loopback.

Domain errors from the routing core become HTTP codes here and nowhere else:
unknown agent/task/queue → 404, a state that does not allow the action → 409,
malformed request → 400 with what was wrong. Who may call each route is the last
column of :data:`ROUTES`, enforced by :mod:`ccctl.web.auth` (401/403/429).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from ccctl.acd import errors, views
from ccctl.acd import events as ev
from ccctl.acd.model import AgentProfile, TaskState
from ccctl.acd.router import Router
from ccctl.voice import operations
from ccctl.voice.flow import VoiceFlow
from ccctl.voicemail.service import Voicemails
from ccctl.web import api_callback, api_softphone, api_transfer, api_voicemail, openapi
from ccctl.web.auth import Access, FailureLimiter, Guard, middleware
from ccctl.web.metrics import ProcessProbe
from ccctl.web.metrics import render as render_metrics
from ccctl.web.tokens import TokenBook
from ccctl.web.ui import app as ui_app
from ccctl.web.ui.sessions import principal


@dataclass(frozen=True)
class Services:
    """What the API handlers use; built once by the daemon (no globals)."""

    flow: VoiceFlow
    router: Router
    profiles: dict[str, AgentProfile]
    clock: Callable[[], float]
    health: Callable[[], dict[str, Any]]
    process: ProcessProbe
    transfers: api_transfer.TransferServices | None = None  # None: transfers answer 503
    callbacks: api_callback.CallbackServices | None = None  # None: bookings answer 503
    voicemail: Voicemails | None = None  # None: voicemail routes answer 503
    softphone: api_softphone.SoftphoneServices | None = None  # None: every agent gets 404


SERVICES = web.AppKey("services", Services)

_NOT_FOUND = (errors.UnknownTaskError, errors.UnknownAgentError, errors.UnknownQueueError)


def _status(exc: errors.AcdError) -> int:
    return 404 if isinstance(exc, _NOT_FOUND) else 409


def _bad_request(message: str) -> web.HTTPBadRequest:
    """400 with the same JSON shape as every other error: {"error": "..."}."""
    return web.HTTPBadRequest(text=json.dumps({"error": message}),
                              content_type="application/json")


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except json.JSONDecodeError as exc:
        raise _bad_request(f"request body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _bad_request("request body must be a JSON object")
    return data


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _bad_request(f"'{name}' must be a {kind.__name__}")
    return value


async def _feed(request: web.Request, event: ev.Event) -> web.Response:
    try:
        await request.app[SERVICES].flow.feed(event)
    except errors.AcdError as exc:
        return web.json_response({"error": str(exc)}, status=_status(exc))
    return web.json_response({"ok": True})


async def login(request: web.Request) -> web.Response:
    agent_id = request.match_info["agent"]
    profile: AgentProfile | None = request.app[SERVICES].profiles.get(agent_id)
    if profile is None:
        return web.json_response({"error": f"no agent {agent_id!r} in the configuration"},
                                 status=404)
    return await _feed(request, ev.AgentLogin(agent_id=agent_id, profile=profile))


async def logout(request: web.Request) -> web.Response:
    return await _feed(request, ev.AgentLogout(agent_id=request.match_info["agent"]))


async def pause(request: web.Request) -> web.Response:
    reason = _field(await _body(request), "reason", str)
    return await _feed(request, ev.AgentPause(agent_id=request.match_info["agent"],
                                              reason=reason))


async def ready(request: web.Request) -> web.Response:
    return await _feed(request, ev.AgentReady(agent_id=request.match_info["agent"]))


async def move(request: web.Request) -> web.Response:
    queue = _field(await _body(request), "queue", str)
    return await _feed(request, ev.MoveTask(task_id=request.match_info["task"], queue_id=queue))


async def prioritise(request: web.Request) -> web.Response:
    priority = _field(await _body(request), "priority", int)
    return await _feed(request, ev.Prioritise(task_id=request.match_info["task"],
                                              priority=priority))


async def pick(request: web.Request) -> web.Response:
    agent = _field(await _body(request), "agent", str)
    return await _feed(request, ev.PickTask(task_id=request.match_info["task"], agent_id=agent))


async def _operate(request: web.Request, operation: Awaitable[None]) -> web.Response:
    try:
        await operation
    except errors.AcdError as exc:
        return web.json_response({"error": str(exc)}, status=_status(exc))
    return web.json_response({"ok": True})


async def park(request: web.Request) -> web.Response:
    return await _operate(request, operations.park(request.app[SERVICES].flow,
                                                   request.match_info["task"]))


async def hang_up(request: web.Request) -> web.Response:
    return await _operate(request, operations.hang_up(request.app[SERVICES].flow,
                                                      request.match_info["task"]))


def _entry(e: views.QueueEntry) -> dict[str, Any]:
    return {"id": e.task_id, "position": e.position, "priority": e.priority,
            "waited_s": round(e.waited_s, 1), "state": e.state.value, "agent": e.agent_id}


async def agent_state(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    agent_id = request.match_info["agent"]
    try:
        agent = services.router.agent(agent_id)
        personal = services.router.personal_view(agent_id, services.clock())
    except errors.AcdError as exc:
        return web.json_response({"error": str(exc)}, status=_status(exc))
    return web.json_response({"id": agent.id, "state": agent.state.value,
                              "pause_reason": agent.pause_reason, "task": agent.task_id,
                              "call": _call(services, agent.task_id),
                              "personal": [_entry(e) for e in personal]})


def _call(services: Services, task_id: str | None) -> dict[str, Any] | None:
    """What the agent sees of the call being offered or served: who, how identified."""
    task = services.router.core.tasks.get(task_id) if task_id else None
    if task is None:
        return None
    ident = task.identification
    return {"id": task.id, "queue": task.queue_id, "language": task.language,
            "waited_s": round(services.clock() - task.entered_at, 1),
            "caller": ident.get("caller", ""), "menu_path": ident.get("menu_path", ""),
            "identification": {k: ident[k] for k in ("status", "method", "name", "ref")
                               if k in ident}}


async def queues(request: web.Request) -> web.Response:
    router: Router = request.app[SERVICES].router
    now = request.app[SERVICES].clock()
    out = []
    for queue_id in sorted(router.core.queues):
        status = router.queue_status(queue_id, now)
        out.append({
            "id": queue_id, "waiting": status.waiting,
            "longest_wait_s": round(status.longest_wait_s, 1),
            "agents_answering": status.agents_answering,
            "tasks": [_entry(e) for e in router.queue_view(queue_id, now)],
        })
    return web.json_response({"queues": out})


async def calls(request: web.Request) -> web.Response:
    try:
        since = float(request.query.get("since", "0"))
    except ValueError:
        raise _bad_request("'since' must be epoch seconds") from None
    records = await request.app[SERVICES].flow.call_records(since)
    return web.json_response({"calls": [asdict(r) for r in records]})


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    text = render_metrics(services.router, services.clock(), services.process())
    return web.Response(text=text, content_type="text/plain", charset="utf-8")


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(openapi.document(ACCESS))


async def health(request: web.Request) -> web.Response:
    report: dict[str, Any] = request.app[SERVICES].health()
    return web.json_response(report, status=200 if report.get("ari") == "connected" else 503)


Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]], Access]
ROUTES: list[Route] = [
    ("GET", "/health", health, Access.OPEN),
    ("GET", "/metrics", metrics, Access.OPEN),
    ("GET", "/openapi.json", openapi_json, Access.OPEN),
    ("GET", "/api/calls", calls, Access.SUPERVISOR),
    ("GET", "/api/queues", queues, Access.SUPERVISOR),
    ("GET", "/api/agents/{agent}", agent_state, Access.OWN_AGENT),
    ("GET", "/api/agents/{agent}/softphone", api_softphone.settings, Access.OWN_AGENT),
    ("POST", "/api/agents/{agent}/login", login, Access.OWN_AGENT),
    ("POST", "/api/agents/{agent}/logout", logout, Access.OWN_AGENT),
    ("POST", "/api/agents/{agent}/pause", pause, Access.OWN_AGENT),
    ("POST", "/api/agents/{agent}/ready", ready, Access.OWN_AGENT),
    ("POST", "/api/tasks/{task}/move", move, Access.SUPERVISOR),
    ("POST", "/api/tasks/{task}/prioritise", prioritise, Access.SUPERVISOR),
    ("POST", "/api/tasks/{task}/pick", pick, Access.SUPERVISOR),
    ("POST", "/api/tasks/{task}/park", park, Access.SERVING),
    ("POST", "/api/tasks/{task}/transfer", api_transfer.transfer, Access.SERVING),
    ("POST", "/api/tasks/{task}/consult", api_transfer.consult, Access.SERVING),
    ("POST", "/api/tasks/{task}/consult/complete", api_transfer.complete, Access.SERVING),
    ("POST", "/api/tasks/{task}/consult/cancel", api_transfer.cancel, Access.SERVING),
    ("GET", "/api/directory", api_transfer.directory, Access.ANY_TOKEN),
    ("POST", "/api/callbacks", api_callback.book, Access.ANY_TOKEN),
    ("POST", "/api/tasks/{task}/hangup", hang_up, Access.SERVING),
    # Who sees which mailbox and who may claim is the voicemail service's rule.
    ("GET", "/api/voicemail", api_voicemail.listing, Access.ANY_TOKEN),
    ("GET", "/api/voicemail/{message}", api_voicemail.one, Access.ANY_TOKEN),
    ("POST", "/api/voicemail/{message}/claim", api_voicemail.claim, Access.ANY_TOKEN),
    ("POST", "/api/voicemail/{message}/release", api_voicemail.release, Access.ANY_TOKEN),
    ("POST", "/api/voicemail/{message}/done", api_voicemail.done, Access.ANY_TOKEN),
    ("GET", "/api/voicemail/{message}/audio", api_voicemail.audio, Access.ANY_TOKEN),
]
ACCESS: dict[tuple[str, str], Access] = {(m, p): a for m, p, _, a in ROUTES}


def serving_agent(router: Router, task_id: str) -> str | None:
    """The agent connected to the call ``task_id`` now; None if it is not in service."""
    task = router.core.tasks.get(task_id)
    if task is None or task.state is not TaskState.IN_SERVICE:
        return None
    return task.agent_id


def build_app(services: Services, tokens: TokenBook,
              limiter: FailureLimiter | None = None,
              ui: ui_app.UiServices | None = None) -> web.Application:
    """The REST API; with ``ui``, also the web UI, whose log-in sessions /api accepts."""
    guard = Guard(tokens, ACCESS | (ui_app.ACCESS if ui else {}),
                  lambda task_id: serving_agent(services.router, task_id),
                  limiter or FailureLimiter(), principal(ui.sessions) if ui else None)
    app = web.Application(middlewares=[middleware(guard)])
    if ui is not None:
        ui_app.register(app, ui)
    app[SERVICES] = services
    if services.transfers is not None:
        app[api_transfer.TRANSFERS] = services.transfers
    if services.callbacks is not None:
        app[api_callback.CALLBACKS] = services.callbacks
    if services.voicemail is not None:
        app[api_voicemail.VOICEMAIL] = services.voicemail
    if services.softphone is not None:
        app[api_softphone.SOFTPHONE] = services.softphone
    for method, path, handler, _ in ROUTES:
        app.router.add_route(method, path, handler)
    return app
