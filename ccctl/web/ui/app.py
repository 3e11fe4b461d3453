"""The web UI's routes: log-in and log-out, the three pages, the live feed, static files.

Server-rendered HTML (Jinja, autoescaped) with small vanilla JS modules under
``/static/ui/``. The pages act through the REST API with the session cookie and the
CSRF token (:mod:`ccctl.web.ui.sessions`); these routes are ``OPEN`` to the REST
guard and check the session themselves, so a page without one redirects to the
log-in form instead of answering JSON.

| Page | Who |
|---|---|
| ``/wallboard`` | any logged-in user (counts only) |
| ``/supervisor`` | supervisor, admin |
| ``/agent`` | an agent user (the agent it logs in as) |
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from ccctl.acd.router import Router
from ccctl.config.models import ContactCenter
from ccctl.web.auth import Access, FailureLimiter
from ccctl.web.tokens import Role
from ccctl.web.ui import live, sessions
from ccctl.web.ui.sessions import Session, SessionTable
from ccctl.web.ui.texts import LANG_COOKIE, TEXTS, language
from ccctl.web.ui.users import UserBook

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; "
                               "media-src 'self' blob:; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class UiServices:
    users: UserBook
    sessions: SessionTable
    limiter: FailureLimiter  # failed log-ins per address (not shared with API tokens)
    board: live.Board
    pages: jinja2.Environment
    feeds: live.Feeds


UI = web.AppKey("ui", UiServices)


def build_ui(cc: ContactCenter, router: Router, clock: Callable[[], float],
             users_path: Path, limiter: FailureLimiter | None = None) -> UiServices:
    lang = cc.site.default_language
    board = live.Board(
        router, clock, cc.wallboard,
        {q.id: q.name.get(lang) or next(iter(q.name.values()), q.id) for q in cc.queues},
        {q.id: q.service_level.percent for q in cc.queues},
        {a.id: a.name for a in cc.agents})
    pages = jinja2.Environment(loader=jinja2.PackageLoader("ccctl.web.ui", "templates"),
                               autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return UiServices(UserBook(users_path), SessionTable(),
                      limiter or FailureLimiter(max_failures=5), board, pages, live.Feeds())


def _render(request: web.Request, name: str, session: Session | None, status: int = 200,
            **context: Any) -> web.Response:
    ui, lang = request.app[UI], language(request)
    text = ui.pages.get_template(name).render(
        t=TEXTS[lang], texts=TEXTS[lang], lang=lang, session=session, path=request.path,
        **context)
    response = web.Response(text=text, content_type="text/html", status=status,
                            headers=_HEADERS)
    if request.query.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, samesite="Strict", path="/")
    return response


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **_HEADERS})


def _home(session: Session) -> str:
    return "/agent" if session.role is Role.AGENT else "/supervisor"


def _page(request: web.Request, roles: tuple[Role, ...]) -> Session | web.Response:
    session = sessions.of_request(request.app[UI].sessions, request)
    if session is None:
        raise web.HTTPFound(f"/login?next={request.path}")
    if session.role not in roles:
        log.info("%s: user %r (%s) refused", request.path, session.user, session.role)
        t = TEXTS[language(request)]
        return _render(request, "error.html.j2", session, status=403, message=t[
            "forbidden"].format(role=" / ".join(roles), user=session.user, have=session.role))
    return session


async def index(request: web.Request) -> web.Response:
    session = sessions.of_request(request.app[UI].sessions, request)
    raise web.HTTPFound(_home(session) if session else "/login")


async def login_form(request: web.Request) -> web.Response:
    return _render(request, "login.html.j2", None, next=request.query.get("next", ""))


def _safe_next(value: str) -> str | None:
    return value if value.startswith("/") and not value.startswith("//") else None


async def login(request: web.Request) -> web.Response:
    ui, t = request.app[UI], TEXTS[language(request)]
    form = await request.post()
    name, password = str(form.get("user", "")), str(form.get("password", ""))
    nxt = str(form.get("next", ""))
    client = request.remote or "unknown"
    wait = ui.limiter.retry_after(client)
    if wait > 0:
        response = _render(request, "login.html.j2", None, status=429, next=nxt,
                           error=t["too_many"].format(s=math.ceil(wait)))
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    user = await ui.users.authenticate(name, password)
    if user is None:
        log.warning("web log-in refused for user %r from %s", name, client)
        if ui.limiter.failed(client):
            log.warning("%s: %d failed web log-ins; refusing for a while", client,
                        ui.limiter.max_failures)
        return _render(request, "login.html.j2", None, status=401, next=nxt,
                       error=t["bad_login"], user=name)
    session = ui.sessions.create(user.name, user.role, user.agent)
    log.info("web log-in: user %r (%s) from %s", user.name, user.role, client)
    response = _see_other(_safe_next(nxt) or _home(session))
    sessions.set_cookie(response, session)
    return response


async def logout(request: web.Request) -> web.Response:
    ui = request.app[UI]
    session = sessions.of_request(ui.sessions, request)
    form = await request.post()
    if session is not None:
        if not sessions.csrf_ok(session, str(form.get("csrf", ""))):
            raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the page")
        ui.sessions.drop(session.id)
        log.info("web log-out: user %r", session.user)
    response = _see_other("/login")
    sessions.clear_cookie(response)
    return response


async def wallboard(request: web.Request) -> web.Response:
    found = _page(request, tuple(Role))
    if isinstance(found, web.Response):
        return found
    return _render(request, "wallboard.html.j2", found,
                   board=live.snapshot(request.app[UI].board, found, wallboard=True))


async def supervisor(request: web.Request) -> web.Response:
    found = _page(request, _SUPERVISORS)
    if isinstance(found, web.Response):
        return found
    return _render(request, "supervisor.html.j2", found)


async def agent(request: web.Request) -> web.Response:
    found = _page(request, (Role.AGENT,))
    if isinstance(found, web.Response):
        return found
    return _render(request, "agent.html.j2", found,
                   softphone=(STATIC / "softphone" / "mount.js").is_file())


async def live_feed(request: web.Request) -> web.StreamResponse:
    ui = request.app[UI]
    session = sessions.of_request(ui.sessions, request)
    origin = request.headers.get("Origin")
    if session is None:
        raise web.HTTPUnauthorized(text="log in first")
    if origin is not None and origin.split("://", 1)[-1] != request.host:
        raise web.HTTPForbidden(text="the live feed serves this server's own pages only")
    return await ui.feeds.serve(request, ui.board, session,
                                lambda: ui.sessions.find(session.id) is not None,
                                wallboard=request.query.get("view") == "wallboard")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/", index),
    ("GET", "/login", login_form),
    ("POST", "/login", login),
    ("POST", "/logout", logout),
    ("GET", "/wallboard", wallboard),
    ("GET", "/supervisor", supervisor),
    ("GET", "/agent", agent),
    ("GET", "/ws/live", live_feed),
]
# The REST guard lets these through: each handler checks the session itself.
ACCESS: dict[tuple[str, str], Access] = (
    {(m, p): Access.OPEN for m, p, _ in ROUTES}
    | {("GET", "/static"): Access.OPEN, ("HEAD", "/static"): Access.OPEN})


def register(app: web.Application, ui: UiServices) -> None:
    app[UI] = ui
    app.on_shutdown.append(ui.feeds.close_all)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    app.router.add_static("/static", STATIC, follow_symlinks=False)
