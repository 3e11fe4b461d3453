"""The RTP streams with RFC 4733 key presses that SIPp replays for the IVR tests.

Asterisk drops or merges events whose RTP headers are not those of one live
stream: these tests read the written pcap back and check what Asterisk checks.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from ccctl.testing.pcap import (
    EVENTS,
    SAMPLES_PER_PACKET,
    Press,
    RtpPacket,
    key_stream,
    read_pcap,
    write_pcap,
)

EVENT_TYPE, PCMA = 101, 8


def _events(stream: list[RtpPacket]) -> list[list[RtpPacket]]:
    """The stream's events, one list of packets per key press."""
    presses: list[list[RtpPacket]] = []
    for packet in stream:
        if packet.payload_type == EVENT_TYPE:
            if packet.marker:
                presses.append([])
            presses[-1].append(packet)
    return presses


def _fields(packet: RtpPacket) -> tuple[int, bool, int]:
    """Event code, E bit, duration of an RFC 4733 payload."""
    event, flags, duration = struct.unpack(">BBH", packet.payload)
    return event, bool(flags & 0x80), duration


@pytest.fixture
def walk(tmp_path: Path) -> list[RtpPacket]:
    """Keys 1, 2, 1 at 1.5 s, 3 s and 4.5 s, written to a pcap and read back."""
    presses = [Press("1", 1500), Press("2", 3000), Press("1", 4500)]
    path = write_pcap(tmp_path / "walk.pcap", key_stream(presses, event_type=EVENT_TYPE))
    return read_pcap(path)


def test_given_three_keys_then_one_stream_with_contiguous_sequence_numbers(
    walk: list[RtpPacket],
) -> None:
    assert {p.ssrc for p in walk} == {walk[0].ssrc}
    assert [p.seq for p in walk] == list(range(walk[0].seq, walk[0].seq + len(walk)))
    assert [p.at_ms for p in walk] == [20 * i for i in range(len(walk))]


def test_given_three_keys_then_silence_keeps_the_8khz_clock_around_the_events(
    walk: list[RtpPacket],
) -> None:
    audio = [p for p in walk if p.payload_type == PCMA]
    assert all(p.payload == b"\xd5" * 160 for p in audio)
    for packet in audio:
        assert packet.timestamp - walk[0].timestamp == packet.at_ms * 8
    # Strict RTP has locked on to the stream long before the first key.
    assert walk[0].marker and walk[0].payload_type == PCMA
    assert walk.index(_events(walk)[0][0]) >= 20


def test_given_a_key_press_then_begin_updates_and_three_final_packets_per_rfc4733(
    walk: list[RtpPacket],
) -> None:
    for press, key in zip(_events(walk), "121", strict=True):
        begin, *updates = press[:8]
        finals = press[8:]
        assert begin.marker and begin.at_ms in (1500, 3000, 4500)
        assert {p.timestamp for p in press} == {begin.timestamp}
        assert begin.timestamp - walk[0].timestamp == begin.at_ms * 8
        assert [_fields(p) for p in [begin, *updates]] == [
            (EVENTS[key], False, SAMPLES_PER_PACKET * n) for n in range(1, 9)]
        assert [_fields(p) for p in finals] == [(EVENTS[key], True, 1280)] * 3
        assert not any(p.marker for p in press[1:])


def test_given_the_same_key_twice_then_the_second_press_is_a_new_event(
    walk: list[RtpPacket],
) -> None:
    # SIPp's bundled dtmf_2833_1.pcap played twice repeats one timestamp and one
    # range of sequence numbers, and Asterisk takes the second press for the first.
    first, _, again = _events(walk)
    assert again[0].timestamp > first[0].timestamp
    assert again[0].seq > first[-1].seq


def test_given_a_written_pcap_then_sipp_finds_ethernet_ipv4_udp_with_true_lengths(
    tmp_path: Path,
) -> None:
    path = write_pcap(tmp_path / "one.pcap", key_stream([Press("#", 0)], tail_ms=20))
    data = path.read_bytes()
    assert struct.unpack("<IHHiIII", data[:24])[-1] == 1  # LINKTYPE_ETHERNET
    seconds, _, length, _ = struct.unpack("<IIII", data[24:40])
    assert seconds > 0, "SIPp 3.6 takes a capture time of 0 for 'no packet sent yet'"
    frame = data[40:40 + length]
    assert frame[12:14] == b"\x08\x00" and frame[23] == 17  # IPv4, UDP
    udp_length = struct.unpack(">H", frame[38:40])[0]
    assert udp_length == len(frame) - 34  # SIPp sends this many bytes of each packet


def test_given_something_that_is_not_a_key_then_refused() -> None:
    with pytest.raises(ValueError, match="not a DTMF key"):
        Press("A", 0)
