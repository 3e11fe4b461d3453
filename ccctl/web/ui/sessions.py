"""Log-in sessions of the web UI: a random id in an HttpOnly, SameSite=Strict cookie and
a server-side table with an idle expiry. Kept in memory: a restarted daemon asks
everyone to log in again.

Every state-changing request made with the cookie must carry the session's CSRF
token (``X-CSRF-Token`` header, set by the pages' JS from ``<meta name="csrf-token">``,
or a ``csrf`` form field); :func:`principal` checks it for the REST guard, so a
session acts on ``/api`` exactly as an API token of the same role and agent would.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from aiohttp import web

from ccctl.web.tokens import Role, Token

COOKIE = "ccctl_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Session:
    id: str
    user: str
    role: Role
    agent: str | None
    csrf: str
    expires_at: float

    def token(self) -> Token:
        """The session as the REST guard sees it: a token named after the user."""
        return Token(f"user:{self.user}", self.role, self.agent, created="session")


class SessionTable:
    def __init__(self, idle_s: float = 8 * 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s, self._clock = idle_s, clock
        self._sessions: dict[str, Session] = {}

    def create(self, user: str, role: Role, agent: str | None) -> Session:
        self._expire()
        session = Session(secrets.token_urlsafe(32), user, role, agent,
                          secrets.token_urlsafe(32), self._clock() + self.idle_s)
        self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The live session with this id (its expiry pushed on), or None."""
        session = self._sessions.get(session_id or "")
        if session is None or session.expires_at <= self._clock():
            self._sessions.pop(session_id or "", None)
            return None
        session = replace(session, expires_at=self._clock() + self.idle_s)
        self._sessions[session.id] = session
        return session

    def drop(self, session_id: str | None) -> None:
        self._sessions.pop(session_id or "", None)

    def drop_user(self, user: str) -> None:
        for sid in [s.id for s in self._sessions.values() if s.user == user]:
            del self._sessions[sid]

    def _expire(self) -> None:
        now = self._clock()
        for sid in [s.id for s in self._sessions.values() if s.expires_at <= now]:
            del self._sessions[sid]


def of_request(table: SessionTable, request: web.Request) -> Session | None:
    return table.find(request.cookies.get(COOKIE))


def csrf_ok(session: Session, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(),
                                                         session.csrf.encode())


def principal(table: SessionTable) -> Callable[[web.Request], Token | str | None]:
    """For :class:`ccctl.web.auth.Guard`: the session's token, a reason to refuse (a
    state-changing request without the CSRF token), or None when there is no session."""
    def find(request: web.Request) -> Token | str | None:
        session = of_request(table, request)
        if session is None:
            return None
        if request.method not in SAFE_METHODS and not csrf_ok(
                session, request.headers.get(CSRF_HEADER)):
            return (f"a request made with a log-in session must send the page's "
                    f"{CSRF_HEADER} header; reload the page")
        return session.token()

    return find


def set_cookie(response: web.StreamResponse, session: Session) -> None:
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="Strict", path="/")


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")
