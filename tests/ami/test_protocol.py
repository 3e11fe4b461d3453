"""AMI framing, on a transcript recorded from Asterisk 22 (no network)."""

from __future__ import annotations

import doctest

import pytest

from ccctl.ami import protocol
from ccctl.ami.protocol import Parser, ProtocolError, encode_action

# What Asterisk 22 sent for Login, then PJSIPShowEndpoints (abridged).
TRANSCRIPT = (
    b"Asterisk Call Manager/11.0.0\r\n"
    b"Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n"
    b"Response: Success\r\nActionID: 2\r\nEventList: start\r\n"
    b"Message: A listing of Endpoints follows, presented as EndpointList events\r\n\r\n"
    b"Event: EndpointList\r\nActionID: 2\r\nObjectType: endpoint\r\nObjectName: agnes\r\n"
    b"DeviceState: Unavailable\r\n\r\n"
    b"Event: EndpointList\r\nActionID: 2\r\nObjectType: endpoint\r\nObjectName: bertil\r\n"
    b"DeviceState: Not in use\r\n\r\n"
    b"Event: EndpointListComplete\r\nActionID: 2\r\nEventList: Complete\r\nListItems: 2\r\n\r\n"
)


def test_given_a_recorded_transcript_when_fed_bytewise_then_the_same_messages_come_out() -> None:
    whole = Parser().feed(TRANSCRIPT)
    trickle = Parser()
    pieces = [m for i in range(len(TRANSCRIPT)) for m in trickle.feed(TRANSCRIPT[i:i + 1])]
    assert pieces == whole
    assert [m.get("ObjectName") for m in whole if m.is_event][:2] == ["agnes", "bertil"]
    assert whole[-1]["EventList"] == "Complete"
    assert trickle.banner == "Asterisk Call Manager/11.0.0"


def test_given_repeated_keys_then_all_values_are_kept_in_order() -> None:
    [message] = Parser().feed(b"Asterisk Call Manager/11.0.0\r\n"
                              b"Response: Success\r\nOutput: one\r\nOutput: two\r\n\r\n")
    assert message.getall("output") == ["one", "two"]


def test_given_something_that_is_not_ami_then_the_parser_says_so() -> None:
    with pytest.raises(ProtocolError, match="not an AMI server"):
        Parser().feed(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def test_given_a_value_with_a_line_break_then_the_action_is_refused_not_injected() -> None:
    with pytest.raises(ProtocolError):
        encode_action("DBPut", "1", {"Family": "storm", "Val": "x\r\n\r\nAction: Originate"})


def test_given_list_values_then_the_key_repeats() -> None:
    data = encode_action("Originate", "3", {"Variable": ["A=1", "B=2"]})
    assert data.count(b"Variable: ") == 2


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(protocol).failed == 0
