"""Call-flow latencies from AMI events, as pure functions (no sockets, no clock).

``bench/voice_latency.py`` records AMI events while SIPp drives calls, then
pairs them here. Every time is Asterisk's own: the ``Timestamp`` header that
``timestampevents = yes`` (manager.conf) adds to each event, taken when the
manager raised the event, so the reader's queueing delay is not measured.
Events are paired in the order AMI delivered them; per channel that is the
order in which they happened.

* :func:`keypress_to_prompt`: ``DTMFEnd`` (``Direction: Received``) on a
  channel whose current dialplan application takes digits (``Read``,
  ``Background``, ``WaitExten``) → the next ``Newexten`` on that channel that
  starts a prompt (``Read``, ``Playback``, ``Background``). A key pressed
  while nothing listens (e.g. during a ``Playback`` greeting) is ignored.
* :func:`queued_to_ringing`: the caller's ``Newexten`` for ``Queue`` (app_queue)
  or ``Stasis(app,queue,…)`` (ccctl), the latest before an agent is called →
  the first ``Newstate`` ``Ringing`` of an agent channel for that caller. An
  agent channel belongs to the caller whose ``Linkedid`` it shares (app_queue
  dials on the caller's behalf) or whose ``Uniqueid`` followed by ``-`` starts
  its own (ccctl names the agent leg ``<task id = caller's channel id>-to-…``).

>>> Event.from_message(Message((("Event", "DTMFEnd"), ("Timestamp", "10.000000"),
...     ("Uniqueid", "c1"), ("Direction", "Received"), ("Digit", "2"))))
Event(name='DTMFEnd', time=10.0, uniqueid='c1', linkedid='', application='', appdata='', \
direction='Received', state='')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ccctl.ami.protocol import Message, Parser

KEPT = frozenset({"DTMFEnd", "Newexten", "Newchannel", "Newstate"})
LISTENING_APPS = frozenset({"read", "background", "waitexten"})  # take digits
PROMPT_APPS = frozenset({"read", "playback", "background"})  # start a prompt


@dataclass(frozen=True)
class Event:
    """The fields of one AMI event that the pairings need."""

    name: str
    time: float  # Asterisk's Timestamp, seconds since the epoch
    uniqueid: str
    linkedid: str = ""
    application: str = ""
    appdata: str = ""
    direction: str = ""
    state: str = ""  # ChannelStateDesc

    @classmethod
    def from_message(cls, message: Message) -> Event | None:
        """An :class:`Event`, or None for events not paired here or without a Timestamp."""
        name, stamp, uniqueid = (message.get(k) for k in ("Event", "Timestamp", "Uniqueid"))
        if name not in KEPT or stamp is None or uniqueid is None:
            return None
        return cls(name, float(stamp), uniqueid, message.get("Linkedid") or "",
                   message.get("Application") or "", message.get("AppData") or "",
                   message.get("Direction") or "", message.get("ChannelStateDesc") or "")


def parse(data: bytes) -> list[Event]:
    """Events from a raw AMI transcript (as recorded, banner and responses included)."""
    events = (Event.from_message(m) for m in Parser().feed(data))
    return [e for e in events if e is not None]


@dataclass
class Pairing:
    """Intervals in milliseconds, and how many starts found no end (or no start)."""

    samples_ms: list[float] = field(default_factory=list)
    unmatched: int = 0


def keypress_to_prompt(events: Iterable[Event]) -> Pairing:
    result = Pairing()
    listening: dict[str, bool] = {}
    pressed: dict[str, float] = {}
    for e in events:
        if e.name == "Newexten":
            app = e.application.lower()
            if app in PROMPT_APPS and e.uniqueid in pressed:
                result.samples_ms.append((e.time - pressed.pop(e.uniqueid)) * 1000)
            listening[e.uniqueid] = app in LISTENING_APPS
        elif (e.name == "DTMFEnd" and e.direction == "Received"
              and listening.get(e.uniqueid) and e.uniqueid not in pressed):
            pressed[e.uniqueid] = e.time
    result.unmatched = len(pressed)
    return result


def queued_to_ringing(events: Iterable[Event], stasis_app: str) -> Pairing:
    result = Pairing()
    queued: dict[str, float] = {}  # caller → when it last entered a queue
    by_linkedid: dict[str, str] = {}
    agent_of: dict[str, str] = {}  # agent channel → caller
    rang: set[str] = set()
    for e in events:
        if e.name == "Newexten" and _queues(e, stasis_app):
            queued[e.uniqueid] = e.time
            by_linkedid[e.linkedid or e.uniqueid] = e.uniqueid
        elif e.name == "Newchannel" and e.uniqueid not in queued:
            caller = _caller_of(e, queued, by_linkedid)
            if caller is not None and caller not in rang:
                agent_of[e.uniqueid] = caller
        elif e.name == "Newstate" and e.state == "Ringing" and e.uniqueid in agent_of:
            caller = agent_of.pop(e.uniqueid)
            if caller not in rang:
                rang.add(caller)
                result.samples_ms.append((e.time - queued[caller]) * 1000)
    result.unmatched = len(queued.keys() - rang)
    return result


def _queues(e: Event, stasis_app: str) -> bool:
    app = e.application.lower()
    return app == "queue" or (app == "stasis" and e.appdata.startswith(f"{stasis_app},queue,"))


def _caller_of(e: Event, queued: dict[str, float], by_linkedid: dict[str, str]) -> str | None:
    if e.linkedid and e.linkedid != e.uniqueid and e.linkedid in by_linkedid:
        return by_linkedid[e.linkedid]
    dash = e.uniqueid.find("-")
    while dash != -1:  # the longest caller id that prefixes this one, up to a dash
        if e.uniqueid[:dash] in queued:
            return e.uniqueid[:dash]
        dash = e.uniqueid.find("-", dash + 1)
    return None


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile, interpolated linearly between the closest ranks
    (numpy's default; ``statistics.quantiles(..., method="inclusive")``).

    >>> percentile([40.0, 10.0, 30.0, 20.0], 50)
    25.0
    >>> round(percentile(range(1, 101), 95), 2)
    95.05
    """
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def figure_line(name: str, value: float, unit: str, digits: int = 1) -> str:
    """``figure: NAME = VALUE UNIT``, the line every benchmark prints.

    >>> figure_line("voice.keypress_to_prompt_p95_ms", 12.345, "ms")
    'figure: voice.keypress_to_prompt_p95_ms = 12.3 ms'
    """
    return f"figure: {name} = {value:.{digits}f} {unit}"
