"""RTP streams with RFC 4733 key presses, written as pcap files for SIPp's ``play_pcap_audio``.

SIPp replays a pcap's UDP payloads byte for byte: it rewrites only the UDP
ports (to the call's media ports) and keeps each packet's capture time as its
send time. So everything Asterisk checks in the RTP headers must already be
right in the file, and the bundled ``dtmf_2833_*.pcap`` files are not: each is
a ten-packet slice of one old capture (its own sequence numbers, one RTP
timestamp per digit, ending with three "end" packets that share one sequence
number), so pressing the same key twice sends the same event twice, and
nothing but the slices reaches Asterisk's strict-RTP source learning.

This module writes one continuous stream instead: one SSRC, sequence numbers
that go up by one per packet, 20 ms packets of G.711 silence at 8 kHz, and for
each key an RFC 4733 event (RFC 4733 section 2.5): a first packet with the
marker bit, updates every 20 ms with the event's RTP timestamp and a growing
duration, and the final packet (E bit) sent three times, each with a sequence
number of its own; then silence again. The silence before the first key lets
strict RTP lock on to the stream before any key is in it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 8000
PACKET_MS = 20
SAMPLES_PER_PACKET = SAMPLE_RATE * PACKET_MS // 1000  # 160
# One byte of silence per sample, by static payload type: PCMU (0) and PCMA (8).
SILENCE = {0: b"\xff", 8: b"\xd5"}
EVENTS = {**{str(digit): digit for digit in range(10)}, "*": 10, "#": 11}  # RFC 4733 3.2
FINAL_PACKETS = 3  # RFC 4733 2.5.1.4: the final packet is sent three times
VOLUME = 10  # -10 dBm0, what phones typically send

_CAPTURE_EPOCH = 1_700_000_000  # capture times must not start at 0: SIPp 3.6 takes 0 as unset
_SRC = bytes((127, 0, 0, 1))  # pcap addresses are placeholders: SIPp sends from/to the call's
_DST = bytes((127, 0, 0, 1))
_SRC_PORT, _DST_PORT = 6000, 6000  # ports are rewritten relative to the lowest destination


@dataclass(frozen=True)
class Press:
    """Key ``key`` pressed ``at_ms`` after the stream starts, held ``duration_ms``."""

    key: str
    at_ms: int
    duration_ms: int = 160

    def __post_init__(self) -> None:
        if self.key not in EVENTS:
            raise ValueError(f"{self.key!r} is not a DTMF key (one of {''.join(EVENTS)})")
        if self.duration_ms < PACKET_MS:
            raise ValueError(f"a key press lasts at least {PACKET_MS} ms")


@dataclass(frozen=True)
class RtpPacket:
    """One RTP packet of the stream and when it is sent (ms after the start)."""

    at_ms: int
    payload_type: int
    marker: bool
    seq: int
    timestamp: int
    ssrc: int
    payload: bytes

    def to_bytes(self) -> bytes:
        return struct.pack(">BBHII", 0x80, (0x80 if self.marker else 0) | self.payload_type,
                           self.seq, self.timestamp, self.ssrc) + self.payload


def key_stream(presses: Sequence[Press], *, audio_type: int = 8, event_type: int = 101,
               tail_ms: int = 500, ssrc: int = 0x43434354, first_seq: int = 1000,
               first_timestamp: int = 16000) -> list[RtpPacket]:
    """One RTP stream of silence with ``presses`` in it as RFC 4733 events.

    ``audio_type`` is the static payload type of the silence (0 PCMU, 8 PCMA)
    and ``event_type`` the dynamic one negotiated for ``telephone-event/8000``;
    both must be what the call's SDP agreed. The stream runs ``tail_ms`` past
    the last key's final packet. Presses are sent in the order of ``at_ms``,
    each starting at the next 20 ms slot after the previous one ends.
    """
    if audio_type not in SILENCE:
        raise ValueError(f"payload type {audio_type} is not PCMU (0) or PCMA (8)")
    packets: list[RtpPacket] = []
    slot = 0

    def send(payload_type: int, payload: bytes, *, marker: bool = False,
             timestamp_slot: int | None = None) -> None:
        nonlocal slot
        stamp = timestamp_slot if timestamp_slot is not None else slot
        packets.append(RtpPacket(
            at_ms=slot * PACKET_MS, payload_type=payload_type, marker=marker,
            seq=(first_seq + len(packets)) & 0xFFFF,
            timestamp=(first_timestamp + stamp * SAMPLES_PER_PACKET) & 0xFFFFFFFF,
            ssrc=ssrc, payload=payload))
        slot += 1

    silence = SILENCE[audio_type] * SAMPLES_PER_PACKET
    for press in sorted(presses, key=lambda p: p.at_ms):
        start = max(slot, -(-press.at_ms // PACKET_MS))
        while slot < start:
            send(audio_type, silence, marker=not packets)
        updates = -(-press.duration_ms // PACKET_MS)
        for update in range(updates):
            send(event_type, _event(press.key, (update + 1) * SAMPLES_PER_PACKET, end=False),
                 marker=update == 0, timestamp_slot=start)
        for _ in range(FINAL_PACKETS):
            send(event_type, _event(press.key, updates * SAMPLES_PER_PACKET, end=True),
                 timestamp_slot=start)
    end = slot + -(-tail_ms // PACKET_MS)
    while slot < end:
        send(audio_type, silence, marker=not packets)
    return packets


def _event(key: str, duration: int, *, end: bool) -> bytes:
    """The 4-byte RFC 4733 payload: event, E bit and volume, duration in samples."""
    return struct.pack(">BBH", EVENTS[key], (0x80 if end else 0) | VOLUME, min(duration, 0xFFFF))


def write_pcap(path: Path, packets: Iterable[RtpPacket]) -> Path:
    """Write ``packets`` as a classic pcap (Ethernet, IPv4, UDP) that SIPp can replay."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for packet in packets:
        rtp = packet.to_bytes()
        udp = struct.pack(">HHHH", _SRC_PORT, _DST_PORT, 8 + len(rtp), 0) + rtp
        ip_header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                                _SRC, _DST)
        ip_header = ip_header[:10] + struct.pack(">H", _ip_checksum(ip_header)) + ip_header[12:]
        frame = b"\x00" * 12 + b"\x08\x00" + ip_header + udp
        seconds, ms = divmod(packet.at_ms, 1000)
        out.append(struct.pack("<IIII", _CAPTURE_EPOCH + seconds, ms * 1000, len(frame),
                               len(frame)))
        out.append(frame)
    path.write_bytes(b"".join(out))
    return path


def read_pcap(path: Path) -> list[RtpPacket]:
    """The RTP packets of a pcap written by :func:`write_pcap` (or captured on Ethernet)."""
    data = path.read_bytes()
    magic, *_, link = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xA1B2C3D4 or link != 1:
        raise ValueError(f"{path}: not a microsecond pcap of Ethernet frames")
    packets: list[RtpPacket] = []
    offset = 24
    first: float | None = None
    while offset < len(data):
        seconds, micros, length, _ = struct.unpack("<IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        ip_length = (frame[14] & 0x0F) * 4
        rtp = frame[14 + ip_length + 8:]
        _, kind, seq, timestamp, ssrc = struct.unpack(">BBHII", rtp[:12])
        when = seconds + micros / 1e6
        first = when if first is None else first
        packets.append(RtpPacket(round((when - first) * 1000), kind & 0x7F, bool(kind & 0x80),
                                 seq, timestamp, ssrc, rtp[12:]))
    return packets


def _ip_checksum(header: bytes) -> int:
    total: int = sum(struct.unpack(f">{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
