"""REST over the ARI websocket: answers matched by request id, nobody left waiting."""

from __future__ import annotations

import asyncio
import json

import pytest

from ccctl.ari.wsrest import WsClosedError, WsRest


def test_given_a_request_then_asterisk_gets_one_rest_request_and_its_answer_is_returned(
) -> None:
    async def scenario() -> tuple[list[dict[str, object]], tuple[int, str]]:
        sent: list[dict[str, object]] = []
        rest: WsRest

        async def send(text: str) -> None:
            message = json.loads(text)
            sent.append(message)
            # Asterisk answers in between events, by the request's id.
            rest.resolve({"type": "RESTResponse", "request_id": "other", "status_code": 500})
            rest.resolve({"type": "RESTResponse", "request_id": message["request_id"],
                          "status_code": 204, "reason_phrase": "No Content"})

        rest = WsRest(send)
        answer = await rest.request("POST", "/channels/c1/moh", {"mohClass": "default"},
                                    {"x": 1})
        return sent, answer

    sent, answer = asyncio.run(scenario())
    assert answer == (204, "")
    [message] = sent
    assert (message["type"], message["method"], message["uri"]) == (
        "RESTRequest", "POST", "channels/c1/moh")
    assert message["query_strings"] == [{"name": "mohClass", "value": "default"}]
    assert json.loads(str(message["message_body"])) == {"x": 1}


def test_given_the_socket_closes_then_pending_and_later_requests_fail_at_once() -> None:
    async def scenario() -> None:
        async def send(text: str) -> None:
            return None  # Asterisk never answers

        rest = WsRest(send, timeout=30.0)
        pending = asyncio.ensure_future(rest.request("GET", "/channels", {}))
        await asyncio.sleep(0)
        rest.close()
        with pytest.raises(WsClosedError):
            await pending
        with pytest.raises(WsClosedError):
            await rest.request("GET", "/channels", {})

    asyncio.run(scenario())


def test_given_no_answer_then_the_request_times_out() -> None:
    async def scenario() -> None:
        async def send(text: str) -> None:
            return None

        with pytest.raises(TimeoutError):
            await WsRest(send, timeout=0.05).request("GET", "/asterisk/ping", {})

    asyncio.run(scenario())
