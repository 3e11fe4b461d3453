"""ARI events as typed, frozen objects — parsed strictly from the websocket's JSON.

Only the events ccctl acts on get their own type; everything else becomes
:class:`Other` so that a newer Asterisk adding event types breaks nothing.
A malformed event (a known type missing a field it must have) raises
:class:`EventError` naming the type and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class EventError(ValueError):
    """An ARI event that does not have the shape Asterisk documents."""


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    state: str
    caller_number: str
    caller_name: str
    language: str
    context: str
    exten: str


@dataclass(frozen=True)
class Event:
    application: str
    timestamp: str


@dataclass(frozen=True)
class StasisStart(Event):
    channel: Channel
    args: tuple[str, ...]
    replace_channel: str | None


@dataclass(frozen=True)
class StasisEnd(Event):
    channel: Channel


@dataclass(frozen=True)
class ChannelDtmfReceived(Event):
    channel: Channel
    digit: str
    duration_ms: int


@dataclass(frozen=True)
class ChannelStateChange(Event):
    channel: Channel


@dataclass(frozen=True)
class ChannelHangupRequest(Event):
    channel: Channel
    cause: int


@dataclass(frozen=True)
class ChannelDestroyed(Event):
    channel: Channel
    cause: int
    cause_txt: str


@dataclass(frozen=True)
class PlaybackFinished(Event):
    playback_id: str
    target_uri: str
    state: str


@dataclass(frozen=True)
class EndpointStateChange(Event):
    """A phone's reachability: ``state`` is online, offline or unknown."""

    technology: str
    resource: str
    state: str


@dataclass(frozen=True)
class DeviceStateChanged(Event):
    """A device's state: NOT_INUSE, INUSE, BUSY, RINGING, ONHOLD, UNAVAILABLE, UNKNOWN…"""

    device: str
    state: str


@dataclass(frozen=True)
class Other(Event):
    type: str


def _get(data: Mapping[str, Any], key: str, kind: str) -> Any:
    try:
        return data[key]
    except (KeyError, TypeError):
        raise EventError(f"{kind} event without '{key}'") from None


def channel(data: Mapping[str, Any], kind: str = "channel") -> Channel:
    caller = data.get("caller") or {}
    dialplan = data.get("dialplan") or {}
    return Channel(
        id=str(_get(data, "id", kind)),
        name=str(_get(data, "name", kind)),
        state=str(data.get("state", "")),
        caller_number=str(caller.get("number", "")),
        caller_name=str(caller.get("name", "")),
        language=str(data.get("language", "")),
        context=str(dialplan.get("context", "")),
        exten=str(dialplan.get("exten", "")),
    )


def _base(data: Mapping[str, Any]) -> dict[str, str]:
    return {"application": str(data.get("application", "")),
            "timestamp": str(data.get("timestamp", ""))}


def _stasis_start(data: Mapping[str, Any]) -> Event:
    replace = data.get("replace_channel")
    return StasisStart(**_base(data), channel=channel(_get(data, "channel", "StasisStart")),
                       args=tuple(str(a) for a in data.get("args", ())),
                       replace_channel=str(replace["id"]) if replace else None)


def _stasis_end(data: Mapping[str, Any]) -> Event:
    return StasisEnd(**_base(data), channel=channel(_get(data, "channel", "StasisEnd")))


def _dtmf(data: Mapping[str, Any]) -> Event:
    return ChannelDtmfReceived(**_base(data),
                               channel=channel(_get(data, "channel", "ChannelDtmfReceived")),
                               digit=str(_get(data, "digit", "ChannelDtmfReceived")),
                               duration_ms=int(data.get("duration_ms", 0)))


def _state(data: Mapping[str, Any]) -> Event:
    return ChannelStateChange(**_base(data),
                              channel=channel(_get(data, "channel", "ChannelStateChange")))


def _hangup_request(data: Mapping[str, Any]) -> Event:
    return ChannelHangupRequest(**_base(data),
                                channel=channel(_get(data, "channel", "ChannelHangupRequest")),
                                cause=int(data.get("cause", 0)))


def _destroyed(data: Mapping[str, Any]) -> Event:
    return ChannelDestroyed(**_base(data),
                            channel=channel(_get(data, "channel", "ChannelDestroyed")),
                            cause=int(data.get("cause", 0)),
                            cause_txt=str(data.get("cause_txt", "")))


def _playback_finished(data: Mapping[str, Any]) -> Event:
    playback = _get(data, "playback", "PlaybackFinished")
    return PlaybackFinished(**_base(data), playback_id=str(_get(playback, "id", "playback")),
                            target_uri=str(playback.get("target_uri", "")),
                            state=str(playback.get("state", "")))


def _endpoint(data: Mapping[str, Any]) -> Event:
    endpoint = _get(data, "endpoint", "EndpointStateChange")
    return EndpointStateChange(**_base(data),
                               technology=str(_get(endpoint, "technology", "endpoint")),
                               resource=str(_get(endpoint, "resource", "endpoint")),
                               state=str(endpoint.get("state", "unknown")))


def _device_state(data: Mapping[str, Any]) -> Event:
    device = _get(data, "device_state", "DeviceStateChanged")
    return DeviceStateChanged(**_base(data), device=str(_get(device, "name", "device_state")),
                              state=str(device.get("state", "UNKNOWN")))


# The explicit table: ARI event type → parser. Grep here to see what ccctl understands.
PARSERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "StasisStart": _stasis_start,
    "StasisEnd": _stasis_end,
    "ChannelDtmfReceived": _dtmf,
    "ChannelStateChange": _state,
    "ChannelHangupRequest": _hangup_request,
    "ChannelDestroyed": _destroyed,
    "PlaybackFinished": _playback_finished,
    "EndpointStateChange": _endpoint,
    "DeviceStateChanged": _device_state,
}


def parse(data: Mapping[str, Any]) -> Event:
    """One websocket message (already JSON-decoded) → a typed event."""
    if not isinstance(data, Mapping) or "type" not in data:
        raise EventError("ARI message without 'type'")
    kind = str(data["type"])
    parser = PARSERS.get(kind)
    if parser is None:
        return Other(**_base(data), type=kind)
    return parser(data)


def channel_id(event: Event) -> str | None:
    """The channel an event concerns (events of one channel are handled in order)."""
    found = getattr(event, "channel", None)
    return found.id if isinstance(found, Channel) else None
