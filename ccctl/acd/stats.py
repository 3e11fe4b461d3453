"""Service-level statistics per queue and interval (15-minute buckets by default).

SL  = answered within target ÷ answered.
SL2 = answered within target ÷ (answered + abandoned after the short-abandon threshold).
Waits are measured from the task's original entry time: the caller's whole wait counts,
also after a move between queues.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)
class IntervalCounts:
    arrived: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_short: int = 0
    answered_wait_s: float = 0.0

    @property
    def sl(self) -> float | None:
        return self.answered_within / self.answered if self.answered else None

    @property
    def sl2(self) -> float | None:
        counted = self.answered + self.abandoned - self.abandoned_short
        return self.answered_within / counted if counted else None


class QueueStats:
    """Counters per (queue, interval start); keeps the newest ``keep`` intervals per queue."""

    def __init__(self, interval_s: int, keep: int) -> None:
        self.interval_s = interval_s
        self.keep = keep
        self._counts: dict[str, dict[int, IntervalCounts]] = {}

    def interval_start(self, now: float) -> int:
        return int(now // self.interval_s) * self.interval_s

    def _bucket(self, queue_id: str, now: float) -> IntervalCounts:
        per_queue = self._counts.setdefault(queue_id, {})
        start = self.interval_start(now)
        counts = per_queue.get(start)
        if counts is None:
            counts = per_queue[start] = IntervalCounts()
            if len(per_queue) > self.keep:
                del per_queue[min(per_queue)]
        return counts

    def arrived(self, queue_id: str, now: float) -> None:
        self._bucket(queue_id, now).arrived += 1

    def answered(self, queue_id: str, now: float, waited_s: float, target_s: float) -> None:
        counts = self._bucket(queue_id, now)
        counts.answered += 1
        counts.answered_wait_s += waited_s
        if waited_s <= target_s:
            counts.answered_within += 1

    def abandoned(self, queue_id: str, now: float, waited_s: float, short_s: float) -> None:
        counts = self._bucket(queue_id, now)
        counts.abandoned += 1
        if waited_s < short_s:
            counts.abandoned_short += 1

    def interval(self, queue_id: str, start: int) -> IntervalCounts:
        found = self._counts.get(queue_id, {}).get(start)
        return IntervalCounts(**asdict(found)) if found else IntervalCounts()

    def intervals(self, queue_id: str) -> list[tuple[int, IntervalCounts]]:
        return sorted(self._counts.get(queue_id, {}).items())

    def snapshot(self) -> dict[str, Any]:
        return {
            "interval_s": self.interval_s,
            "keep": self.keep,
            "counts": {
                q: {str(start): asdict(c) for start, c in per.items()}
                for q, per in self._counts.items()
            },
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> QueueStats:
        stats = cls(int(data["interval_s"]), int(data["keep"]))
        for queue_id, per in data["counts"].items():
            stats._counts[queue_id] = {int(s): IntervalCounts(**c) for s, c in per.items()}
        return stats
