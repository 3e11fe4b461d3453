"""The voice latency bench's arithmetic: AMI events → intervals → percentiles → figures.

The transcripts are abridged from what Asterisk 22 sent to the bench's observer
(timestampevents = yes): the same events, fields and ids, fewer of them.
"""

from __future__ import annotations

import doctest

import pytest

from bench import latency
from bench.latency import keypress_to_prompt, parse, percentile, queued_to_ringing
from bench.voice_latency import Figures
from ccctl.testing.sipp import SippResult

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
LOGIN = b"Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n"


def ami(*events: tuple[str, str, str, dict[str, str]]) -> bytes:
    """(event, timestamp, uniqueid, other fields) → AMI wire bytes after a login."""
    out = BANNER + LOGIN
    for name, stamp, uniqueid, fields in events:
        lines = [f"Event: {name}", "Privilege: call,all", f"Timestamp: {stamp}",
                 f"Uniqueid: {uniqueid}", *(f"{k}: {v}" for k, v in fields.items())]
        out += ("\r\n".join(lines) + "\r\n\r\n").encode()
    return out


def exten(app: str, data: str = "", linkedid: str = "") -> dict[str, str]:
    return {"Application": app, "AppData": data, "Linkedid": linkedid}


def key(digit: str) -> dict[str, str]:
    return {"Digit": digit, "DurationMs": "160", "Direction": "Received"}


CALLER = "1795602942.0"
PROMPTS = "/opt/ccctl/bench-18655/var/lib/ccctl/prompts/sv"

# A caller in the example's IVR: a key during the greeting (nothing listens), 1 in the
# language menu, 2 in huvudmeny, 7 (no such option: a Playback), then a key and hang-up.
IVR = ami(
    ("Newexten", "1795602974.812033", CALLER, exten("Playback", f"{PROMPTS}/valkommen")),
    ("DTMFEnd", "1795602975.100000", CALLER, key("1")),
    ("Newexten", "1795602976.773382", CALLER, exten("Read", "CCCTL_KEY,sprakval,1,,1,4")),
    ("DTMFEnd", "1795602977.773882", CALLER, key("1")),
    ("Newexten", "1795602977.775148", CALLER, exten("GotoIf", "0?timeout")),
    ("Newexten", "1795602977.775417", CALLER, exten("Read", "CCCTL_KEY,huvudmeny,1,,1,5")),
    ("DTMFEnd", "1795602978.777649", CALLER, key("2")),
    ("DTMFEnd", "1795602978.778000", CALLER, key("2")),  # a second END: not a second key
    ("Newexten", "1795602978.779139", CALLER, exten("Read", "CCCTL_KEY,bygga-bo,1,,1,5")),
    ("DTMFEnd", "1795602979.782361", CALLER, key("7")),
    ("Newexten", "1795602979.787560", CALLER, exten("Playback", f"{PROMPTS}/ogiltigt-val")),
    ("Newexten", "1795602982.222111", CALLER, exten("Read", "CCCTL_KEY,huvudmeny,1,,1,5")),
    ("DTMFEnd", "1795602983.000000", CALLER, key("2")),
    ("Newexten", "1795602983.001000", CALLER, exten("Hangup")),
)


def test_given_an_ivr_walk_then_each_listened_key_is_timed_to_the_next_prompt() -> None:
    pairing = keypress_to_prompt(parse(IVR))

    assert [round(ms, 3) for ms in pairing.samples_ms] == [1.535, 1.49, 5.199]
    assert pairing.unmatched == 1  # the last key: the caller hung up before a prompt


def test_given_a_transcript_without_timestamps_then_no_event_is_kept() -> None:
    assert parse(IVR.replace(b"Timestamp:", b"X-Time:")) == []


APP = "ccctl"
STASIS_QUEUE = "ccctl,queue,bench,,,%2Fopt%2Fccctl%2Fprompts,,,,,"

# app_queue: the Stasis attempt fails, Queue() dials the agent on the caller's behalf
# (same Linkedid), the agent's phone answers 180.
APP_QUEUE = ami(
    ("Newchannel", "1795603113.508530", "1795603113.2", {"Linkedid": "1795603113.2"}),
    ("Newexten", "1795603114.011910", "1795603113.2", exten("Stasis", STASIS_QUEUE,
                                                            "1795603113.2")),
    ("Newexten", "1795603114.012363", "1795603113.2", exten("Queue", "bench", "1795603113.2")),
    ("Newchannel", "1795603114.012960", "1795603114.3", {"Linkedid": "1795603113.2"}),
    ("Newstate", "1795603114.016224", "1795603114.3",
     {"ChannelStateDesc": "Ringing", "Linkedid": "1795603113.2"}),
    ("Newstate", "1795603114.118508", "1795603114.3",
     {"ChannelStateDesc": "Up", "Linkedid": "1795603113.2"}),
)

# ccctl: Stasis(ccctl,queue,…); the daemon originates "<caller id>-to-<agent>-<ms>" over ARI
# (a Linkedid of its own). A second caller 1795603109.01 must not take the first one's
# agent leg; a callback Stasis is not a queue; a caller nobody rings is unmatched.
CCCTL = ami(
    ("Newexten", "1795603110.336902", "1795603109.0", exten("Stasis", STASIS_QUEUE,
                                                            "1795603109.0")),
    ("Newexten", "1795603110.337000", "1795603109.01", exten("Stasis", STASIS_QUEUE,
                                                             "1795603109.01")),
    ("Newexten", "1795603110.337100", "1795603109.02", exten("Stasis", "ccctl,callback,vaxel",
                                                             "1795603109.02")),
    ("Newchannel", "1795603110.339818", "1795603109.0-to-a000-1795603110338",
     {"Linkedid": "1795603109.0-to-a000-1795603110338"}),
    ("Newstate", "1795603110.340911", "1795603109.0-to-a000-1795603110338",
     {"ChannelStateDesc": "Ringing"}),
    ("Newchannel", "1795603110.341000", "1795603109.0-to-a001-1795603110340",
     {"Linkedid": "1795603109.0-to-a001-1795603110340"}),
    ("Newstate", "1795603110.342000", "1795603109.0-to-a001-1795603110340",
     {"ChannelStateDesc": "Ringing"}),  # a second offer to the same caller: not counted
)


def test_given_app_queue_then_queued_to_ringing_starts_at_queue_not_at_the_failed_stasis(
) -> None:
    pairing = queued_to_ringing(parse(APP_QUEUE), APP)

    assert [round(ms, 3) for ms in pairing.samples_ms] == [3.861]
    assert pairing.unmatched == 0


def test_given_ccctl_then_the_agent_leg_is_found_by_its_name_and_only_its_first_ring_counts(
) -> None:
    pairing = queued_to_ringing(parse(CCCTL), APP)

    assert [round(ms, 3) for ms in pairing.samples_ms] == [4.009]
    assert pairing.unmatched == 1  # 1795603109.01 queued, never rang


def test_given_samples_then_percentiles_interpolate_between_closest_ranks() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)
    assert percentile([float(v) for v in range(1, 21)], 95) == pytest.approx(19.05)
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_given_runs_per_mode_then_figures_are_medians_of_run_percentiles_and_their_ratio(
) -> None:
    figures = Figures("queued_to_ringing")
    ok = SippResult(returncode=0, successful=3, failed=0, retransmissions=0, errors="")
    for ccctl, app_queue in (([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]),
                             ([4.0, 6.0, 8.0], [1.0, 3.0, 5.0]),
                             ([3.0, 3.0, 3.0], [2.0, 2.0, 2.0])):
        figures.add("ccctl", latency.Pairing(ccctl), ok)
        figures.add("app_queue", latency.Pairing(app_queue), ok)
    figures.daemon_peak_mb, figures.asterisk_peak_mb = 83.25, 86.7

    assert list(figures.lines()) == [
        "figure: voice.queued_to_ringing_p50_ms = 4.00 ms",
        "figure: voice.queued_to_ringing_p95_ms = 5.80 ms",
        "figure: voice.queued_to_ringing_p50_ms.app_queue = 2.00 ms",
        "figure: voice.queued_to_ringing_p95_ms.app_queue = 2.90 ms",
        "figure: voice.queued_to_ringing_p50_ratio = 2.00 x",
        "figure: voice.queued_to_ringing_p95_ratio = 2.00 x",
        "figure: voice.queued_to_ringing_daemon_peak_rss_mb = 83.2 MB",
        "figure: voice.queued_to_ringing_asterisk_peak_rss_mb = 86.7 MB",
    ]


def test_given_a_run_without_samples_then_the_bench_says_why() -> None:
    failed = SippResult(returncode=1, successful=0, failed=2, retransmissions=0, errors="boom")

    with pytest.raises(RuntimeError, match="timestampevents"):
        Figures("keypress_to_prompt").add("ccctl", latency.Pairing([], 2), failed)


def test_doctests() -> None:
    assert doctest.testmod(latency).failed == 0
