"""The REST API described as an OpenAPI 3.1 document (served at ``/openapi.json``).

One entry per route in :data:`ccctl.web.api.ROUTES`; a test keeps the two in step.
Who may call a route comes from the same table (``document(ACCESS)``): open routes
say ``security: []``, the others need the bearer scheme and say which token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ccctl.web.auth import Access

_ERROR = {"type": "object", "required": ["error"],
          "properties": {"error": {"type": "string", "description": "What, and how to fix"}}}
_OK = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
_TASK = {"type": "object", "properties": {
    "id": {"type": "string"}, "position": {"type": "integer", "description": "1 = next"},
    "priority": {"type": "integer"},
    "waited_s": {"type": "number", "description": "Since the original entry time"},
    "state": {"type": "string", "enum": ["waiting", "sticky", "personal", "offered",
                                         "in_service"]},
    "agent": {"type": ["string", "null"]}}}
_AGENT = {"type": "object", "properties": {
    "id": {"type": "string"},
    "state": {"type": "string", "enum": ["logged_out", "available", "reserved", "busy",
                                         "wrap_up", "paused"]},
    "pause_reason": {"type": ["string", "null"]}, "task": {"type": ["string", "null"]},
    "call": {"type": ["object", "null"], "description": "The call offered or served",
             "properties": {"id": {"type": "string"}, "queue": {"type": "string"},
                            "language": {"type": ["string", "null"]},
                            "waited_s": {"type": "number"}, "caller": {"type": "string"},
                            "menu_path": {"type": "string"},
                            "identification": {"type": "object"}}},
    "personal": {"type": "array", "items": _TASK}}}
_QUEUES = {"type": "object", "properties": {"queues": {"type": "array", "items": {
    "type": "object", "properties": {
        "id": {"type": "string"}, "waiting": {"type": "integer"},
        "longest_wait_s": {"type": "number"}, "agents_answering": {"type": "integer"},
        "tasks": {"type": "array", "items": _TASK}}}}}}
_CALLS = {"type": "object", "properties": {"calls": {"type": "array", "items": {
    "type": "object", "properties": {
        k: {"type": t} for k, t in (
            ("call_id", "string"), ("task_id", "string"), ("queue_id", "string"),
            ("kind", "string"), ("entered_at", "number"), ("ended_at", "number"),
            ("outcome", "string"), ("answered_at", ["number", "null"]),
            ("agent_id", ["string", "null"]), ("language", "string"), ("caller", "string"))}}}}}
_VOICEMAIL = {"type": "object", "properties": {
    "id": {"type": "string"}, "mailbox": {"type": "string"}, "mailbox_name": {"type": "string"},
    "received_at": {"type": "number", "description": "Epoch seconds"},
    "duration_s": {"type": "integer"},
    "caller": {"type": "string", "description": "E.164; empty when withheld"},
    "caller_name": {"type": "string"},
    "state": {"type": "string", "enum": ["new", "claimed", "done"]},
    "claimed_by": {"type": ["string", "null"], "description": "Agent id"},
    "claimed_by_name": {"type": ["string", "null"]},
    "claimed_at": {"type": ["number", "null"]}, "done_by": {"type": ["string", "null"]},
    "done_at": {"type": ["number", "null"]},
    "audio": {"type": "string", "description": "Path of the recording (audio/wav)"}}}
_VOICEMAILS = {"type": "object", "properties": {
    "mailboxes": {"type": "array", "items": {"type": "string"},
                  "description": "The mailboxes this token sees"},
    "messages": {"type": "array", "items": _VOICEMAIL}}}
_HEALTH = {"type": "object", "properties": {
    "ari": {"type": "string", "enum": ["connected", "disconnected"]},
    "ari_connects": {"type": "integer"}}}


def _body(**fields: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": fields}}}}


def _answers(schema: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "Done", "content": {
        "application/json": {"schema": schema}}}}
    for code in codes:
        out[str(code)] = {"description": {400: "Malformed request", 403: "Not allowed for "
                                          "this token", 404: "No such agent, task, queue or "
                                          "message", 409: "Not allowed in the current state",
                                          410: "The recording is gone from the spool",
                                          503: "Not connected to Asterisk"}[code],
                          "content": {"application/json": {"schema": _ERROR}}}
    return out


_ACTION = _answers(_OK, 400, 404, 409)

# (method, path) → (summary, request body or None, responses)
OPERATIONS: dict[tuple[str, str], tuple[str, dict[str, Any] | None, dict[str, Any]]] = {
    ("GET", "/health"): ("200 while ARI is connected, 503 while not", None,
                         {**_answers(_HEALTH), "503": {"description": "ARI down", "content": {
                             "application/json": {"schema": _HEALTH}}}}),
    ("GET", "/metrics"): ("Prometheus text exposition", None,
                          {"200": {"description": "Metrics",
                                   "content": {"text/plain": {"schema": {"type": "string"}}}}}),
    ("GET", "/openapi.json"): ("This document", None, {"200": {"description": "OpenAPI"}}),
    ("GET", "/api/queues"): ("Every queue with its waiting tasks", None, _answers(_QUEUES)),
    ("GET", "/api/calls"): ("Call records since ?since=EPOCH", None, _answers(_CALLS, 400)),
    ("GET", "/api/agents/{agent}/softphone"): (
        "The browser softphone's settings (ws_url, sip_uri, display_name, password) for a "
        "WebRTC agent; 404 for other devices", None, _answers({"type": "object"}, 404)),
    ("GET", "/api/agents/{agent}"): ("An agent's state and personal queue", None,
                                     _answers(_AGENT, 404)),
    ("POST", "/api/agents/{agent}/login"): ("Log in with the profile from the YAML", None,
                                            _ACTION),
    ("POST", "/api/agents/{agent}/logout"): ("Log out", None, _ACTION),
    ("POST", "/api/agents/{agent}/pause"): ("Pause with a reason",
                                            _body(reason={"type": "string"}), _ACTION),
    ("POST", "/api/agents/{agent}/ready"): ("Back from pause or wrap-up", None, _ACTION),
    ("POST", "/api/tasks/{task}/move"): ("Move a waiting task; its entry time is kept",
                                         _body(queue={"type": "string"}), _ACTION),
    ("POST", "/api/tasks/{task}/prioritise"): ("Set a waiting task's priority",
                                               _body(priority={"type": "integer"}), _ACTION),
    ("POST", "/api/tasks/{task}/pick"): ("Give a waiting task to an available agent",
                                         _body(agent={"type": "string"}), _ACTION),
    ("POST", "/api/tasks/{task}/park"): ("The serving agent holds it in their personal queue",
                                         None, _ACTION),
    ("POST", "/api/tasks/{task}/transfer"): (
        "Blind transfer to a queue, a colleague (entry time kept), a directory entry or an "
        "outside number (E.164; outbound.allow/deny apply, else 403)",
        _body(queue={"type": "string"}, agent={"type": "string"},
              directory={"type": "string"}, number={"type": "string"}), _ACTION),
    ("POST", "/api/tasks/{task}/consult"): (
        "Attended transfer: the caller waits on music while the agent consults a colleague "
        "or an outside number", _body(agent={"type": "string"}, directory={"type": "string"},
                                      number={"type": "string"}), _ACTION),
    ("POST", "/api/tasks/{task}/consult/complete"): (
        "Hand the caller to the consulted party", None, _ACTION),
    ("POST", "/api/tasks/{task}/consult/cancel"): (
        "End the consultation; back to the caller", None, _ACTION),
    ("POST", "/api/callbacks"): (
        "Book a callback (web contact form): it waits in the queue from now, or from 'at' "
        "(ISO 8601 with offset) or the queue's next callback hours",
        _body(queue={"type": "string"}, number={"type": "string"},
              language={"type": "string"}, at={"type": "string"}),
        {"201": {"description": "Booked", "content": {"application/json": {"schema": {
            "type": "object"}}}}}),
    ("GET", "/api/directory"): ("Transfer targets (directory, agents, queues) matching ?q=",
                                None, _answers({"type": "object"})),
    ("POST", "/api/tasks/{task}/hangup"): ("End the caller's call", None, _ACTION),
    ("GET", "/api/voicemail"): (
        "Voicemail in the mailboxes this token sees (an agent: those notified for; a "
        "supervisor: all), newest first; ?mailbox=ID, ?state=open|new|claimed|done|all "
        "(default open), ?limit=N", None, _answers(_VOICEMAILS, 400, 404)),
    ("GET", "/api/voicemail/{message}"): ("One message", None, _answers(_VOICEMAIL, 404)),
    ("POST", "/api/voicemail/{message}/claim"): (
        "Claim a message: the first claim wins; later ones get 409 naming who has it. "
        "A supervisor claims for an agent of the mailbox with {\"agent\": ID}",
        {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"agent": {"type": "string"}}}}}},
        _answers(_VOICEMAIL, 400, 403, 404, 409)),
    ("POST", "/api/voicemail/{message}/release"): (
        "Give a claimed message back (the claimant or a supervisor)", None,
        _answers(_VOICEMAIL, 403, 404, 409)),
    ("POST", "/api/voicemail/{message}/done"): (
        "Mark a message done (the claimant, or a supervisor)", None,
        _answers(_VOICEMAIL, 403, 404, 409)),
    ("GET", "/api/voicemail/{message}/audio"): (
        "The recording as WAV (a supervisor, the claimant or the mailbox's agents)", None,
        {"200": {"description": "The recording", "content": {"audio/wav": {"schema": {
            "type": "string", "contentMediaType": "audio/wav"}}}},
         **{k: v for k, v in _answers({}, 404, 410).items() if k != "200"}}),
}


_WHO = {
    Access.OPEN: "Open: no token (no personal data; for load balancers and Prometheus).",
    Access.OWN_AGENT: "An agent token for this agent, or a supervisor or admin token.",
    Access.SERVING: "An agent token whose agent is serving this call now, or a supervisor "
                    "or admin token.",
    Access.ANY_TOKEN: "Any valid token (agent, supervisor or admin).",
    Access.SUPERVISOR: "A supervisor or admin token.",
    Access.ADMIN: "An admin token.",
}
_REFUSED = {code: {"description": text, "content": {"application/json": {"schema": _ERROR}}}
            for code, text in (
                ("401", "No token, or a malformed, unknown or revoked one "
                        "(WWW-Authenticate: Bearer)"),
                ("403", "The token is valid but its role or agent may not do this"),
                ("429", "Too many invalid tokens from this address; see Retry-After"),
                ("503", "The daemon cannot read its tokens file"))}


def _operation(summary: str, body: dict[str, Any] | None, responses: dict[str, Any],
               access: Access) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "description": _WHO[access]}
    if access is Access.OPEN:
        operation |= {"security": [], "responses": responses}
    else:
        operation |= {"security": [{"bearer": []}], "responses": {**_REFUSED, **responses}}
    if body is not None:
        operation["requestBody"] = body
    return operation


def document(access: Mapping[tuple[str, str], Access]) -> dict[str, Any]:
    """The document; ``access`` maps (method, path) to who may call it (closed if absent)."""
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), (summary, body, responses) in OPERATIONS.items():
        operation = _operation(summary, body, responses,
                               access.get((method, path), Access.ADMIN))
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            operation["parameters"] = [{"name": n, "in": "path", "required": True,
                                        "schema": {"type": "string"}} for n in names]
        paths.setdefault(path, {})[method.lower()] = operation
    return {"openapi": "3.1.0",
            "info": {"title": "ccctl REST API", "version": "0.1.0",
                     "description": "Agents and supervisors; loopback only. Errors are "
                                    "{\"error\": \"…\"}. Tokens come from 'ccctl token "
                                    "create NAME --role agent|supervisor|admin'."},
            "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Authorization: Bearer TOKEN (an API token)"}}},
            "paths": paths}
