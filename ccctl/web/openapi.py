"""The REST API described as an OpenAPI 3.1 document (served at ``/openapi.json``).

One entry per route in :data:`ccctl.web.api.ROUTES`; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

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
        out[str(code)] = {"description": {400: "Malformed request", 404: "No such agent, task "
                                          "or queue", 409: "Not allowed in the current state",
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
        "Blind transfer to a queue or a colleague; the entry time is kept",
        _body(queue={"type": "string"}, agent={"type": "string"}), _ACTION),
    ("POST", "/api/tasks/{task}/hangup"): ("End the caller's call", None, _ACTION),
}


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), (summary, body, responses) in OPERATIONS.items():
        operation: dict[str, Any] = {"summary": summary, "responses": responses}
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            operation["parameters"] = [{"name": n, "in": "path", "required": True,
                                        "schema": {"type": "string"}} for n in names]
        if body is not None:
            operation["requestBody"] = body
        paths.setdefault(path, {})[method.lower()] = operation
    return {"openapi": "3.1.0",
            "info": {"title": "ccctl REST API", "version": "0.1.0",
                     "description": "Agents and supervisors; loopback only. Errors are "
                                    "{\"error\": \"…\"}."},
            "paths": paths}
