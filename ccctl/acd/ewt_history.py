"""Recent per-queue history the wait estimator learns from: handle times and abandonment.

Both keep the last ``window`` observations per queue (bounded memory, no clock: "recent"
means the last ``window`` tasks, which adapts quickly on busy queues and keeps enough
history on quiet ones) and snapshot to plain JSON for the daemon's store.
"""

from __future__ import annotations

import math
from collections import deque

# Observations remembered per queue.  500 keeps the relative error of the mean handle time
# near CV / sqrt(500) (about 5-7 %), small beside the spread of the wait itself.
DEFAULT_WINDOW = 500


class _Recent:
    """The last ``window`` values with an O(1) running sum, re-summed exactly every
    ``window`` additions so rounding errors cannot accumulate."""

    __slots__ = ("_since", "total", "values")

    def __init__(self, window: int) -> None:
        self.values: deque[float] = deque(maxlen=window)
        self.total = 0.0
        self._since = 0

    def add(self, value: float) -> None:
        window = self.values.maxlen or 1
        evicted = self.values[0] if len(self.values) == window else 0.0
        self.values.append(value)
        self._since += 1
        if self._since >= window:
            self.total, self._since = math.fsum(self.values), 0
        else:
            self.total += value - evicted


def _check_seconds(what: str, queue_id: str, seconds: float) -> float:
    if isinstance(seconds, bool) or not math.isfinite(seconds) or seconds < 0.0:
        raise ValueError(
            f"{what} for queue {queue_id!r} must be a finite number of seconds >= 0, "
            f"got {seconds!r}"
        )
    return float(seconds)


def _restore_header(name: str, data: dict[str, object]) -> tuple[int, dict[object, object]]:
    window = data.get("window", DEFAULT_WINDOW)
    queues = data.get("queues", {})
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError(f"{name} snapshot: 'window' must be an integer >= 1, got {window!r}")
    if not isinstance(queues, dict):
        raise ValueError(f"{name} snapshot: 'queues' must be an object keyed by queue id")
    return window, queues


def _number_list(name: str, queue_id: object, field: str, values: object) -> list[float]:
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise ValueError(f"{name} snapshot: queue {queue_id!r} {field} must be a list of numbers")
    return [float(v) for v in values]


class HandleTimes:
    """The most recent handle times (talk + wrap-up) per queue."""

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        if window < 1:
            raise ValueError(f"HandleTimes window must be >= 1, got {window}")
        self._window = window
        self._queues: dict[str, _Recent] = {}

    def record(self, queue_id: str, seconds: float) -> None:
        """Remember the handle time of one task that an agent finished in ``queue_id``."""
        value = _check_seconds("handle time", queue_id, seconds)
        recent = self._queues.get(queue_id)
        if recent is None:
            recent = self._queues[queue_id] = _Recent(self._window)
        recent.add(value)

    def mean(self, queue_id: str) -> float | None:
        """Mean of the recent handle times in ``queue_id``; None when there is no history."""
        recent = self._queues.get(queue_id)
        if recent is None or not recent.values:
            return None
        return max(recent.total, 0.0) / len(recent.values)

    def count(self, queue_id: str) -> int:
        """How many handle times the mean of ``queue_id`` is based on."""
        recent = self._queues.get(queue_id)
        return 0 if recent is None else len(recent.values)

    def snapshot(self) -> dict[str, object]:
        """JSON-serialisable state; ``HandleTimes.restore(h.snapshot()) == h``."""
        queues = {queue: list(recent.values) for queue, recent in self._queues.items()}
        return {"window": self._window, "queues": queues}

    @classmethod
    def restore(cls, data: dict[str, object]) -> HandleTimes:
        """Rebuild from :meth:`snapshot`; raises ValueError naming the bad field."""
        window, queues = _restore_header("HandleTimes", data)
        restored = cls(window)
        for queue_id, values in queues.items():
            for value in _number_list("HandleTimes", queue_id, "handle times", values):
                restored.record(str(queue_id), value)
        return restored

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HandleTimes):
            return NotImplemented
        return self.snapshot() == other.snapshot()

    __hash__ = None  # type: ignore[assignment]  # mutable, so not hashable


class Abandonment:
    """How fast waiting callers give up, per queue: the rate the estimator discounts for.

    Record every task that stops waiting -- answered or given up -- with the time it
    waited.  The rate is the maximum-likelihood estimate for exponential patience: callers
    who gave up divided by the total time all of them spent waiting (Ibrahim & Whitt use
    the same hazard-rate view of abandonment).
    """

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        if window < 1:
            raise ValueError(f"Abandonment window must be >= 1, got {window}")
        self._window = window
        self._queues: dict[str, tuple[_Recent, _Recent]] = {}

    def record(self, queue_id: str, waited_s: float, *, abandoned: bool) -> None:
        """One task left ``queue_id`` after ``waited_s``: answered, or gave up."""
        value = _check_seconds("time waited", queue_id, waited_s)
        pair = self._queues.get(queue_id)
        if pair is None:
            pair = self._queues[queue_id] = (_Recent(self._window), _Recent(self._window))
        pair[0].add(value)
        pair[1].add(1.0 if abandoned else 0.0)

    def rate(self, queue_id: str) -> float:
        """Give-ups per waiting caller per second in ``queue_id``; 0.0 without history."""
        pair = self._queues.get(queue_id)
        if pair is None or pair[0].total <= 0.0:
            return 0.0
        return max(pair[1].total, 0.0) / pair[0].total

    def snapshot(self) -> dict[str, object]:
        """JSON-serialisable state; ``Abandonment.restore(a.snapshot()) == a``."""
        queues = {
            queue: {"waited_s": list(waits.values), "abandoned": [int(f) for f in flags.values]}
            for queue, (waits, flags) in self._queues.items()
        }
        return {"window": self._window, "queues": queues}

    @classmethod
    def restore(cls, data: dict[str, object]) -> Abandonment:
        """Rebuild from :meth:`snapshot`; raises ValueError naming the bad field."""
        window, queues = _restore_header("Abandonment", data)
        restored = cls(window)
        for queue_id, entry in queues.items():
            if not isinstance(entry, dict):
                raise ValueError(f"Abandonment snapshot: queue {queue_id!r} must be an object")
            waits = _number_list("Abandonment", queue_id, "waited_s", entry.get("waited_s"))
            flags = _number_list("Abandonment", queue_id, "abandoned", entry.get("abandoned"))
            if len(waits) != len(flags):
                raise ValueError(
                    f"Abandonment snapshot: queue {queue_id!r} has {len(waits)} waits "
                    f"but {len(flags)} abandoned flags"
                )
            for waited, flag in zip(waits, flags, strict=True):
                restored.record(str(queue_id), waited, abandoned=flag != 0.0)
        return restored

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Abandonment):
            return NotImplemented
        return self.snapshot() == other.snapshot()

    __hash__ = None  # type: ignore[assignment]  # mutable, so not hashable
