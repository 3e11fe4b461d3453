"""The IVR in a real Asterisk 22: menus walked by keys, hours, storm messages.

Keys travel as SIP INFO (application/dtmf-relay) or, in the menu walks, also as
RFC 4733 telephone events in the caller's RTP stream, as most phones and
operator trunks send them.

The ccctl daemon is not running, so every queue is reached through the
app_queue fallback; the generated dialplan logs each step as a NOTICE line
(`ccctl queue bygglov: ... skills=... path=...`), which is what an
administrator reads too. The clock cannot be faked in Asterisk: today's
opening hours are set with an exception for today, written by
`ccctl hours sync` like any holiday.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ccctl.config import load_config
from ccctl.hours.sync import wanted
from ccctl.testing import sipp
from tests.e2e.pbx import (
    TODAY,
    Pbx,
    destroy,
    install_beep_prompts,
    notices,
    prepare,
    set_today,
    start,
)

pytestmark = pytest.mark.pbx

MAIN_NUMBER = "+46846500400"


@pytest.fixture
def ivr(tmp_path: Path) -> Iterator[Pbx]:
    """The example in a sandbox, open all of today, with beeps for prompts."""
    handle = prepare(tmp_path)
    # Three-second key timeouts keep the timeout path short (keys come every 1.5 s).
    handle.edit("menus.yaml", "timeout_seconds: 5", "timeout_seconds: 3")
    start(handle)
    try:
        install_beep_prompts(handle)
        set_today(handle, "00:00-24:00")
        yield handle
    finally:
        destroy(handle)


def _call(pbx: Pbx, tmp: Path, *keys: str, dtmf: sipp.DtmfMethod = "info") -> sipp.SippResult:
    """Press ``keys`` 1.5 s apart; the call passes only if the PBX then ends it.

    Every path here ends with the PBX hanging up: nobody is logged in, so
    the switchboard's no-agents message plays and the call ends.
    """
    scenario = sipp.dtmf_scenario(tmp, tuple(sipp.Key(k) for k in keys),
                                  then_wait=25.0, pbx_hangs_up=True, dtmf=dtmf)
    return sipp.run(replace(pbx.call(MAIN_NUMBER), scenario=scenario, timeout_s=40))


# How a caller's keys reach the PBX. RFC 4733 events are replayed from a pcap by
# SIPp, which needs raw sockets; the same walks must end in the same place.
KEYS_AS = [
    pytest.param("info", id="sip-info"),
    pytest.param("rfc4733", id="rfc4733", marks=pytest.mark.skipif(
        not sipp.can_play_pcap(), reason="SIPp's play_pcap_audio needs root or CAP_NET_RAW")),
]


@pytest.mark.parametrize("dtmf", KEYS_AS)
def test_given_a_swedish_caller_when_pressing_1_2_1_then_bygglov_queues_with_skills_and_path(
    ivr: Pbx, tmp_path: Path, dtmf: sipp.DtmfMethod,
) -> None:
    result = _call(ivr, tmp_path, "1", "2", "1", dtmf=dtmf)

    assert result.ok, result.errors
    [queued] = notices(ivr, "ccctl queue bygglov: caller")
    assert "language=sv skills=bygglov:3 priority=10 path=huvudmeny>2>1" in queued
    # No daemon: app_queue takes it; nobody logged in, so bygglov overflows to vaxel.
    assert notices(ivr, "queue bygglov falls back to app_queue")
    assert notices(ivr, "ccctl queue bygglov: no agents - queue vaxel")
    assert notices(ivr, "ccctl queue vaxel: caller")
    assert ivr.box.log_lines("ERROR") == []


@pytest.mark.parametrize("dtmf", KEYS_AS)
def test_given_an_english_caller_when_pressing_2_2_1_then_bygglov_asks_for_english_too(
    ivr: Pbx, tmp_path: Path, dtmf: sipp.DtmfMethod,
) -> None:
    result = _call(ivr, tmp_path, "2", "2", "1", dtmf=dtmf)

    assert result.ok, result.errors
    [queued] = notices(ivr, "ccctl queue bygglov: caller")
    assert ("language=en skills=bygglov:3,engelska:2 priority=10 path=main-menu>2>1"
            in queued)


def test_given_wrong_keys_when_the_tries_are_used_up_then_the_switchboard_takes_the_call(
    ivr: Pbx, tmp_path: Path,
) -> None:
    result = _call(ivr, tmp_path, "1", "7", "8", "7")

    assert result.ok, result.errors
    wrong = notices(ivr, "ccctl menu huvudmeny: key")
    assert [line.split("huvudmeny: ")[1] for line in wrong] == [
        "key 7 is not an option (try 1 of 3)",
        "key 8 is not an option (try 2 of 3)",
        "key 7 is not an option (try 3 of 3)",
    ]
    assert notices(ivr, "ccctl menu huvudmeny: tries used up - queue vaxel")
    [queued] = notices(ivr, "ccctl queue vaxel: caller")
    assert "path=huvudmeny " in queued + " "


def test_given_no_key_when_the_menu_times_out_three_times_then_the_switchboard_takes_it(
    ivr: Pbx, tmp_path: Path,
) -> None:
    result = _call(ivr, tmp_path, "1")

    assert result.ok, result.errors
    assert len(notices(ivr, "ccctl menu huvudmeny: no key pressed")) == 3
    assert notices(ivr, "ccctl queue vaxel: caller")


def test_given_today_is_closed_when_a_caller_dials_then_the_closed_action_runs_and_ends_it(
    ivr: Pbx, tmp_path: Path,
) -> None:
    set_today(ivr, "closed")

    result = _call(ivr, tmp_path)

    assert result.ok, result.errors
    assert notices(ivr, "ccctl entry point huvudnummer is closed - callback")
    # The daemon that would book the callback is down: the caller hears why.
    assert notices(ivr, "no callback booked for queue vaxel")
    assert not notices(ivr, "ccctl menu")
    # Removing the exception from the config removes it from AstDB on the next sync.
    ivr.edit("hours.yaml", f'      "{TODAY:%Y-%m-%d}": "closed"\n', "")
    resync = ivr.ccctl("hours", "sync", str(ivr.config), "--secrets", str(ivr.secrets),
                       "--name", ivr.box.name)
    assert resync.returncode == 0, resync.stderr
    stored = ivr.box.rx("database show ccctl-hours-kontorstid")
    usual = wanted(load_config(ivr.config).hours[0], TODAY).get(f"{TODAY:%Y-%m-%d}")
    if usual is None:  # an ordinary day: the key is gone, the weekly schedule applies
        assert "1 stale deleted" in resync.stdout
        assert f"/ccctl-hours-kontorstid/{TODAY:%Y-%m-%d}" not in stored
    else:  # today is a holiday or special day anyway
        assert f"/ccctl-hours-kontorstid/{TODAY:%Y-%m-%d}" in stored and usual in stored


def test_given_a_storm_message_when_set_and_cleared_then_calls_follow_without_a_reload(
    ivr: Pbx, tmp_path: Path,
) -> None:
    dialplan = (ivr.box.etc / "extensions.conf").read_text()
    options = ("--config", str(ivr.config), "--secrets", str(ivr.secrets),
               "--name", ivr.box.name)

    put = ivr.ccctl("storm", "set", "huvudnummer", "--prompt", "oppettider",
                    "--mode", "hangup", *options)
    assert put.returncode == 0, put.stderr
    assert "oppettider" in ivr.ccctl("storm", "show", *options).stdout
    stormy = _call(ivr, tmp_path)

    cleared = ivr.ccctl("storm", "clear", "huvudnummer", *options)
    assert cleared.returncode == 0, cleared.stderr
    calm = _call(ivr, tmp_path, "1", "0")

    assert stormy.ok, stormy.errors
    assert calm.ok, calm.errors
    assert len(notices(ivr, "ccctl storm message oppettider for huvudnummer (hangup)")) == 1
    # The second caller went on to the menu and the switchboard queue.
    [queued] = notices(ivr, "ccctl queue vaxel: caller")
    assert "path=huvudmeny>0" in queued
    assert (ivr.box.etc / "extensions.conf").read_text() == dialplan


def test_given_a_storm_text_for_all_when_a_caller_dials_then_the_spoken_text_ends_the_call(
    ivr: Pbx, tmp_path: Path,
) -> None:
    options = ("--config", str(ivr.config), "--secrets", str(ivr.secrets),
               "--name", ivr.box.name)

    put = ivr.ccctl("storm", "set", "all", "--text", "Vi har en driftstörning i telefonin.",
                    "--lang", "sv", "--mode", "hangup", *options)
    assert put.returncode == 0, put.stderr
    result = _call(ivr, tmp_path)

    assert result.ok, result.errors
    assert notices(ivr, "ccctl storm message storm-all for huvudnummer (hangup)")
    # The synthesised message was played, not skipped for a missing file.
    assert not [line for line in ivr.box.log_lines("WARNING") if "storm-all" in line]
    assert not notices(ivr, "ccctl menu")
