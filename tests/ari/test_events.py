"""ARI events parsed strictly, from messages as Asterisk 22 sends them."""

from __future__ import annotations

import random

import pytest

from ccctl.ari.connection import Backoff
from ccctl.ari.events import (
    EndpointStateChange,
    EventError,
    Other,
    StasisStart,
    channel_id,
    parse,
)

STASIS_START = {
    "type": "StasisStart", "timestamp": "2026-11-25T06:40:00.000+0000", "application": "ccctl",
    "args": ["queue", "vaxel"],
    "channel": {"id": "1795588800.12", "name": "PJSIP/operator-0000000c", "state": "Up",
                "caller": {"name": "", "number": "+46701740605"},
                "dialplan": {"context": "ccctl-queue-vaxel", "exten": "s", "priority": 2},
                "language": "sv"},
}


def test_given_a_stasis_start_then_the_caller_queue_and_language_are_read() -> None:
    event = parse(STASIS_START)
    assert isinstance(event, StasisStart)
    assert event.args == ("queue", "vaxel")
    assert event.channel.caller_number == "+46701740605"
    assert event.channel.language == "sv"
    assert channel_id(event) == "1795588800.12"


def test_given_an_event_type_ccctl_does_not_use_then_it_is_kept_as_other() -> None:
    event = parse({"type": "BridgeVideoSourceChanged", "application": "ccctl"})
    assert isinstance(event, Other)
    assert event.type == "BridgeVideoSourceChanged"
    assert channel_id(event) is None


def test_given_a_known_event_missing_its_channel_then_the_error_names_the_field() -> None:
    with pytest.raises(EventError, match="StasisStart event without 'channel'"):
        parse({"type": "StasisStart", "args": []})


def test_given_repeated_failures_then_the_backoff_grows_to_its_cap_and_resets() -> None:
    backoff = Backoff(base=0.5, cap=4.0)
    rng = random.Random(1)
    delays = [backoff.next_delay(rng) for _ in range(8)]
    assert all(d <= 4.0 for d in delays)
    assert delays[-1] >= 2.0  # capped, not growing without bound, jitter at most halves it
    assert delays[0] <= 0.5
    backoff.reset()
    assert backoff.next_delay(rng) <= 0.5


def test_given_an_endpoint_state_change_then_the_phone_and_its_state_are_read() -> None:
    event = parse({"type": "EndpointStateChange", "application": "ccctl",
                   "timestamp": "2026-11-25T06:40:00.000+0000",
                   "endpoint": {"technology": "PJSIP", "resource": "fredrik",
                                "state": "offline", "channel_ids": []}})
    assert isinstance(event, EndpointStateChange)
    assert (event.technology, event.resource, event.state) == ("PJSIP", "fredrik", "offline")
    assert channel_id(event) is None  # not tied to a channel's ordered stream


def test_given_an_endpoint_state_change_without_its_endpoint_then_the_error_says_so() -> None:
    with pytest.raises(EventError, match="EndpointStateChange event without 'endpoint'"):
        parse({"type": "EndpointStateChange"})
