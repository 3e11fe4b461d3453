"""ARI REST calls over one aiohttp session.

Errors become :class:`AriError` with the method, path, status and Asterisk's
own message; a 404 on a channel that has just hung up is ordinary in call
control, so callers can catch :class:`AriNotFoundError` specifically.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from ccctl.ari.wsrest import WsClosedError, WsRest


class AriError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"ARI {method} {path}: {status} {message}")


class AriNotFoundError(AriError):
    """The channel, bridge or playback does not exist (any more)."""


@dataclass(frozen=True)
class AriSettings:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    app: str

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/ari"

    @property
    def events_url(self) -> str:
        return (f"ws://{self.host}:{self.port}/ari/events?app={quote(self.app)}"
                "&subscribeAll=false")

    def auth_header(self) -> dict[str, str]:
        # aiohttp deprecates BasicAuth objects; send the header ourselves.
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


class AriRest:
    """Requests go over the events websocket while it is up (``websocket``, set by the
    connection once it reads), else over HTTP — e.g. the resync that runs before the
    connection starts reading."""

    def __init__(self, session: aiohttp.ClientSession, settings: AriSettings,
                 timeout: float = 10.0) -> None:
        self._session = session
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.websocket: WsRest | None = None

    async def request(self, method: str, path: str, **params: str | int) -> Any:
        return await self._send(method, path, {k: str(v) for k, v in params.items()}, None)

    async def request_json(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """A request whose parameters go in a JSON body (e.g. an event filter)."""
        return await self._send(method, path, {}, body)

    async def _send(self, method: str, path: str, query: dict[str, str],
                    body: dict[str, Any] | None) -> Any:
        websocket = self.websocket
        try:
            if websocket is not None and not websocket.closed:
                status, text = await websocket.request(method, path, query, body)
            else:
                status, text = await self._http(method, path, query, body)
        except (aiohttp.ClientError, WsClosedError, TimeoutError) as exc:
            raise AriError(method, path, 0, f"connection failed: {exc}") from exc
        if status >= 400:
            kind = AriNotFoundError if status == 404 else AriError
            raise kind(method, path, status, _message(text))
        return json.loads(text) if text else None

    async def _http(self, method: str, path: str, query: dict[str, str],
                    body: dict[str, Any] | None) -> tuple[int, str]:
        async with self._session.request(method, self._settings.base_url + path,
                                         params=query, json=body,
                                         headers=self._settings.auth_header(),
                                         timeout=self._timeout) as response:
            return response.status, await response.text()

    # Channels -------------------------------------------------------------
    async def channels(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("GET", "/channels")
        return result

    async def answer(self, channel_id: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/answer")

    async def hangup(self, channel_id: str, reason: str = "normal") -> None:
        await self.request("DELETE", f"/channels/{channel_id}", reason=reason)

    async def continue_in_dialplan(self, channel_id: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/continue")

    async def play(self, channel_id: str, media: str, playback_id: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/play/{playback_id}", media=media)

    async def set_variable(self, channel_id: str, name: str, value: str) -> None:
        await self.request("POST", f"/channels/{channel_id}/variable", variable=name,
                           value=value)

    async def get_variable(self, channel_id: str, name: str) -> str:
        result = await self.request("GET", f"/channels/{channel_id}/variable", variable=name)
        return str(result.get("value", "")) if isinstance(result, dict) else ""

    async def originate(self, endpoint: str, channel_id: str, *, app_args: str,
                        caller_id: str = "", ring_seconds: int = 30) -> None:
        params: dict[str, str | int] = {"endpoint": endpoint, "app": self._settings.app,
                                        "appArgs": app_args, "timeout": ring_seconds}
        if caller_id:
            params["callerId"] = caller_id
        await self.request("POST", f"/channels/{channel_id}", **params)

    # Bridges --------------------------------------------------------------
    async def bridges(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("GET", "/bridges")
        return result

    async def create_bridge(self, bridge_id: str, kind: str = "mixing", name: str = "") -> None:
        await self.request("POST", f"/bridges/{bridge_id}", type=kind, name=name or bridge_id)

    async def add_to_bridge(self, bridge_id: str, *channel_ids: str) -> None:
        """One request for several channels (ARI takes a comma-separated list)."""
        await self.request("POST", f"/bridges/{bridge_id}/addChannel",
                           channel=",".join(channel_ids))

    async def remove_from_bridge(self, bridge_id: str, channel_id: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/removeChannel", channel=channel_id)

    async def start_moh(self, bridge_id: str, moh_class: str = "default") -> None:
        await self.request("POST", f"/bridges/{bridge_id}/moh", mohClass=moh_class)

    async def destroy_bridge(self, bridge_id: str) -> None:
        await self.request("DELETE", f"/bridges/{bridge_id}")

    # Applications ---------------------------------------------------------
    async def filter_events(self, allowed: list[str]) -> None:
        """Only these event types reach the application (Asterisk does not send the rest).
        Answers to REST requests over the websocket pass the same filter: always allowed."""
        types = sorted({*allowed, "RESTResponse"})
        await self.request_json("PUT", f"/applications/{self._settings.app}/eventFilter",
                                {"allowed": [{"type": t} for t in types]})

    # Endpoints ------------------------------------------------------------
    async def endpoints(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("GET", "/endpoints")
        return result


def _message(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(data, dict) and "message" in data:
        return str(data["message"])
    return text.strip()[:200]
