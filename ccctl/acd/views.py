"""Read-only views for supervisors, wallboards, agents and announcements. They never
change the state, so the daemon may call them as often as it likes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ccctl.acd.core import Core
from ccctl.acd.ewt import WaitEstimate, estimate_wait
from ccctl.acd.model import AgentState, TaskKind, TaskState
from ccctl.acd.state import OrderKey, Task
from ccctl.acd.stats import IntervalCounts


@dataclass(frozen=True, slots=True)
class QueueEntry:
    position: int  # 1 = next in line
    task_id: str
    kind: TaskKind
    priority: int
    waited_s: float  # since the original entry time
    state: TaskState
    agent_id: str | None  # offered to, or the owner of a personal queue


@dataclass(frozen=True, slots=True)
class QueueStatus:
    queue_id: str
    waiting: int
    longest_wait_s: float
    agents: dict[AgentState, int]  # logged-in members of the queue by state
    interval_start: int
    interval: IntervalCounts

    @property
    def agents_logged_in(self) -> int:
        return sum(self.agents.values())

    @property
    def agents_answering(self) -> int:
        """Logged in and not paused: the "N agents are answering" announcement."""
        return self.agents_logged_in - self.agents.get(AgentState.PAUSED, 0)


def _entries(core: Core, keys: list[OrderKey], now: float) -> list[QueueEntry]:
    out = []
    for position, key in enumerate(keys, start=1):
        task = core.tasks[key[3]]
        out.append(
            QueueEntry(
                position,
                task.id,
                task.kind,
                task.priority,
                now - task.entered_at,
                task.state,
                task.agent_id,
            )
        )
    return out


def queue_view(core: Core, queue_id: str, now: float) -> list[QueueEntry]:
    """Every task of a service queue in order (priority, then entry time)."""
    return _entries(core, list(core.queue(queue_id).order), now)


def personal_view(core: Core, agent_id: str, now: float) -> list[QueueEntry]:
    core.agent(agent_id)
    return _entries(core, list(core.personal.get(agent_id, ())), now)


def queue_status(core: Core, queue_id: str, now: float) -> QueueStatus:
    qi = core.queue(queue_id)
    oldest = qi.by_entry[0][0] if qi.by_entry else None
    states = Counter(core.agents[a].state for a in qi.members)
    start = core.stats.interval_start(now)
    return QueueStatus(
        queue_id,
        len(qi.order),
        0.0 if oldest is None else max(0.0, now - oldest),
        dict(states),
        start,
        core.stats.interval(queue_id, start),
    )


def position(core: Core, task: Task) -> int:
    """1-based place of a waiting task in its queue (or its owner's personal queue)."""
    if task.parked and task.agent_id is not None:
        return core.personal[task.agent_id].bisect_left(task.key()) + 1
    return core.queue(task.queue_id).order.bisect_left(task.key()) + 1


def expected_wait(core: Core, task_id: str, now: float) -> WaitEstimate:
    """Remaining wait of one task, from its place, the agents who can take it and recent
    handle times, discounted for callers ahead who give up (method: ``ccctl.acd.ewt``).
    Computed afresh on every call."""
    task = core.task(task_id)
    config = core.queue(task.queue_id).config
    if task.state in (TaskState.OFFERED, TaskState.IN_SERVICE):
        return WaitEstimate(seconds=0.0, announce_minutes=1, more_than=False)
    ahead = position(core, task) - 1
    agents = 0
    if task.parked:
        owner = core.agents.get(task.agent_id or "")
        agents = int(owner is not None and owner.state is not AgentState.PAUSED)
    else:
        qi = core.queues[task.queue_id]
        sig = task.signature()
        for agent_id in qi.members:
            agent = core.agents[agent_id]
            if agent.state is not AgentState.PAUSED and qi.eligible_after(agent, sig) is not None:
                agents += 1
    return estimate_wait(
        ahead=ahead,
        agents=agents,
        mean_handle_s=core.handle_times.mean(task.queue_id),
        abandon_rate_per_s=core.abandonment.rate(task.queue_id),
        default_handle_s=config.default_handle_s,
    )
