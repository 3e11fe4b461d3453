"""The live feed (``/ws/live``): what the pages show, read from the routing core's views
(the same data as ``GET /api/queues`` and ``/metrics``), pushed over a websocket.

The feed looks at the router every :data:`PERIOD_S` and sends a snapshot only when
it changed, so a routing change reaches every page within a quarter of a second
and an idle contact center costs one small comparison per client and period.
What a snapshot holds depends on the session's role: counts for every role (no
personal data), callers and agents for supervisors, and the agent's own state for
an agent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from ccctl.acd import errors
from ccctl.acd.model import AgentState
from ccctl.acd.router import Router
from ccctl.web.tokens import Role
from ccctl.web.ui.config import Wallboard
from ccctl.web.ui.sessions import Session

log = logging.getLogger(__name__)

PERIOD_S = 0.25
_BUSY = (AgentState.BUSY, AgentState.RESERVED, AgentState.CONSULTED, AgentState.WRAP_UP)


@dataclass(frozen=True)
class Board:
    """What the snapshots need besides the router: names, targets, the tiles."""

    router: Router
    clock: Callable[[], float]
    wallboard: Wallboard
    queue_names: Mapping[str, str]  # queue id → display name (site's language)
    sl_targets: Mapping[str, float]  # queue id → target percent
    agent_names: Mapping[str, str]  # every configured agent id → name

    def tiles(self) -> list[str]:
        known = sorted(self.router.core.queues)
        wanted = [q for q in self.wallboard.tiles if q in self.router.core.queues]
        return wanted or known


def _tile(board: Board, queue_id: str, now: float) -> dict[str, Any]:
    status = board.router.queue_status(queue_id, now)
    sl = status.interval.sl
    sl_percent = None if sl is None else round(sl * 100, 1)
    target = board.sl_targets.get(queue_id, 80.0)
    return {"id": queue_id, "name": board.queue_names.get(queue_id, queue_id),
            "waiting": status.waiting, "longest_s": int(status.longest_wait_s),
            "sl": sl_percent, "target": target,
            "colour": board.wallboard.colour(sl_percent, target),
            "available": status.agents.get(AgentState.AVAILABLE, 0),
            "busy": sum(status.agents.get(s, 0) for s in _BUSY),
            "paused": status.agents.get(AgentState.PAUSED, 0)}


def _callers(board: Board, queue_id: str, now: float) -> list[dict[str, Any]]:
    tasks = board.router.core.tasks
    out = []
    for entry in board.router.queue_view(queue_id, now):
        task = tasks[entry.task_id]
        out.append({"id": entry.task_id, "position": entry.position,
                    "waited_s": int(entry.waited_s), "priority": entry.priority,
                    "kind": entry.kind.value, "state": entry.state.value,
                    "agent": entry.agent_id, "language": task.language or "",
                    "ident": task.identification.get("status", "")})
    return out


def _agents(board: Board) -> list[dict[str, Any]]:
    core = board.router.core.agents
    out = []
    for agent_id in sorted(board.agent_names):
        agent = core.get(agent_id)
        out.append({"id": agent_id, "name": board.agent_names[agent_id],
                    "state": agent.state.value if agent else AgentState.LOGGED_OUT.value,
                    "reason": agent.pause_reason if agent else None,
                    "task": agent.task_id if agent else None})
    return out


def _me(board: Board, agent_id: str) -> dict[str, Any]:
    try:
        agent = board.router.agent(agent_id)
    except errors.AcdError:
        return {"id": agent_id, "state": AgentState.LOGGED_OUT.value, "reason": None,
                "task": None, "queues": [], "personal": 0}
    personal = board.router.personal_view(agent_id, board.clock())
    return {"id": agent_id, "state": agent.state.value, "reason": agent.pause_reason,
            "task": agent.task_id, "queues": list(agent.queues), "personal": len(personal)}


def snapshot(board: Board, session: Session, *, wallboard: bool = False) -> dict[str, Any]:
    """The feed's content for this session's role; the wallboard's tiles for every role."""
    now = board.clock()
    if wallboard:
        return {"queues": [_tile(board, q, now) for q in board.tiles()]}
    if session.role is Role.AGENT and session.agent:
        me = _me(board, session.agent)
        queues = me["queues"] or board.tiles()
        return {"me": me, "queues": [_tile(board, q, now) for q in queues]}
    if session.role is Role.AGENT:
        return snapshot(board, session, wallboard=True)
    everything = sorted(board.router.core.queues)
    return {"tiles": board.tiles(),
            "queues": [_tile(board, q, now) | {"callers": _callers(board, q, now)}
                       for q in everything],
            "agents": _agents(board)}


class Feeds:
    """The open live feeds, so the daemon's shutdown closes them instead of waiting
    for every page to go away."""

    def __init__(self) -> None:
        self._open: set[web.WebSocketResponse] = set()

    async def serve(self, request: web.Request, board: Board, session: Session,
                    valid: Callable[[], bool], *, wallboard: bool = False
                    ) -> web.WebSocketResponse:
        """Send a snapshot now and whenever it changes, until the page goes away or the
        session ends (``valid``; closed with 1008, and the page goes to the log-in)."""
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        self._open.add(ws)
        try:
            async with asyncio.TaskGroup() as tasks:
                pusher = tasks.create_task(_push(ws, board, session, valid, wallboard))
                async for message in ws:  # the pages send nothing; this notices the close
                    if message.type is WSMsgType.ERROR:
                        break
                pusher.cancel()
        finally:
            self._open.discard(ws)
        return ws

    async def close_all(self, app: web.Application) -> None:
        """For ``app.on_shutdown``: the pages reconnect to the next daemon by themselves."""
        for ws in list(self._open):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"ccctl is stopping")


async def _push(ws: web.WebSocketResponse, board: Board, session: Session,
                valid: Callable[[], bool], wallboard: bool) -> None:
    last = ""
    while not ws.closed:
        if not valid():
            await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"logged out")
            return
        text = json.dumps(snapshot(board, session, wallboard=wallboard), separators=(",", ":"))
        if text != last:
            try:
                await ws.send_str(text)
            except ConnectionError:  # the page went away mid-send
                return
            last = text
        await asyncio.sleep(PERIOD_S)
