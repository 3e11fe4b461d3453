"""Agents' phones going offline and back, as Asterisk's qualify sees them: ccctl pauses
the agent instead of ringing a phone that is not there, live and after a restart."""

from __future__ import annotations

from typing import Any

import pytest

from ccctl.testing import sipp
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import Pbx

pytestmark = pytest.mark.pbx


def _agent(daemon: DaemonProcess, agent: str) -> dict[str, Any]:
    return daemon.request("GET", f"/api/agents/{agent}")[1]


def _phone_goes_away(pbx: Pbx, phone: sipp.AgentPhone, agent: str) -> None:
    phone.stop()
    pbx.box.rx(f"pjsip qualify {agent}")  # do not wait up to 30 s for the next qualify
    pbx.wait_for(lambda: "Unavailable" in pbx.box.rx(f"pjsip show endpoint {agent}"),
                 f"{agent}'s phone to be seen offline")


def test_given_a_ready_agent_whose_phone_goes_offline_then_they_are_paused_until_it_is_back(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon:
        with pbx.agent_phone("fredrik") as phone:
            assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
            assert _agent(daemon, "fredrik")["state"] == "available"
            _phone_goes_away(pbx, phone, "fredrik")

        pbx.wait_for(lambda: _agent(daemon, "fredrik")["state"] == "paused", "the pause")
        assert _agent(daemon, "fredrik")["pause_reason"] == "phone offline"

        with pbx.agent_phone("fredrik"):  # qualifies the phone: back online
            pbx.wait_for(lambda: _agent(daemon, "fredrik")["state"] == "available",
                         "fredrik to be ready again")


def test_given_a_phone_that_went_offline_while_the_daemon_was_down_then_the_restart_pauses_it(
    pbx: Pbx,
) -> None:
    store = f"sqlite:///{pbx.workdir / 'state' / 'ccctl.db'}"
    with pbx.agent_phone("fredrik") as phone:
        with running_daemon(pbx, store) as first:
            assert first.request("POST", "/api/agents/fredrik/login")[0] == 200
        _phone_goes_away(pbx, phone, "fredrik")

    with running_daemon(pbx, store) as second:
        pbx.wait_for(lambda: _agent(second, "fredrik").get("state") == "paused",
                     "the restarted daemon to pause fredrik")
        assert _agent(second, "fredrik")["pause_reason"] == "phone offline"


def test_given_an_agent_paused_for_lunch_when_the_phone_comes_back_then_they_stay_paused(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon:
        with pbx.agent_phone("fredrik") as phone:
            assert daemon.request("POST", "/api/agents/fredrik/login")[0] == 200
            assert daemon.request("POST", "/api/agents/fredrik/pause",
                                  {"reason": "lunch"})[0] == 200
            _phone_goes_away(pbx, phone, "fredrik")
        with pbx.agent_phone("fredrik"):
            pbx.wait_for(lambda: "agent fredrik: phone online" in daemon.log(),
                         "ccctl to see the phone back")
            assert _agent(daemon, "fredrik")["pause_reason"] == "lunch"


def _dial_code(pbx: Pbx, agent: str, code: str) -> None:
    """``agent`` dials ``code`` from their own phone (authenticated as that endpoint)."""
    rendered = pbx.rendered()
    call = sipp.Call("127.0.0.1", rendered.config.pbx.sip.port, code, agent,
                     rendered.secrets.agent(agent), duration_ms=5000,
                     scenario="caller_answered.xml")
    result = sipp.run(call)
    assert result.ok, result.errors


def test_given_an_agent_at_a_desk_phone_when_dialling_the_codes_then_ccctl_logs_in_pauses_and_out(
    pbx: Pbx,
) -> None:
    with running_daemon(pbx) as daemon, pbx.agent_phone("fredrik"):
        _dial_code(pbx, "fredrik", "*50")
        assert _agent(daemon, "fredrik")["state"] == "available"
        _dial_code(pbx, "fredrik", "*52")
        assert (_agent(daemon, "fredrik")["state"], _agent(daemon, "fredrik")["pause_reason"]) \
            == ("paused", "phone")
        _dial_code(pbx, "fredrik", "*53")
        assert _agent(daemon, "fredrik")["state"] == "available"
        _dial_code(pbx, "fredrik", "*51")
        assert daemon.request("GET", "/api/agents/fredrik")[0] == 404
        _dial_code(pbx, "fredrik", "*51")  # already logged out: refused, and told so
    played = [line for line in (pbx.box.log_dir / "full.log").read_text(errors="replace")
              .splitlines() if "Playing '" in line]
    played_text = "\n".join(played)
    assert played_text.count("agent-loginok") == 1 and played_text.count("agent-loggedoff") == 1
    assert played_text.count("beeperr") == 1
