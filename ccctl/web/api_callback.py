"""REST route for callbacks asked for outside a call: a municipality's web contact form
(its backend holds an API token) or an agent booking one for a citizen.

The callback waits in the queue like a caller who pressed the callback key: from
now, or — asked for a later time, or while the queue's callback hours are closed —
from the first moment both allow. Errors: 400 for a malformed request, 403 for a
number outbound calls may not reach, 404 for an unknown queue, 409 for a queue that
offers no callbacks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aiohttp import web

from ccctl.acd import errors
from ccctl.acd import events as ev
from ccctl.acd.model import TaskKind, TaskSpec
from ccctl.config.models import Callback, Outbound
from ccctl.ident.anumber import dialable
from ccctl.voice.callback import ATTEMPTS, NUMBER, REQUESTED, OpenAt
from ccctl.voice.flow import VoiceFlow

MAX_AHEAD = dt.timedelta(days=30)


@dataclass(frozen=True)
class CallbackServices:
    flow: VoiceFlow
    policies: dict[str, Callback]
    outbound: Outbound
    open_at: OpenAt
    languages: tuple[str, ...]
    region: str = "SE"


CALLBACKS = web.AppKey("callbacks", CallbackServices)


def _error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def book(request: web.Request) -> web.Response:
    services = request.app.get(CALLBACKS)
    if services is None:
        return _error("callbacks are not available in this server", 503)
    try:
        body = await request.json()
    except ValueError:
        return _error("request body is not JSON", 400)
    if not isinstance(body, dict):
        return _error("request body must be a JSON object", 400)
    queue, number, language = body.get("queue"), body.get("number"), body.get("language")
    if not isinstance(queue, str) or not isinstance(number, str):
        return _error("'queue' and 'number' (strings) are required", 400)
    if queue not in services.flow.router.core.queues:
        return _error(f"no queue {queue!r}", 404)
    policy = services.policies.get(queue)
    if policy is None:
        return _error(f"queue {queue!r} offers no callbacks (no 'callback:' in its config)",
                      409)
    e164 = dialable(number, services.region)
    if e164 is None:
        return _error(f"{number!r} is not a telephone number; write it in E.164, e.g. "
                      "+46701740605", 400)
    if not services.outbound.permits(e164):
        return _error(f"{e164} may not be called back: outbound calls may reach numbers "
                      f"starting with {', '.join(services.outbound.allow)}", 403)
    if language is not None and language not in services.languages:
        return _error(f"'language' must be one of {', '.join(services.languages)}", 400)
    now = services.flow.now()
    at = _when(body.get("at"), now)
    if isinstance(at, str):
        return _error(at, 400)
    due = services.open_at(policy.hours, at) if policy.hours else at
    task_id = f"web-{uuid.uuid4().hex[:12]}"
    spec = TaskSpec(id=task_id, queue_id=queue, kind=TaskKind.CALLBACK,
                    language=language, entered_at=now, not_before=due if due > now else None,
                    identification={NUMBER: e164, REQUESTED: f"{now:.3f}", ATTEMPTS: "0",
                                    "channel": "web"})
    try:
        await services.flow.feed(ev.TaskArrived(task=spec))
    except errors.AcdError as exc:
        return _error(str(exc), 409)
    return web.json_response({"id": task_id, "queue": queue, "due_at": max(due, now)},
                             status=201)


def _when(value: object, now: float) -> float | str:
    """Epoch seconds from an ISO 8601 time with its offset; an error message otherwise."""
    if value is None:
        return now
    if not isinstance(value, str):
        return "'at' must be an ISO 8601 time with its offset, e.g. 2026-11-26T09:00+01:00"
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return f"'at' {value!r} is not an ISO 8601 time"
    if at.tzinfo is None:
        return f"'at' {value!r} has no UTC offset; add one, e.g. +01:00"
    if at.timestamp() > now + MAX_AHEAD.total_seconds():
        return f"'at' is more than {MAX_AHEAD.days} days ahead"
    return max(now, at.timestamp())
