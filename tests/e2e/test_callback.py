"""Callbacks with real calls: a waiting SIPp caller presses 1, enters a number and hangs
up; at their turn ccctl rings the agent, then dials the "citizen" (a SIPp phone behind
a trunk on loopback). Unreachable citizens get an SMS through a fake 46elks that
speaks their documented API."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ccctl.testing import sipp
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import FAST_NUMBER, Pbx, destroy, free_port, prepare, start
from tests.sms.fakes import FakeElks, fake_elks

pytestmark = pytest.mark.pbx

CITIZEN = "+46846500480"  # fiction range; reached through the pstn trunk


@pytest.fixture
def callback_pbx(tmp_path: Path) -> Iterator[tuple[Pbx, int, FakeElks]]:
    """The example with callbacks in e2e-fast (2 attempts, 3 s apart, 6 s of ringing), a
    pstn trunk whose far end is a SIPp phone (port returned), and SMS via a fake 46elks."""
    with fake_elks() as elks:
        handle = prepare(tmp_path)
        port = free_port(socket.SOCK_DGRAM)
        config = handle.config.parent
        text = (config / "e2e.yaml").read_text().replace(
            "    ring_timeout_seconds: 5\n",
            "    ring_timeout_seconds: 5\n"
            "    callback: {key: \"1\", attempts: 2, retry_seconds: 3, ring_seconds: 6}\n", 1)
        text += (f"trunks:\n  - id: pstn\n    host: 127.0.0.1:{port}\n    auth: true\n"
                 "sms:\n  sender: Kommunen\n  provider:\n    kind: 46elks\n"
                 f"    username: {FakeElks.USERNAME}\n    password: secret:elks_password\n"
                 f"    api_url: {elks.url}/a1\n")
        (config / "e2e.yaml").write_text(text)
        handle.edit("ccctl.yaml", "  trunk: operator\n", "  trunk: pstn\n")
        start(handle)
        secrets = json.loads(handle.secrets.read_text())
        secrets["sms"] = {"elks_password": FakeElks.PASSWORD}
        handle.secrets.write_text(json.dumps(secrets))
        try:
            yield handle, port, elks
        finally:
            destroy(handle)


@contextmanager
def _phone(pbx: Pbx, port: int, scenario: str) -> Iterator[sipp.AgentPhone]:
    """The citizen's phone behind the pstn trunk, stopped whatever happens. Asterisk
    is made to qualify the trunk now: a qualify that found no phone earlier would
    otherwise keep it unreachable, and every callback attempt would fail at once."""
    phone = sipp.AgentPhone(port, scenario)
    try:
        pbx.box.rx("pjsip qualify pstn")
        pbx.wait_for(lambda: "Unavailable" not in pbx.box.rx("pjsip show endpoint pstn"),
                     "the pstn trunk's far end to be reachable")
        yield phone
    finally:
        phone.stop()


def _asks_for_callback(pbx: Pbx, number: str, *, after: float) -> sipp.Running:
    """A caller to e2e-fast who presses 1 ``after`` seconds in, then types ``number``
    (national form) and #, and waits for ccctl to hang up."""
    keys = (sipp.Key("1", after), *(sipp.Key(d, 0.3 if i else 2.0)
                                    for i, d in enumerate(number)), sipp.Key("#", 0.3))
    scenario = sipp.dtmf_scenario(pbx.workdir, keys, then_wait=30.0, pbx_hangs_up=True)
    return sipp.Running(replace(pbx.call(FAST_NUMBER, seconds=60.0), scenario=scenario,
                                timeout_s=90))


def _agent(daemon: DaemonProcess, agent: str) -> dict[str, Any]:
    return daemon.request("GET", f"/api/agents/{agent}")[1]


def _records(daemon: DaemonProcess) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = daemon.request("GET", "/api/calls")[1]["calls"]
    return records


def test_given_the_third_caller_asks_for_a_callback_then_it_is_called_back_at_its_turn(
    callback_pbx: tuple[Pbx, int, FakeElks],
) -> None:
    pbx, port, _ = callback_pbx
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), \
            _phone(pbx, port, "agent.xml") as citizen:
        first = sipp.Running(pbx.call(FAST_NUMBER, seconds=16.0))
        pbx.wait_for(lambda: _waiting(daemon) == 1, "caller 1")
        second = sipp.Running(pbx.call(FAST_NUMBER, seconds=24.0))
        pbx.wait_for(lambda: _waiting(daemon) == 2, "caller 2")
        third = _asks_for_callback(pbx, CITIZEN.replace("+46", "0"), after=1.0)
        pbx.wait_for(lambda: "callback booked" in daemon.log(), "the callback booking",
                     timeout=20)
        booked = _tasks(daemon)[2]["id"]
        assert third.wait().ok  # ccctl hung up after confirming; the caller is gone
        later = sipp.Running(replace(pbx.call(FAST_NUMBER, seconds=32.0), timeout_s=90))
        pbx.wait_for(lambda: _waiting(daemon) == 4, "caller 4")
        assert [t["id"] for t in _tasks(daemon)][2] == booked  # its place kept: third

        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        pbx.wait_for(lambda: "the citizen and the agent are connected" in daemon.log(),
                     "the callback to be connected", timeout=45)
        # Not before: callers 1 and 2 were served first; not after: caller 4 still waits.
        assert [r["outcome"] for r in _records(daemon)] == ["answered", "answered"]
        assert _agent(daemon, "fredrik")["task"] == booked
        assert len(_tasks(daemon)) == 1
        assert daemon.request("POST", f"/api/tasks/{booked}/hangup")[0] == 200
        pbx.wait_for(lambda: _agent(daemon, "fredrik").get("task") not in (None, booked)
                     and _agent(daemon, "fredrik")["state"] == "busy", "caller 4's turn",
                     timeout=20)
        first.wait()
        second.wait()
        later.wait()
        pbx.wait_for(lambda: len(_records(daemon)) == 4, "caller 4's call record")
        records = _records(daemon)
        reached = citizen.stop()
        log = daemon.log()
    assert reached.successful >= 1  # the citizen's phone took the call …
    assert log.count("calling the citizen back (attempt") == 1  # … the one and only time
    served = sorted(records, key=lambda r: r["answered_at"])
    assert [r["entered_at"] for r in served] == sorted(r["entered_at"] for r in served)
    assert [r["kind"] for r in served] == ["voice", "voice", "callback", "voice"]


def _tasks(daemon: DaemonProcess) -> list[dict[str, Any]]:
    queue = next(q for q in daemon.request("GET", "/api/queues")[1]["queues"]
                 if q["id"] == "e2e-fast")
    tasks: list[dict[str, Any]] = queue["tasks"]
    return tasks


def _waiting(daemon: DaemonProcess) -> int:
    return len(_tasks(daemon))


def test_given_a_citizen_who_never_answers_then_ccctl_retries_and_then_sends_the_sms(
    callback_pbx: tuple[Pbx, int, FakeElks],
) -> None:
    pbx, port, elks = callback_pbx
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), \
            _phone(pbx, port, "agent_busy.xml"):
        caller = _asks_for_callback(pbx, CITIZEN.replace("+46", "0"), after=1.0)
        pbx.wait_for(lambda: "callback booked" in daemon.log(), "the booking", timeout=20)
        caller.wait()
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        pbx.wait_for(lambda: "SMS sent to the citizen" in daemon.log(), "the SMS",
                     timeout=45)
        [record] = _records(daemon)
        log = daemon.log()
    assert log.count("calling the citizen back (attempt") == 2  # 2 attempts, 3 s apart
    assert record["outcome"] == "unreachable" and record["kind"] == "callback"
    [sms] = elks.messages
    assert sms["to"] == CITIZEN and sms["from"] == "Kommunen"
    assert "inte nått dig" in sms["message"]  # the Swedish text: the caller's language


def test_given_callbacks_booked_by_phone_and_web_when_the_daemon_is_killed_then_each_fires_once(
    callback_pbx: tuple[Pbx, int, FakeElks],
) -> None:
    pbx, port, _ = callback_pbx
    store = f"sqlite:///{pbx.workdir / 'state' / 'ccctl.db'}"
    with running_daemon(pbx, store) as first:
        caller = _asks_for_callback(pbx, CITIZEN.replace("+46", "0"), after=1.0)
        pbx.wait_for(lambda: "callback booked" in first.log(), "the phone booking", timeout=20)
        caller.wait()
        status, web = first.request("POST", "/api/callbacks", {
            "queue": "e2e-fast", "number": "08-465 004 80", "language": "en"})
        assert status == 201, web
        booked = [t["id"] for t in _tasks(first)]
        first.proc.kill()  # SIGKILL: no clean shutdown
        first.proc.wait()

    with running_daemon(pbx, store) as second, pbx.agent_phone("fredrik"), \
            _phone(pbx, port, "agent.xml"):
        assert [t["id"] for t in _tasks(second)] == booked  # both kept, in their order
        assert booked[1] == web["id"]
        assert second.request("POST", "/api/agents/fredrik/login")[0] == 200
        for task in booked:
            pbx.wait_for(lambda t=task: _agent(second, "fredrik").get("task") == t
                         and f"call {t}: the citizen and the agent are connected"
                         in second.log(), f"callback {task}", timeout=30)
            assert second.request("POST", f"/api/tasks/{task}/hangup")[0] == 200
        pbx.wait_for(lambda: len(_records(second)) == 2, "both call records")
        log = second.log()
    for task in booked:
        assert log.count(f"call {task}: calling the citizen back (attempt") == 1


def test_given_customer_first_then_the_citizen_is_dialled_before_the_agent_rings(
    callback_pbx: tuple[Pbx, int, FakeElks],
) -> None:
    pbx, port, _ = callback_pbx
    pbx.edit("e2e.yaml", "callback: {key: \"1\",", "callback: {key: \"1\", mode: customer_first,")
    pbx.box.stop()
    start(pbx)
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), \
            _phone(pbx, port, "agent.xml"):
        status, booked = daemon.request("POST", "/api/callbacks", {
            "queue": "e2e-fast", "number": CITIZEN})
        assert status == 201, booked
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        pbx.wait_for(lambda: _agent(daemon, "fredrik").get("state") == "busy",
                     "the callback to be connected", timeout=30)
        log = daemon.log()
        assert _agent(daemon, "fredrik")["task"] == booked["id"]
        assert daemon.request("POST", f"/api/tasks/{booked['id']}/hangup")[0] == 200
    # The citizen answered first; only then did fredrik's phone ring.
    answered = log.index(f"call {booked['id']}: the citizen answered")
    assert answered < log.index(f"call {booked['id']}: offering to agent fredrik",
                                log.index("calling the citizen back"))
