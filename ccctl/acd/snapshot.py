"""Snapshot and restore of the whole routing core as a JSON-ready dict.

Only facts are stored (configs, tasks, agents, timers, counters); every index is rebuilt
on restore, so a snapshot cannot carry an inconsistent index.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sortedcontainers import SortedList

from ccctl.acd import decisions as dec
from ccctl.acd.core import Core
from ccctl.acd.ewt import Abandonment, HandleTimes
from ccctl.acd.index import QueueIndex
from ccctl.acd.metering import SeatMeter
from ccctl.acd.model import AgentState, QueueConfig, RouterConfig, TaskState
from ccctl.acd.state import Agent, Task
from ccctl.acd.stats import QueueStats
from ccctl.acd.timers import Timers

FORMAT = 1
_DECISIONS: dict[str, type[dec.Decision]] = {
    cls.__name__: cls
    for cls in (dec.Offer, dec.CancelOffer, dec.Connect, dec.StartWrapUp, dec.PauseAgent)
}


def snapshot(core: Core, pending: list[dec.Decision]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "config": core.config.model_dump(mode="json"),
        "queues": [qi.config.model_dump(mode="json") for qi in core.queues.values()],
        "agents": [agent.to_dict() for agent in core.agents.values()],
        "tasks": [task.to_dict() for task in core.tasks.values()],
        "seq": core.seq,
        "timers": core.timers.snapshot(),
        "stats": core.stats.snapshot(),
        "meter": core.meter.snapshot(),
        "handle_times": core.handle_times.snapshot(),
        "abandonment": core.abandonment.snapshot(),
        "pending": [{"type": type(d).__name__, **asdict(d)} for d in pending],
    }


def restore(data: dict[str, Any]) -> tuple[Core, list[dec.Decision]]:
    if data.get("format") != FORMAT:
        raise ValueError(
            f"routing-core snapshot format {data.get('format')!r} is not {FORMAT}; it was "
            "written by another ccctl version — start with an empty state and let the "
            "daemon reconcile with the PBX"
        )
    core = Core(RouterConfig.model_validate(data["config"]))
    core.handle_times = HandleTimes.restore(data["handle_times"])
    core.abandonment = Abandonment.restore(data["abandonment"])
    for raw in data["queues"]:
        config = QueueConfig.model_validate(raw)
        core.queues[config.id] = QueueIndex(config)
    for raw in data["agents"]:
        agent = Agent.from_dict(raw)
        core.agents[agent.id] = agent
        core.join_queues(agent)
        if agent.state is AgentState.AVAILABLE:
            for queue_id in agent.queues:
                core.queues[queue_id].available.add((agent.since, agent.id))
    for raw in data["tasks"]:
        _index_task(core, Task.from_dict(raw))
    core.seq = int(data["seq"])
    core.timers = Timers.restore(data["timers"])
    core.stats = QueueStats.restore(data["stats"])
    core.meter = SeatMeter.restore(data["meter"])
    pending = [_DECISIONS[d.pop("type")](**d) for d in (dict(p) for p in data["pending"])]
    return core, pending


def _index_task(core: Core, task: Task) -> None:
    core.tasks[task.id] = task
    if task.state in (TaskState.IN_SERVICE, TaskState.SCHEDULED):
        return
    if task.parked:
        assert task.agent_id is not None
        core.personal.setdefault(task.agent_id, SortedList()).add(task.key())
        return
    qi = core.queues[task.queue_id]
    qi.add(task)
    if task.state is TaskState.WAITING:
        qi.add_routable(task)
    elif task.state is TaskState.STICKY:
        assert task.preferred_agent is not None
        core.sticky.setdefault(task.preferred_agent, SortedList()).add(task.key())
