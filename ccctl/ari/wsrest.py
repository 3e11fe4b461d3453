"""ARI REST requests over the events websocket (Asterisk 20.13/21.8/22.3 and later).

One ``RESTRequest`` JSON message per request; Asterisk answers with a
``RESTResponse`` carrying the same ``request_id``, in between the events. No HTTP
request per call-control step on either side: measured in ``bench/voice.py``, this
is most of the daemon's CPU per call. The connection routes responses here
(:meth:`WsRest.resolve`) and fails what is still pending when the socket closes,
so no caller waits for an answer that cannot come.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

Send = Callable[[str], Awaitable[None]]


class WsClosedError(ConnectionError):
    """The websocket closed before Asterisk answered."""


class WsRest:
    def __init__(self, send: Send, timeout: float = 10.0) -> None:
        self._send = send
        self._timeout = timeout
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[tuple[int, str]]] = {}
        self._lock = asyncio.Lock()  # one frame at a time on the socket
        self.closed = False

    async def request(self, method: str, path: str, params: Mapping[str, str],
                      body: Mapping[str, Any] | None = None) -> tuple[int, str]:
        """``(status, body)`` of one request; raises WsClosedError or TimeoutError."""
        if self.closed:
            raise WsClosedError("the ARI websocket is closed")
        request_id = f"r{next(self._ids)}"
        message: dict[str, Any] = {"type": "RESTRequest", "transaction_id": request_id,
                                   "request_id": request_id, "method": method,
                                   "uri": path.lstrip("/")}
        if params:
            message["query_strings"] = [{"name": k, "value": v} for k, v in params.items()]
        if body is not None:
            message["content_type"] = "application/json"
            message["message_body"] = json.dumps(body)
        future: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            async with self._lock:
                await self._send(json.dumps(message))
            return await asyncio.wait_for(future, self._timeout)
        finally:
            self._pending.pop(request_id, None)

    def resolve(self, data: Mapping[str, Any]) -> None:
        """A ``RESTResponse`` arrived: hand it to whoever asked."""
        future = self._pending.get(str(data.get("request_id", "")))
        if future is not None and not future.done():
            future.set_result((int(data.get("status_code", 0)),
                               str(data.get("message_body") or "")))

    def close(self) -> None:
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(WsClosedError("the ARI websocket closed"))
