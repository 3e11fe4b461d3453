"""REST routes for transfers: to a queue, a colleague, the directory or an outside number
(blind), and attended transfers (consult, then complete or cancel); the directory search.

Domain errors become HTTP codes here: a number outbound calls may not reach → 403,
a malformed number → 400, a state that does not allow the action → 409.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ccctl.acd import errors
from ccctl.config.models import DirectoryEntry
from ccctl.ident.anumber import dialable
from ccctl.voice import operations
from ccctl.voice.transfer import NumberNotAllowedError, Transfers


@dataclass(frozen=True)
class TransferServices:
    transfers: Transfers
    directory: dict[str, DirectoryEntry]
    agent_names: dict[str, str]  # agent id → name, for the directory search
    region: str = "SE"  # numbers written without +CC are read as this country's


TRANSFERS = web.AppKey("transfers", TransferServices)


def _services(request: web.Request) -> TransferServices | None:
    return request.app.get(TRANSFERS)
_NOT_FOUND = (errors.UnknownTaskError, errors.UnknownAgentError, errors.UnknownQueueError)


def _error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _run(operation: Awaitable[None]) -> web.Response:
    try:
        await operation
    except NumberNotAllowedError as exc:
        return _error(str(exc), 403)
    except errors.AcdError as exc:
        return _error(str(exc), 404 if isinstance(exc, _NOT_FOUND) else 409)
    return web.json_response({"ok": True})


async def _target(request: web.Request) -> dict[str, str] | web.Response:
    """The one target named in the body: queue, agent, directory or number (→ E.164)."""
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError as exc:
        return _error(f"request body is not JSON: {exc}", 400)
    given = {k: v for k, v in (body if isinstance(body, dict) else {}).items()
             if k in ("queue", "agent", "directory", "number")}
    if len(given) != 1 or not isinstance(next(iter(given.values())), str):
        return _error("give exactly one of 'queue', 'agent', 'directory' or 'number' "
                      "(a string) to transfer to", 400)
    kind, value = next(iter(given.items()))
    services = _services(request)
    if services is None:
        return _error("transfers are not available in this server", 503)
    if kind == "directory":
        entry = services.directory.get(value)
        if entry is None:
            return _error(f"no directory entry {value!r}", 404)
        return {"number": entry.number}
    if kind == "number":
        number = dialable(value, services.region)
        if number is None:
            return _error(f"{value!r} is not a telephone number; write it in E.164, "
                          "e.g. +46846500490", 400)
        return {"number": number}
    return {kind: value}


async def transfer(request: web.Request) -> web.Response:
    """Blind transfer of the call in service to a queue, a colleague or outside."""
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    task = request.match_info["task"]
    transfers = request.app[TRANSFERS].transfers  # _target checked it is there
    flow = transfers.flow
    if "queue" in target:
        return await _run(operations.transfer_to_queue(flow, task, target["queue"]))
    if "agent" in target:
        return await _run(operations.transfer_to_agent(flow, task, target["agent"]))
    return await _run(transfers.blind_to_number(task, target["number"]))


async def consult(request: web.Request) -> web.Response:
    """Attended transfer, first step: the caller waits while the agent consults."""
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    if "queue" in target:
        return _error("a consultation is with a colleague ('agent') or a number", 400)
    transfers = request.app[TRANSFERS].transfers
    return await _run(transfers.consult(request.match_info["task"],
                                        agent_id=target.get("agent"),
                                        number=target.get("number")))


async def complete(request: web.Request) -> web.Response:
    services = _services(request)
    if services is None:
        return _error("transfers are not available in this server", 503)
    return await _run(services.transfers.complete(request.match_info["task"]))


async def cancel(request: web.Request) -> web.Response:
    services = _services(request)
    if services is None:
        return _error("transfers are not available in this server", 503)
    return await _run(services.transfers.cancel(request.match_info["task"]))


async def directory(request: web.Request) -> web.Response:
    """Transfer targets whose name (any language), id or number contains ``q``."""
    services = _services(request)
    if services is None:
        return _error("the directory is not available in this server", 503)
    query = request.query.get("q", "").casefold().strip()
    router = services.transfers.flow.router
    found: list[dict[str, Any]] = []
    for entry in sorted(services.directory.values(), key=lambda e: e.id):
        if _matches(query, entry.id, entry.number, *entry.name.values()):
            found.append({"kind": "directory", "id": entry.id, "name": entry.name,
                          "number": entry.number, "note": entry.note})
    for agent_id, name in sorted(services.agent_names.items()):
        if _matches(query, agent_id, name):
            agent = router.core.agents.get(agent_id)
            found.append({"kind": "agent", "id": agent_id, "name": name,
                          "state": agent.state.value if agent else "logged_out"})
    for queue_id in sorted(router.core.queues):
        if _matches(query, queue_id):
            found.append({"kind": "queue", "id": queue_id})
    return web.json_response({"results": found})


def _matches(query: str, *fields: str) -> bool:
    return not query or any(query in field.casefold() for field in fields)
