"""`ccctl run` in charge of real calls: callers wait in ccctl's queue and reach agents."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from typing import Any

import pytest

from ccctl.testing import sipp
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import DIRECT_NUMBER, FAST_NUMBER, Pbx

pytestmark = pytest.mark.pbx

MAIN_NUMBER = DIRECT_NUMBER  # → queue vaxel, always open


def test_given_a_logged_in_agent_when_a_caller_dials_then_ccctl_connects_them(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik") as phone:
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200

        talking = sipp.Running(pbx.call(MAIN_NUMBER, seconds=4.0))
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("state")
                     == "busy", "fredrik to be talking")
        call = daemon.request("GET", "/api/agents/fredrik")[1]["call"]
        caller = talking.wait()
        agent_calls = phone.stop()

        # What the agent sees of the call: the queue, the language, the wait so far.
        assert (call["queue"], call["language"]) == ("vaxel", "sv")
        assert call["waited_s"] >= 0 and call["identification"] == {}

        assert caller.ok, caller.errors
        assert agent_calls.successful >= 1
        assert "connected to agent fredrik" in daemon.log()
        # The Växel queue has 10 s of wrap-up after each call.
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("state")
                     == "wrap_up", "fredrik to be in wrap-up")
        [record] = daemon.request("GET", "/api/calls")[1]["calls"]
        assert (record["queue_id"], record["outcome"], record["agent_id"]) == (
            "vaxel", "answered", "fredrik")
        assert record["entered_at"] <= record["answered_at"] <= record["ended_at"]
    assert "falls back to app_queue" not in "\n".join(pbx.box.log_lines("NOTICE"))


def test_given_no_agent_logged_in_when_a_caller_dials_then_they_wait_in_the_queue(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon:
        waiting = sipp.Running(pbx.call(MAIN_NUMBER, seconds=4.0))
        def vaxel() -> dict[str, Any]:
            queues = daemon.request("GET", "/api/queues")[1]["queues"]
            return next(q for q in queues if q["id"] == "vaxel")

        pbx.wait_for(lambda: vaxel()["waiting"] == 1, "the caller to be waiting in vaxel")
        listing = vaxel()
        caller = waiting.wait()

        assert caller.ok, caller.errors  # nobody hung up on the caller: they waited
        assert listing["tasks"][0]["position"] == 1
        pbx.wait_for(lambda: bool(daemon.request("GET", "/api/calls")[1]["calls"]),
                     "the call record")
        [record] = daemon.request("GET", "/api/calls")[1]["calls"]
        assert (record["outcome"], record["agent_id"]) == ("abandoned", None)


def test_given_an_unknown_agent_when_logging_in_then_the_api_says_404(pbx: Pbx) -> None:
    with running_daemon(pbx) as daemon:
        status, body = daemon.request("POST", "/api/agents/nobody/login")
    assert status == 404
    assert "nobody" in body["error"]




def test_given_an_agent_who_does_not_answer_then_they_are_paused_and_the_caller_keeps_waiting(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, \
            pbx.agent_phone("fredrik", "agent_noanswer.xml"), \
            pbx.agent_phone("david") as david_phone:
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=12.0))

        # e2e-fast rings 5 s; then ring-no-answer pauses fredrik.
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get(
            "pause_reason") == "rona", "fredrik paused for ring-no-answer", timeout=20)
        waiting = daemon.request("GET", "/api/queues")[1]["queues"]
        fast = next(q for q in waiting if q["id"] == "e2e-fast")
        assert fast["waiting"] == 1, "the caller is still waiting, not dropped"
        assert daemon.request("POST", "/api/agents/david/login")[0] == 200
        result = caller.wait()
        david_calls = david_phone.stop()

        assert result.ok, result.errors
        assert david_calls.successful >= 1
        assert "connected to agent david" in daemon.log()
        assert daemon.request("GET", "/api/agents/fredrik")[1]["state"] == "paused"


def test_given_kill_9_of_the_daemon_while_a_caller_waits_then_the_restart_keeps_their_place(
    pbx: Pbx,
) -> None:
    store = f"sqlite:///{pbx.workdir / 'state' / 'ccctl.db'}"
    with running_daemon(pbx, store) as first:
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=12.0))
        pbx.wait_for(lambda: _waiting(first, "e2e-fast") == 1, "the caller to be queued")
        before = _tasks(first, "e2e-fast")[0]
        first.proc.kill()  # SIGKILL: no clean shutdown, no final snapshot
        first.proc.wait()

    with running_daemon(pbx, store) as second, pbx.agent_phone("david") as phone:
        after = _tasks(second, "e2e-fast")
        assert [t["id"] for t in after] == [before["id"]]
        assert after[0]["waited_s"] >= before["waited_s"]  # entry time kept, not reset
        assert "re-adopted, still waiting" in second.log()
        assert second.request("POST", "/api/agents/david/login")[0] == 200
        result = caller.wait()
        answered = phone.stop()
    assert result.ok, result.errors
    assert answered.successful >= 1


def _tasks(daemon: DaemonProcess, queue_id: str) -> list[dict[str, Any]]:
    queues = daemon.request("GET", "/api/queues")[1]["queues"]
    tasks: list[dict[str, Any]] = next(q for q in queues if q["id"] == queue_id)["tasks"]
    return tasks


def _waiting(daemon: DaemonProcess, queue_id: str) -> int:
    return len(_tasks(daemon, queue_id))


def test_given_asterisk_goes_away_then_health_says_503_until_it_is_back(pbx: Pbx) -> None:
    with running_daemon(pbx) as daemon:
        assert daemon.request("GET", "/health")[0] == 200
        pbx.box.stop()
        pbx.wait_for(lambda: daemon.request("GET", "/health")[0] == 503,
                     "health to report the lost connection")
        pbx.box.start(pbx.rendered().config.pbx)
        pbx.wait_for(lambda: daemon.request("GET", "/health")[0] == 200,
                     "health to recover", timeout=30)
        _, report = daemon.request("GET", "/health")
    assert report["ari_connects"] == 2


def test_given_a_waiting_caller_then_metrics_show_it_for_prometheus(pbx: Pbx) -> None:
    with running_daemon(pbx) as daemon:
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=3.0))
        pbx.wait_for(lambda: _waiting(daemon, "e2e-fast") == 1, "the caller to be queued")
        text = _metrics(daemon)
        caller.wait()
    assert 'ccctl_calls_waiting{queue="e2e-fast"} 1' in text
    assert 'ccctl_calls_waiting{queue="vaxel"} 0' in text
    assert "ccctl_ari_connected 1" in text
    assert "# TYPE ccctl_event_loop_lag_seconds gauge" in text


def _metrics(daemon: DaemonProcess) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{daemon.port}/metrics", timeout=10) as r:
        text: str = r.read().decode()
        return text


def test_given_a_waiting_caller_when_a_supervisor_moves_it_then_its_waited_time_is_kept(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik") as phone:
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=8.0))
        pbx.wait_for(lambda: _waiting(daemon, "e2e-fast") == 1, "the caller to be queued")
        time.sleep(1.5)
        [before] = _tasks(daemon, "e2e-fast")

        status, _ = daemon.request("POST", f"/api/tasks/{before['id']}/move",
                                   {"queue": "vaxel"})

        assert status == 200
        [moved] = _tasks(daemon, "vaxel")
        assert moved["id"] == before["id"]
        assert moved["waited_s"] >= before["waited_s"] >= 1.5  # not reset by the move
        assert _waiting(daemon, "e2e-fast") == 0
        # A supervisor hands it to a specific agent.
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        result = caller.wait()
        answered = phone.stop()
    assert result.ok, result.errors
    assert answered.successful >= 1


def test_given_bad_supervisor_requests_then_the_api_says_what_is_wrong(pbx: Pbx) -> None:
    with running_daemon(pbx) as daemon:
        missing = daemon.request("POST", "/api/tasks/no-such-task/move", {"queue": "vaxel"})
        malformed = daemon.request("POST", "/api/tasks/x/prioritise", {"priority": "high"})
    assert missing[0] == 404
    assert "no-such-task" in missing[1]["error"]
    assert malformed[0] == 400
    assert "priority" in malformed[1]["error"]


def test_given_asterisk_is_killed_during_calls_then_the_daemon_settles_every_task(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        talking = sipp.Running(pbx.call(MAIN_NUMBER, seconds=30.0))
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("state")
                     == "busy", "fredrik to be talking")
        waiting = sipp.Running(pbx.call(FAST_NUMBER, seconds=30.0))
        pbx.wait_for(lambda: _waiting(daemon, "e2e-fast") == 1, "a second caller waiting")
        pid = pbx.box.pid()
        assert pid is not None

        os.kill(pid, signal.SIGKILL)  # every call dies with it
        pbx.wait_for(lambda: daemon.request("GET", "/health")[0] == 503, "the daemon to notice")
        pbx.box.start(pbx.rendered().config.pbx)
        pbx.wait_for(lambda: daemon.request("GET", "/health")[0] == 200, "the reconnect",
                     timeout=30)

        pbx.wait_for(lambda: all(q["waiting"] == 0 for q in
                                 daemon.request("GET", "/api/queues")[1]["queues"]),
                     "no task left waiting for a call that no longer exists")
        state = daemon.request("GET", "/api/agents/fredrik")[1]["state"]
        assert state in ("wrap_up", "available"), f"fredrik left {state}"
        outcomes = sorted(r["outcome"] for r in daemon.request("GET", "/api/calls")[1]["calls"])
        assert outcomes == ["abandoned", "answered"]
        assert "ended while ccctl was away" in daemon.log() or \
            "left while ccctl was away" in daemon.log()
    for call in (talking, waiting):
        call.wait()  # the callers lost their calls with Asterisk; nothing to assert there


def test_given_callers_waiting_then_each_hears_their_own_position_and_wait_in_swedish(
    pbx_with_prompts: Pbx,
) -> None:
    pbx = pbx_with_prompts
    with running_daemon(pbx) as daemon:
        first = sipp.Running(pbx.call(FAST_NUMBER, seconds=6.0))
        pbx.wait_for(lambda: _waiting(daemon, "e2e-fast") == 1, "the first caller")
        second = sipp.Running(pbx.call(FAST_NUMBER, seconds=5.0))
        pbx.wait_for(lambda: "queue-you-are-number number-2 queue-in-queue" in daemon.log(),
                     "the second caller's announcement", timeout=15)
        first.wait()
        second.wait()
        log = daemon.log()
    # Nobody is logged in: the estimate is uncertain and said as "more than".
    assert "queue-you-are-next queue-expected-wait queue-more-than" in log
    assert "queue-no-agents" in log
    played = (pbx.box.log_dir / "full.log").read_text(errors="replace")
    assert "/sv/queue-you-are-number" in played  # Asterisk played the Swedish files
    assert "does not exist" not in played


def test_given_a_connected_call_when_the_agent_holds_it_then_it_waits_and_comes_back(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik") as phone:
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(FAST_NUMBER, seconds=14.0))
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("state")
                     == "busy", "fredrik to be talking")
        task = daemon.request("GET", "/api/agents/fredrik")[1]["task"]

        assert daemon.request("POST", f"/api/tasks/{task}/park")[0] == 200

        [held] = daemon.request("GET", "/api/agents/fredrik")[1]["personal"]
        assert (held["id"], held["state"]) == (task, "personal")
        assert _waiting(daemon, "e2e-fast") == 0  # not in the service queue
        # e2e-fast has 2 s of wrap-up; then the held call is offered back to fredrik.
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("task")
                     == task and daemon.request("GET", "/api/agents/fredrik")[1]["state"]
                     == "busy", "the held call to come back to fredrik", timeout=15)
        result = caller.wait()
        legs = phone.stop()
    assert result.ok, result.errors  # the caller was never dropped
    assert legs.successful >= 2  # fredrik's phone took the call twice


def test_given_a_connected_call_when_transferred_to_a_queue_then_it_keeps_its_entry_time(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"), \
            pbx.agent_phone("david") as david:
        assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
        caller = sipp.Running(pbx.call(MAIN_NUMBER, seconds=12.0))
        pbx.wait_for(lambda: daemon.request("GET", "/api/agents/fredrik")[1].get("state")
                     == "busy", "fredrik to be talking")
        task = daemon.request("GET", "/api/agents/fredrik")[1]["task"]
        time.sleep(1.0)
        assert daemon.request("POST", "/api/agents/fredrik/pause", {"reason": "möte"})[0] \
            == 200

        status, _ = daemon.request("POST", f"/api/tasks/{task}/transfer", {"queue": "e2e-fast"})

        assert status == 200
        [moved] = _tasks(daemon, "e2e-fast")
        assert moved["id"] == task and moved["waited_s"] >= 1.0  # time in vaxel counts
        assert daemon.request("POST", "/api/agents/david/login")[0] == 200
        result = caller.wait()
        taken = david.stop()
    assert result.ok, result.errors
    assert taken.successful >= 1


def test_given_no_token_then_the_api_says_401_while_health_and_metrics_stay_open(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon:
        status, body = daemon.request("GET", "/api/queues", anonymous=True)
        health = daemon.request("GET", "/health", anonymous=True)[0]
        text = _metrics(daemon)  # no Authorization header
        supervisor = daemon.request("GET", "/api/queues")[0]
        log = daemon.log()
    assert status == 401
    assert "Authorization: Bearer" in body["error"]
    assert (health, supervisor) == (200, 200)
    assert "ccctl_calls_waiting" in text
    assert daemon.token not in log


def test_given_an_agent_token_when_acting_on_another_agent_then_403_and_on_itself_200(
    pbx: Pbx,
) -> None:
    created = pbx.ccctl("token", "create", "fredrik-desk", "--role", "agent", "--agent",
                        "fredrik")
    assert created.returncode == 0, created.stderr
    fredrik = created.stdout.strip()
    with running_daemon(pbx) as daemon:
        other = daemon.request("POST", "/api/agents/david/login", token=fredrik)
        queues = daemon.request("GET", "/api/queues", token=fredrik)[0]
        own = daemon.request("POST", "/api/agents/fredrik/login", token=fredrik)[0]
        state = daemon.request("GET", "/api/agents/fredrik", token=fredrik)
        log = daemon.log()
    assert other[0] == 403
    assert "may act only on agent 'fredrik', not on 'david'" in other[1]["error"]
    assert queues == 403
    assert own == 200 and state[1]["state"] == "available"
    assert fredrik not in log


def test_given_a_token_revoked_while_the_daemon_runs_then_it_is_refused_at_once(
    pbx: Pbx,
) -> None:
    created = pbx.ccctl("token", "create", "anna", "--role", "supervisor")
    assert created.returncode == 0, created.stderr
    anna = created.stdout.strip()
    with running_daemon(pbx) as daemon:
        before = daemon.request("GET", "/api/queues", token=anna)[0]
        revoked = pbx.ccctl("token", "revoke", "anna")
        assert revoked.returncode == 0, revoked.stderr
        after = daemon.request("GET", "/api/queues", token=anna)
        others = daemon.request("GET", "/api/queues")[0]  # the helper's token still works
        pid_unchanged = daemon.proc.poll() is None
    assert (before, after[0], others) == (200, 401, 200)
    assert "'anna' was revoked" in after[1]["error"]
    assert pid_unchanged
    listed = pbx.ccctl("token", "list").stdout
    assert anna not in listed and "anna" in listed
