"""Who may call which route: bearer tokens, roles, and a brake on guessing.

Every route has an :class:`Access` class (the table is :data:`ccctl.web.api.ROUTES`);
the middleware checks it before the handler runs:

* ``OPEN`` — ``/health``, ``/metrics``, ``/openapi.json``: no personal data, and load
  balancers and Prometheus scrape them without credentials.
* ``OWN_AGENT`` — ``/api/agents/{agent}…``: an agent token for that agent, or a
  supervisor or admin token.
* ``SERVING`` — park, transfer, hang up ``/api/tasks/{task}…``: an agent token whose
  agent is serving that call right now (the router's view), or a supervisor or admin.
* ``ANY_TOKEN`` — any valid token, whatever its role (nothing uses it yet; e.g. a
  directory search that agents need to pick a transfer target).
* ``SUPERVISOR`` and ``ADMIN`` — by role; an admin may do what a supervisor may.

A route missing from the table needs an admin token (closed by default).

A request without an ``Authorization`` header may instead carry a web UI log-in
session (:attr:`Guard.session`, see :mod:`ccctl.web.ui.sessions`): it counts as a
token of the user's role and agent, and a state-changing request needs its CSRF token.

Answers: 401 (with ``WWW-Authenticate: Bearer``) when the token is missing, malformed,
unknown or revoked; 403 when it is valid but not allowed here; 429 after too many
unknown tokens from one address; 503 when the tokens file cannot be read. The body
is always ``{"error": "…"}`` and says what to do. A token is never logged.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ccctl.web.tokens import Role, Token, TokenBook

log = logging.getLogger(__name__)

TOKEN = web.RequestKey("token", Token)  # the authenticated token, for handlers that log
_CREATE = "an administrator creates one with 'ccctl token create NAME --role ROLE'"


class Access(Enum):
    OPEN = "open"
    OWN_AGENT = "own agent"
    SERVING = "serving agent"
    ANY_TOKEN = "any token"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


_NEEDS = {Access.SUPERVISOR: "a supervisor or admin token", Access.ADMIN: "an admin token"}


class FailureLimiter:
    """At most ``max_failures`` failed authentications per ``window_s`` per client.

    Over the limit, the client's every request (even with a valid token, or guessing
    would still pay) is answered 429 until its oldest failure leaves the window.
    """

    def __init__(self, max_failures: int = 10, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s, self._clock = max_failures, window_s, clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, client: str) -> float:
        """Seconds until ``client`` may try again; 0 when it may now."""
        failures = self._recent(client)
        if len(failures) < self.max_failures:
            return 0.0
        return max(0.0, failures[0] + self.window_s - self._clock())

    def failed(self, client: str) -> bool:
        """Count a failure; True when it is the one that reaches the limit."""
        failures = self._failures.setdefault(client, deque(maxlen=self.max_failures))
        failures.append(self._clock())
        if len(self._failures) > 1024:  # many clients: forget those with nothing recent
            for stale in [c for c in self._failures if not self._recent(c)]:
                del self._failures[stale]
        return len(self._recent(client)) == self.max_failures

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client, deque())
        while failures and failures[0] <= self._clock() - self.window_s:
            failures.popleft()
        return failures


@dataclass(frozen=True)
class Guard:
    """What the middleware needs; built once by :func:`ccctl.web.api.build_app`."""

    tokens: TokenBook
    access: Mapping[tuple[str, str], Access]  # (method, path pattern) → who may
    serving: Callable[[str], str | None]  # task id → the agent serving it, if any
    limiter: FailureLimiter = field(default_factory=FailureLimiter)
    # The web UI's log-in session of a request: its token, why it is refused, or None.
    session: Callable[[web.Request], Token | str | None] | None = None


def _error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _unauthorised(message: str, *, invalid: bool = True) -> web.Response:
    # RFC 6750: no error code when no credentials were sent at all.
    challenge = 'Bearer realm="ccctl"' + (', error="invalid_token"' if invalid else "")
    return _error(401, message, **{"WWW-Authenticate": challenge})


def _access(guard: Guard, request: web.Request) -> Access | None:
    """The route's access class; None for aiohttp's own 404/405 answers."""
    route = request.match_info.route
    if route.resource is None:
        return None
    return guard.access.get((route.method, route.resource.canonical), Access.ADMIN)


def _authenticate(guard: Guard, request: web.Request, client: str) -> Token | web.Response:
    header = request.headers.get("Authorization")
    found = guard.session(request) if header is None and guard.session else None
    if isinstance(found, str):
        return _error(403, found)
    if found is not None:
        return found
    if header is None:
        return _unauthorised(f"this route needs an API token: send 'Authorization: Bearer "
                             f"TOKEN' ({_CREATE})", invalid=False)
    scheme, _, presented = header.partition(" ")
    presented = presented.strip()
    token = guard.tokens.find(presented) if scheme.lower() == "bearer" and presented else None
    if guard.tokens.problem is not None:
        return _error(503, "the daemon cannot read its API tokens file; its log says why")
    if token is not None and token.revoked:
        # Not a guess: a client still using a withdrawn token. Not counted, so it
        # cannot lock out everyone else on the same address (all of loopback).
        log.info("%s %s: revoked API token %r from %s", request.method, request.path,
                 token.name, client)
        return _unauthorised(f"the API token {token.name!r} was revoked at {token.revoked}; "
                             f"ask for a new one ({_CREATE})")
    if token is None:
        log.warning("%s %s: unknown or malformed API token from %s", request.method,
                    request.path, client)
        if guard.limiter.failed(client):
            log.warning("%s: %d invalid API tokens within %g s; answering 429 for a while",
                        client, guard.limiter.max_failures, guard.limiter.window_s)
        if scheme.lower() != "bearer" or not presented:
            return _unauthorised("the Authorization header must be 'Bearer TOKEN'")
        return _unauthorised(f"the API token is not valid (mistyped, or never created "
                             f"here); {_CREATE}")
    return token


def _forbidden(guard: Guard, request: web.Request, token: Token, access: Access) -> str | None:
    """Why ``token`` may not use this route, or None when it may."""
    if access is Access.ANY_TOKEN or token.role is Role.ADMIN or (
            token.role is Role.SUPERVISOR and access is not Access.ADMIN):
        return None
    if access in _NEEDS:
        return f"this route needs {_NEEDS[access]}; token {token.name!r} has role {token.role}"
    agent = request.match_info.get("agent")
    if access is Access.OWN_AGENT and agent == token.agent:
        return None
    if access is Access.OWN_AGENT:
        return (f"the agent token {token.name!r} may act only on agent {token.agent!r}, not "
                f"on {agent!r}; other agents need a supervisor token")
    task = request.match_info.get("task", "")
    if access is Access.SERVING and token.agent and guard.serving(task) == token.agent:
        return None
    # An unknown task gets the same answer: agents cannot probe which calls exist.
    return (f"the agent token {token.name!r} may act only on the call agent {token.agent!r} "
            f"is serving now; call {task!r} is not it (a supervisor token may)")


def middleware(guard: Guard) -> Middleware:
    @web.middleware
    async def authorise(request: web.Request, handler: Handler) -> web.StreamResponse:
        access = _access(guard, request)
        if access is None or access is Access.OPEN:
            return await handler(request)
        client = request.remote or "unknown"
        wait = guard.limiter.retry_after(client)
        if wait > 0:
            return _error(429, f"too many invalid API tokens from {client}; try again in "
                               f"{math.ceil(wait)} s", **{"Retry-After": str(math.ceil(wait))})
        found = _authenticate(guard, request, client)
        if isinstance(found, web.Response):
            return found
        problem = _forbidden(guard, request, found, access)
        if problem is not None:
            log.info("%s %s: token %r refused: %s", request.method, request.path, found.name,
                     problem)
            return _error(403, problem)
        request[TOKEN] = found
        return await handler(request)

    return authorise
