"""Transfers out of the queues (outside numbers, the directory) and attended transfers
(a consultation first), with real calls: SIPp callers, agent phones and an outside
party reached through a trunk on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccctl.testing import sipp
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import FAST_NUMBER, Pbx, destroy, free_port, prepare, start

pytestmark = pytest.mark.pbx


@pytest.fixture
def pstn(tmp_path: Path) -> Iterator[tuple[Pbx, int]]:
    """The example with a second trunk, ``pstn``, whose far end is a SIPp phone on
    loopback (port returned): outside numbers and directory entries reach it."""
    handle = prepare(tmp_path)
    port = free_port(socket.SOCK_DGRAM)
    with (handle.config.parent / "e2e.yaml").open("a") as extra:
        extra.write(f"trunks:\n  - id: pstn\n    host: 127.0.0.1:{port}\n    auth: true\n")
    handle.edit("ccctl.yaml", "  trunk: operator\n", "  trunk: pstn\n")
    start(handle)
    try:
        yield handle, port
    finally:
        destroy(handle)


def _agent(daemon: DaemonProcess, agent: str) -> dict[str, Any]:
    return daemon.request("GET", f"/api/agents/{agent}")[1]


def _talking(pbx: Pbx, daemon: DaemonProcess, agent: str) -> str:
    pbx.wait_for(lambda: _agent(daemon, agent).get("state") == "busy",
                 f"{agent} to be talking")
    task: str = _agent(daemon, agent)["task"]
    return task


def test_given_a_connected_call_when_transferred_to_a_directory_entry_then_the_outside_party_has_it(
    pstn: tuple[Pbx, int],
) -> None:
    pbx, port = pstn
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        outside = sipp.AgentPhone(port, "agent.xml")
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=10.0))
        task = _talking(pbx, daemon, "fredrik")

        status, body = daemon.request("POST", f"/api/tasks/{task}/transfer",
                                      {"directory": "socialjouren"})

        assert status == 200, body
        # fredrik is free of the call at once (wrap-up), the caller is not dropped.
        assert _agent(daemon, "fredrik")["state"] in ("wrap_up", "available")
        pbx.wait_for(lambda: "connected to the outside party" in daemon.log(),
                     "the outside party to answer")
        result = caller.wait()
        reached = outside.stop()
        [record] = daemon.request("GET", "/api/calls")[1]["calls"]
    assert result.ok, result.errors
    assert reached.successful >= 1
    assert (record["outcome"], record["agent_id"]) == ("transferred", "fredrik")


def test_given_a_premium_rate_number_then_the_transfer_is_refused_and_the_call_goes_on(
    pstn: tuple[Pbx, int],
) -> None:
    pbx, _ = pstn
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=4.0))
        task = _talking(pbx, daemon, "fredrik")

        status, body = daemon.request("POST", f"/api/tasks/{task}/transfer",
                                      {"number": "+46900123456"})
        bad_status, bad = daemon.request("POST", f"/api/tasks/{task}/transfer",
                                         {"number": "0900-123"})

        assert status == 403 and "+46900" in body["error"]
        assert bad_status == 400 and "E.164" in bad["error"]
        assert _agent(daemon, "fredrik")["task"] == task  # still talking
        assert caller.wait().ok


def test_given_an_outside_party_that_is_busy_then_the_caller_waits_again_with_their_place(
    pstn: tuple[Pbx, int],
) -> None:
    pbx, port = pstn
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        outside = sipp.AgentPhone(port, "agent_busy.xml")
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=8.0))
        task = _talking(pbx, daemon, "fredrik")
        assert daemon.request("POST", "/api/agents/fredrik/pause", {"reason": "möte"})[0] \
            == 200
        waited = _agent(daemon, "fredrik")["call"]["waited_s"]

        assert daemon.request("POST", f"/api/tasks/{task}/transfer",
                              {"number": "+46846500492"})[0] == 200

        def back_in_queue() -> list[dict[str, Any]]:
            queues = daemon.request("GET", "/api/queues")[1]["queues"]
            return next(q for q in queues if q["id"] == "e2e-fast")["tasks"]
        pbx.wait_for(lambda: [t["id"] for t in back_in_queue()] == [task],
                     "the caller to be back in e2e-fast")
        assert back_in_queue()[0]["waited_s"] >= waited  # the original entry time
        outside.stop()
        caller.wait()


def test_given_a_consultation_with_a_colleague_when_completed_then_the_colleague_has_the_caller(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), \
            pbx.agent_phone("david") as david:
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=12.0))
        task = _talking(pbx, daemon, "fredrik")
        assert daemon.request("POST", "/api/agents/david/login")[0] == 200

        status, body = daemon.request("POST", f"/api/tasks/{task}/consult", {"agent": "david"})

        assert status == 200, body
        pbx.wait_for(lambda: "consultation connected" in daemon.log(), "david to answer")
        assert _agent(daemon, "david")["state"] == "consulted"
        assert daemon.request("POST", f"/api/tasks/{task}/consult/complete")[0] == 200
        assert (_agent(daemon, "david")["state"], _agent(daemon, "david")["task"]) == (
            "busy", task)
        assert _agent(daemon, "fredrik")["state"] == "wrap_up"
        result = caller.wait()
        answered = david.stop()
        pbx.wait_for(lambda: daemon.request("GET", "/api/calls")[1]["calls"] != [],
                     "the call record")
        [record] = daemon.request("GET", "/api/calls")[1]["calls"]
    assert result.ok, result.errors
    assert answered.successful >= 1
    assert (record["outcome"], record["agent_id"]) == ("answered", "david")


def test_given_a_consultation_when_cancelled_then_the_agent_is_back_with_the_caller(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), pbx.agent_phone("david"):
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=10.0))
        task = _talking(pbx, daemon, "fredrik")
        assert daemon.request("POST", "/api/agents/david/login")[0] == 200
        assert daemon.request("POST", f"/api/tasks/{task}/consult", {"agent": "david"})[0] \
            == 200
        pbx.wait_for(lambda: "consultation connected" in daemon.log(), "david to answer")

        assert daemon.request("POST", f"/api/tasks/{task}/consult/cancel")[0] == 200

        assert _agent(daemon, "fredrik")["task"] == task  # fredrik still serves the caller
        pbx.wait_for(lambda: _agent(daemon, "david")["state"] == "available",
                     "david to be free again")
        assert daemon.request("POST", f"/api/tasks/{task}/consult/complete")[0] == 409
        assert caller.wait().ok


def test_given_a_call_held_by_a_paused_agent_then_the_caller_hears_announcements_again(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=9.0))
        task = _talking(pbx, daemon, "fredrik")
        assert daemon.request("POST", "/api/agents/fredrik/pause", {"reason": "möte"})[0] \
            == 200
        before = len(daemon.log())

        assert daemon.request("POST", f"/api/tasks/{task}/park")[0] == 200

        # e2e-fast announces 1 s after the caller starts waiting, then every 3 s.
        pbx.wait_for(lambda: f"call {task}: announcement" in daemon.log()[before:],
                     "an announcement to the held caller", timeout=8)
        caller.wait()
