"""The generated configuration in a real Asterisk 22: it loads, answers, reloads safely."""

from __future__ import annotations

import json

import pytest

from ccctl.testing import sipp
from tests.e2e.pbx import DIRECT_NUMBER, Pbx

pytestmark = pytest.mark.pbx

# Straight to the switchboard queue: the example's main number now has hours and menus.
MAIN_NUMBER = DIRECT_NUMBER


def test_given_the_example_config_when_asterisk_starts_then_the_log_has_no_error_lines(
    pbx: Pbx,
) -> None:
    assert pbx.box.log_lines("ERROR") == []
    # Every endpoint, context, entry number and queue of the config is live.
    assert pbx.missing() == []


def test_given_the_daemon_is_down_when_a_caller_dials_the_main_number_then_an_agent_answers(
    pbx: Pbx,
) -> None:
    with pbx.agent_phone("fredrik") as phone:
        caller = sipp.run(pbx.call(MAIN_NUMBER, seconds=1.0))
        agent = phone.stop()
    assert caller.ok, caller.errors
    assert caller.successful == 1
    # The call went through the app_queue fallback to the agent's desk phone.
    assert agent.successful >= 1, agent.errors
    assert pbx.box.log_lines("ERROR") == []


def test_given_an_unknown_number_when_called_then_it_is_refused_not_answered(pbx: Pbx) -> None:
    result = sipp.run(pbx.call("+46846500499", seconds=0.5))
    assert not result.ok
    assert "404 Not Found" in result.errors


def test_given_a_call_in_progress_when_a_new_number_is_added_and_reloaded_then_the_call_stays_up(
    pbx: Pbx,
) -> None:
    with pbx.agent_phone("fredrik"):
        ongoing = sipp.Running(pbx.call(MAIN_NUMBER, seconds=6.0))
        pbx.wait_for(lambda: "1 active call" in pbx.box.rx("core show channels count")
                     or "2 active calls" in pbx.box.rx("core show channels count"),
                     "the call to be up")
        pbx.edit("e2e.yaml", f'"{DIRECT_NUMBER}"', f'"{DIRECT_NUMBER}", "+46846500402"')

        result = pbx.ccctl("reload", str(pbx.config))

        assert result.returncode == 0, result.stderr
        assert "verified" in result.stdout
        new_number = sipp.run(pbx.call("+46846500402", seconds=0.5))
        call = ongoing.wait()
    assert call.ok, f"the call in progress was cut by the reload: {call.errors}"
    # The new number reaches the dialplan (answered, then the empty queue hangs up).
    assert "404 Not Found" not in new_number.errors
    assert pbx.missing() == []


def test_given_a_broken_template_when_reloaded_then_the_old_config_is_restored_and_serves(
    pbx: Pbx,
) -> None:
    before = (pbx.box.etc / "pjsip.conf").read_text()
    override = pbx.workdir / "templates"
    override.mkdir()
    # An operator's override that Asterisk rejects: the agents vanish after a reload.
    (override / "pjsip.conf.j2").write_text(
        "[ccctl-udp]\ntype = transport\nprotocol = udp\n"
        "bind = {{ plan.sip.bind }}:{{ plan.sip.port }}\n"
        "[agnes]\ntype = endpoint\nno_such_option = 1\n")

    result = pbx.ccctl("reload", str(pbx.config), "--templates", str(override))

    assert result.returncode == 1
    assert "lacks endpoint bertil" in result.stderr
    assert "restored" in result.stderr
    assert (pbx.box.etc / "pjsip.conf").read_text() == before
    assert pbx.missing() == []
    with pbx.agent_phone("fredrik"):
        assert sipp.run(pbx.call(MAIN_NUMBER, seconds=0.5)).ok


def test_given_an_edit_when_diffed_then_the_change_is_shown_with_secrets_masked(
    pbx: Pbx,
) -> None:
    pbx.edit("queues.yaml", "wrap_up_seconds: 10", "wrap_up_seconds: 45")

    result = pbx.ccctl("diff", str(pbx.config))

    assert result.returncode == 0, result.stderr
    assert "-wrapuptime = 10" in result.stdout
    assert "+wrapuptime = 45" in result.stdout
    secrets = json.loads(pbx.secrets.read_text())
    for value in [secrets["ami"], secrets["ari"], *secrets["agents"].values()]:
        assert value not in result.stdout
    # Nothing was installed by looking.
    assert "wrapuptime = 10" in (pbx.box.etc / "queues.conf").read_text()
