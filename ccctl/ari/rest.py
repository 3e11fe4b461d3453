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
    def __init__(self, session: aiohttp.ClientSession, settings: AriSettings,
                 timeout: float = 10.0) -> None:
        self._session = session
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def request(self, method: str, path: str, **params: str | int) -> Any:
        url = self._settings.base_url + path
        query = {k: str(v) for k, v in params.items()}
        try:
            async with self._session.request(method, url, params=query,
                                             headers=self._settings.auth_header(),
                                             timeout=self._timeout) as response:
                text = await response.text()
                if response.status >= 400:
                    kind = AriNotFoundError if response.status == 404 else AriError
                    raise kind(method, path, response.status, _message(text))
                if not text:
                    return None
                return await response.json(content_type=None)
        except aiohttp.ClientError as exc:
            raise AriError(method, path, 0, f"connection failed: {exc}") from exc

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

    async def add_to_bridge(self, bridge_id: str, channel_id: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/addChannel", channel=channel_id)

    async def remove_from_bridge(self, bridge_id: str, channel_id: str) -> None:
        await self.request("POST", f"/bridges/{bridge_id}/removeChannel", channel=channel_id)

    async def start_moh(self, bridge_id: str, moh_class: str = "default") -> None:
        await self.request("POST", f"/bridges/{bridge_id}/moh", mohClass=moh_class)

    async def destroy_bridge(self, bridge_id: str) -> None:
        await self.request("DELETE", f"/bridges/{bridge_id}")

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
