"""Local stand-ins for the SMS providers' documented HTTP APIs, served on 127.0.0.1.

Each fake checks what the real service checks (Basic auth, required fields),
answers in the real service's JSON shape, keeps the messages it accepted, and
can play failures: a planned answer (503, 429 with Retry-After, 400, …) or
DROP — accept the message and drop the connection before answering, as when
a response is lost. ``deliver()`` makes the delivery callback the provider
would make, to the URL it was given with the message.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]
from yarl import URL

from ccctl.sms.provider import basic_auth, parse_basic_auth
from ccctl.sms.webhook_provider import sign

DROP: Literal["drop"] = "drop"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# Letters a Swedish text uses that are in the GSM 7-bit alphabet, to count segments
# independently of the code under test (enough for the bodies the tests send).
_GSM = set("ÅÄÖåäöÉéÜü@£$!\"#%&'()*+,-./:;<=>?\n\r ") | set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def count_segments(body: str) -> int:
    if set(body) <= _GSM:
        return 1 if len(body) <= 160 else -(-len(body) // 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


@dataclass
class Failure:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Plan = Failure | Literal["drop"]


class FakeService:
    """An aiohttp server on a free loopback port; subclasses add the routes."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.requests = 0
        self.plan: list[Plan] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> FakeService:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def next_plan(self) -> Plan | None:
        self.requests += 1
        return self.plan.pop(0) if self.plan else None

    @staticmethod
    def planned(plan: Failure) -> web.Response:
        return web.Response(status=plan.status, text=plan.body, headers=plan.headers,
                            content_type=plan.content_type)

    def accepted(self, request: web.Request, plan: Plan | None, answer: dict[str, Any],
                 status: int = 200) -> web.Response:
        if plan == DROP:
            assert request.transport is not None
            request.transport.close()  # the message is kept, the answer never arrives
        return web.json_response(answer, status=status)

    def next_id(self) -> int:
        return next(self._ids)


def _basic(request: web.Request) -> tuple[str, str] | None:
    return parse_basic_auth(request.headers.get("Authorization"))


class FakeTwilio(FakeService):
    """POST /2010-04-01/Accounts/{AccountSid}/Messages.json, as documented by Twilio."""

    ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
    AUTH_TOKEN = "fake-twilio-auth-token-0123456789"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create)

    @staticmethod
    def error(status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message, "status": status,
                                  "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                                 status=status)

    async def create(self, request: web.Request) -> web.Response:
        plan = self.next_plan()
        if isinstance(plan, Failure):
            return self.planned(plan)
        auth, sid = _basic(request), request.match_info["sid"]
        if auth != (sid, self.AUTH_TOKEN) or sid != self.ACCOUNT_SID:
            return self.error(401, 20003, "Authenticate")
        form = await request.post()
        to, sender, body = (str(form.get(k, "")) for k in ("To", "From", "Body"))
        if not _E164.fullmatch(to):
            return self.error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not body:
            return self.error(400, 21602, "Message body is required.")
        message_sid = f"SM{self.next_id():032x}"
        self.messages.append({"sid": message_sid, "to": to, "from": sender, "body": body,
                              "status_callback": form.get("StatusCallback")})
        return self.accepted(request, plan, {
            "account_sid": sid, "api_version": "2010-04-01", "body": body,
            "date_created": "Thu, 06 Mar 2025 09:15:00 +0000", "date_sent": None,
            "date_updated": "Thu, 06 Mar 2025 09:15:00 +0000", "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": sender,
            "messaging_service_sid": None, "num_media": "0",
            "num_segments": str(count_segments(body)), "price": None, "price_unit": "USD",
            "sid": message_sid, "status": "queued", "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Media.json"},
            "to": to, "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        }, status=201)

    async def deliver(self, message_sid: str, status: str, error_code: str | None = None,
                      token: str | None = None) -> int:
        """Twilio's StatusCallback: a signed form POST; returns the receiver's status."""
        message = next(m for m in self.messages if m["sid"] == message_sid)
        url = message["status_callback"]
        params = {"AccountSid": self.ACCOUNT_SID, "ApiVersion": "2010-04-01",
                  "From": message["from"], "MessageSid": message_sid,
                  "MessageStatus": status, "SmsSid": message_sid, "SmsStatus": status,
                  "To": message["to"]}
        if error_code:
            params["ErrorCode"] = error_code
        signature = RequestValidator(token or self.AUTH_TOKEN).compute_signature(url, params)
        async with aiohttp.ClientSession() as session, session.post(
                url, data=params, headers={"X-Twilio-Signature": signature}) as response:
            return response.status


class FakeElks(FakeService):
    """POST /a1/sms, as documented by 46elks (https://46elks.com/docs/send-sms)."""

    USERNAME = "u0123456789abcdef0123456789abcdef"
    PASSWORD = "fake-elks-api-password-0123"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/a1/sms", self.create)

    async def create(self, request: web.Request) -> web.Response:
        plan = self.next_plan()
        if isinstance(plan, Failure):
            return self.planned(plan)
        auth = _basic(request)
        if auth != (self.USERNAME, self.PASSWORD):
            return web.Response(status=401, text="Wrong username or password")
        form = await request.post()
        for key in ("from", "to", "message"):
            if not form.get(key):
                return web.Response(status=400, text=f"Missing key {key}")
        to, sender, body = str(form["to"]), str(form["from"]), str(form["message"])
        if not _E164.fullmatch(to):
            return web.Response(status=400, text="Invalid to")
        message_id = f"s{self.next_id():032x}"
        parts = count_segments(body)
        self.messages.append({"id": message_id, "to": to, "from": sender, "message": body,
                              "whendelivered": form.get("whendelivered")})
        return self.accepted(request, plan, {
            "status": "created", "direction": "outgoing", "from": sender,
            "created": "2025-03-06T09:15:00.123000", "parts": parts, "to": to,
            "cost": 3500 * parts, "message": body, "id": message_id})

    async def deliver(self, message_id: str, status: str) -> int:
        """46elks' delivery report: a form POST to whendelivered (Basic auth from its URL)."""
        message = next(m for m in self.messages if m["id"] == message_id)
        url = URL(message["whendelivered"])
        headers = {"Authorization": basic_auth(url.user, url.password or "")} if url.user else {}
        form = {"id": message_id, "status": status}
        if status == "delivered":
            form["delivered"] = "2025-03-06T09:15:07.456000"
        async with aiohttp.ClientSession() as session, session.post(
                url.with_user(None), data=form, headers=headers) as response:
            return response.status


class FakeGateway(FakeService):
    """A gateway speaking ccctl's generic JSON contract, deduplicating by Idempotency-Key."""

    AUTHORIZATION = "Bearer fake-gateway-token-0123456789"
    CALLBACK_SECRET = "fake-gateway-callback-secret-0123"

    def __init__(self) -> None:
        super().__init__()
        self.by_key: dict[str, dict[str, Any]] = {}
        self.keys_seen: list[str] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/send", self.create)

    async def create(self, request: web.Request) -> web.Response:
        plan = self.next_plan()
        if isinstance(plan, Failure):
            return self.planned(plan)
        if request.headers.get("Authorization") != self.AUTHORIZATION:
            return web.json_response({"error": "unauthorized"}, status=401)
        key = request.headers.get("Idempotency-Key", "")
        self.keys_seen.append(key)
        if not key:
            return web.json_response({"error": "Idempotency-Key is required"}, status=400)
        if key in self.by_key:
            return web.json_response(self.by_key[key])  # the first answer, nothing sent
        data = await request.json()
        if not _E164.fullmatch(str(data.get("to", ""))) or not data.get("body"):
            return web.json_response({"error": "to must be E.164 and body non-empty"},
                                     status=400)
        answer = {"id": f"gw-{self.next_id()}", "status": "queued",
                  "segments": count_segments(data["body"])}
        self.messages.append({**data, "id": answer["id"]})
        self.by_key[key] = answer
        return self.accepted(request, plan, answer)

    async def deliver(self, message_id: str, status: str, secret: str | None = None) -> int:
        message = next(m for m in self.messages if m["id"] == message_id)
        body = json.dumps({"id": message_id, "status": status,
                           "delivered_at": "2025-03-06T09:15:07Z"}).encode()
        headers = {"Content-Type": "application/json",
                   "X-Ccctl-Signature": sign(secret or self.CALLBACK_SECRET, body)}
        async with aiohttp.ClientSession() as session, session.post(
                message["status_callback"], data=body, headers=headers) as response:
            return response.status


@contextmanager
def fake_elks() -> Iterator[FakeElks]:
    """The fake 46elks API on a loopback port, served from a thread of its own."""
    loop = asyncio.new_event_loop()
    service = FakeElks()
    started = threading.Event()
    stop = asyncio.Event()

    async def serve() -> None:
        async with service:
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(10), "the fake SMS provider did not start"
    try:
        yield service
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
