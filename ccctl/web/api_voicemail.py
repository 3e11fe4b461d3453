"""REST routes for shared voicemail: list, claim, release, mark done, play the WAV.

Any valid token reaches these routes; what it may see and do is decided by
:class:`ccctl.voicemail.service.Voicemails` (an agent: the mailboxes they are notified
for; a supervisor or admin: all). Domain errors become HTTP here: unknown or not
visible → 404, not allowed → 403, taken by someone else or the wrong state → 409
(naming who has it), the recording gone from the spool → 410.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ccctl.store import VoicemailRecord
from ccctl.voicemail.errors import (
    ClaimedError,
    NotPermittedError,
    RecordingGoneError,
    StateError,
    UnknownVoicemailError,
    VoicemailError,
)
from ccctl.voicemail.service import STATES, Viewer, Voicemails
from ccctl.web.auth import TOKEN
from ccctl.web.tokens import Role

VOICEMAIL = web.AppKey("voicemail", Voicemails)
_STATUS: tuple[tuple[type[VoicemailError], int], ...] = (
    (UnknownVoicemailError, 404), (NotPermittedError, 403), (ClaimedError, 409),
    (StateError, 409), (RecordingGoneError, 410))
_FILTERS = {"open": ("new", "claimed"), "all": STATES, **{s: (s,) for s in STATES}}


def _error(message: str, status: int, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def _failure(exc: VoicemailError, service: Voicemails) -> web.Response:
    status = next(code for kind, code in _STATUS if isinstance(exc, kind))
    if isinstance(exc, ClaimedError):
        return _error(str(exc), status, claimed_by=exc.claimed_by,
                      claimed_by_name=service.agent_names.get(exc.claimed_by, exc.claimed_by))
    return _error(str(exc), status)


def _viewer(request: web.Request) -> Viewer:
    token = request[TOKEN]
    if token.role is Role.AGENT:
        return Viewer(token.agent or token.name, agent_id=token.agent)
    return Viewer(token.name, supervisor=True)


def _service(request: web.Request) -> Voicemails | None:
    return request.app.get(VOICEMAIL)


_UNAVAILABLE = "voicemail is not available in this server (no mailbox in the configuration)"


def view(record: VoicemailRecord, service: Voicemails) -> dict[str, Any]:
    """A message as the API shows it."""
    box = service.boxes.get(record.mailbox)
    return {
        "id": record.id, "mailbox": record.mailbox,
        "mailbox_name": box.name("") if box else record.mailbox,
        "received_at": record.received_at, "duration_s": record.duration_s,
        "caller": record.caller, "caller_name": record.caller_name, "state": record.state,
        "claimed_by": record.claimed_by,
        "claimed_by_name": (service.agent_names.get(record.claimed_by, record.claimed_by)
                            if record.claimed_by else None),
        "claimed_at": record.claimed_at, "done_by": record.done_by, "done_at": record.done_at,
        "audio": f"/api/voicemail/{record.id}/audio",
    }


async def listing(request: web.Request) -> web.Response:
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    state = request.query.get("state", "open")
    if state not in _FILTERS:
        return _error(f"'state' must be one of {', '.join(_FILTERS)}", 400)
    try:
        limit = int(request.query.get("limit", "200"))
    except ValueError:
        return _error("'limit' must be a whole number", 400)
    if not 1 <= limit <= 1000:
        return _error("'limit' must be 1 to 1000", 400)
    viewer = _viewer(request)
    try:
        records = await service.messages(viewer, mailbox=request.query.get("mailbox"),
                                         states=_FILTERS[state], limit=limit)
    except VoicemailError as exc:
        return _failure(exc, service)
    return web.json_response({"mailboxes": list(service.visible(viewer)),
                              "messages": [view(r, service) for r in records]})


async def one(request: web.Request) -> web.Response:
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    try:
        record = await service.get(_viewer(request), request.match_info["message"])
    except VoicemailError as exc:
        return _failure(exc, service)
    return web.json_response(view(record, service))


async def claim(request: web.Request) -> web.Response:
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    agent: object = None
    if request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            return _error("request body is not JSON", 400)
        if not isinstance(body, dict):
            return _error("request body must be a JSON object", 400)
        agent = body.get("agent")
        if agent is not None and not isinstance(agent, str):
            return _error("'agent' must be an agent id (a string)", 400)
    viewer = _viewer(request)
    if viewer.supervisor and agent is None:
        return _error("a supervisor claims a message for an agent of its mailbox: send "
                      "{\"agent\": ID}", 400)
    try:
        record = await service.claim(viewer, request.match_info["message"],
                                     agent if isinstance(agent, str) else None)
    except VoicemailError as exc:
        return _failure(exc, service)
    return web.json_response(view(record, service))


async def release(request: web.Request) -> web.Response:
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    try:
        record = await service.release(_viewer(request), request.match_info["message"])
    except VoicemailError as exc:
        return _failure(exc, service)
    return web.json_response(view(record, service))


async def done(request: web.Request) -> web.Response:
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    try:
        record = await service.finish(_viewer(request), request.match_info["message"])
    except VoicemailError as exc:
        return _failure(exc, service)
    return web.json_response(view(record, service))


async def audio(request: web.Request) -> web.Response:
    """The recording, whole (``audio/wav``; a few MB at most: no Range)."""
    service = _service(request)
    if service is None:
        return _error(_UNAVAILABLE, 503)
    message = request.match_info["message"]
    try:
        path = await service.recording(_viewer(request), message)
        data = path.read_bytes()
    except VoicemailError as exc:
        return _failure(exc, service)
    except OSError as exc:
        return _error(f"the recording of voicemail {message} cannot be read: "
                      f"{exc.strerror or exc}", 410)
    return web.Response(body=data, content_type="audio/wav", headers={
        "Content-Disposition": f'attachment; filename="voicemail-{message}.wav"',
        "Cache-Control": "private, no-store"})
