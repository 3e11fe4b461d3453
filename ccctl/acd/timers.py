"""Time-driven changes of waiting tasks: widening steps, escalation steps, sticky timeouts.

One heap of (due, seq, kind, task_id, epoch, arg). Entries are never removed early: a task
that left its queue got a new epoch (or is gone), and its stale entries are skipped when
they come due. The router pops due entries before every event.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Any

from ccctl.acd.model import QueueConfig
from ccctl.acd.state import Task

WIDEN = "widen"
ESCALATE = "escalate"
STICKY = "sticky"
DUE = "due"  # a scheduled task joins its queue

TimerEntry = tuple[float, int, str, str, int, int]


class Timers:
    def __init__(self) -> None:
        self.heap: list[TimerEntry] = []
        self._seq = 0

    def push(self, due: float, kind: str, task: Task, arg: int = 0) -> None:
        self._seq += 1
        heapq.heappush(self.heap, (due, self._seq, kind, task.id, task.epoch, arg))

    def schedule(self, task: Task, config: QueueConfig, now: float) -> None:
        """Every future step of ``task`` in the queue ``config`` describes."""
        for step in config.widening:
            due = task.entered_at + step.after_s
            if due > now:
                self.push(due, WIDEN, task)
        for esc in config.escalation:
            due = task.entered_at + esc.after_s
            if due > now and esc.priority > task.priority:
                self.push(due, ESCALATE, task, esc.priority)
        if task.sticky_until is not None and task.sticky_until > now:
            self.push(task.sticky_until, STICKY, task)

    def pop_due(self, now: float) -> Iterator[TimerEntry]:
        heap = self.heap
        while heap and heap[0][0] <= now:
            yield heapq.heappop(heap)

    def next_due(self) -> float | None:
        return self.heap[0][0] if self.heap else None

    def snapshot(self) -> dict[str, Any]:
        return {"seq": self._seq, "heap": [list(entry) for entry in self.heap]}

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Timers:
        timers = cls()
        timers._seq = int(data["seq"])
        timers.heap = [
            (float(e[0]), int(e[1]), str(e[2]), str(e[3]), int(e[4]), int(e[5]))
            for e in data["heap"]
        ]
        heapq.heapify(timers.heap)
        return timers
