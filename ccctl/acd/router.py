"""The routing core's entry point: one event in, typed decisions out.

``Router.handle(event, now)`` first applies the timers that are due (widening, escalation,
sticky timeouts), then the one handler the table below names for the event's type.
No I/O, no asyncio, no clock of its own: ``now`` (epoch seconds) always comes in.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ccctl.acd import events as ev
from ccctl.acd import handlers_agent as agent_h
from ccctl.acd import handlers_task as task_h
from ccctl.acd import handlers_transfer as transfer_h
from ccctl.acd import snapshot as snapshots
from ccctl.acd import views
from ccctl.acd.core import Core
from ccctl.acd.decisions import Decision
from ccctl.acd.ewt import HandleTimes, WaitEstimate
from ccctl.acd.index import QueueIndex
from ccctl.acd.metering import SeatUsage
from ccctl.acd.model import AgentState, RouterConfig, TaskState
from ccctl.acd.state import Agent, Task
from ccctl.acd.timers import DUE, ESCALATE, STICKY, WIDEN

Handler = Callable[[Core, Any, float], list[Decision]]
log = logging.getLogger(__name__)


def on_configure_queue(core: Core, event: ev.ConfigureQueue, now: float) -> list[Decision]:
    """Add or replace a queue. Rare: re-indexes the queue and re-checks every agent."""
    config = event.queue
    old = core.queues.get(config.id)
    fresh = QueueIndex(config)
    agents = sorted(core.agents.values(), key=lambda a: (a.since, a.id))  # longest idle first
    for agent in agents:
        core.leave_queues(agent)
    core.queues[config.id] = fresh
    if old is not None:
        for key in old.order:
            task = core.tasks[key[3]]
            task.epoch += 1
            core.timers.schedule(task, config, now)
            fresh.add(task)
            if task.state is TaskState.WAITING:
                fresh.add_routable(task)
    decisions: list[Decision] = []
    for agent in agents:
        core.join_queues(agent)
    for agent in agents:
        if agent.state is AgentState.AVAILABLE:
            decisions += core.release_agent(agent, now)
    return decisions


def on_tick(core: Core, event: ev.Tick, now: float) -> list[Decision]:
    core.meter.observe(now)  # carries the logged-in count into a new day or month
    return []


HANDLERS: Mapping[type, Handler] = {
    ev.ConfigureQueue: on_configure_queue,
    ev.TaskArrived: task_h.on_arrived,
    ev.AgentLogin: agent_h.on_login,
    ev.AgentLogout: agent_h.on_logout,
    ev.UpdateAgentProfile: agent_h.on_profile,
    ev.AgentReady: agent_h.on_ready,
    ev.AgentPause: agent_h.on_pause,
    ev.OfferAccepted: task_h.on_accepted,
    ev.OfferFailed: task_h.on_failed,
    ev.CallEnded: task_h.on_ended,
    ev.WrapUpDone: agent_h.on_wrapup_done,
    ev.Abandoned: task_h.on_abandoned,
    ev.MoveTask: task_h.on_move,
    ev.Prioritise: task_h.on_prioritise,
    ev.PickTask: task_h.on_pick,
    ev.ParkPersonal: task_h.on_park,
    ev.Requeue: task_h.on_requeue,
    ev.ConsultStarted: transfer_h.on_consult_started,
    ev.ConsultEnded: transfer_h.on_consult_ended,
    ev.Defer: task_h.on_defer,
    ev.Annotate: task_h.on_annotate,
    ev.ChangeKind: task_h.on_change_kind,
    ev.Tick: on_tick,
}


def apply_due(core: Core, now: float) -> list[Decision]:
    """Fire the timers due by ``now``; stale entries (task gone or moved) are skipped."""
    decisions: list[Decision] = []
    for _due, _seq, kind, task_id, epoch, arg in core.timers.pop_due(now):
        task = core.tasks.get(task_id)
        if task is None or task.epoch != epoch or task.parked:
            continue
        if kind == WIDEN and task.state is TaskState.WAITING:
            qi = core.queues[task.queue_id]
            agent_id = qi.agent_for(task, now, core.agents)
            if agent_id is not None:
                decisions.append(core.offer(task, core.agents[agent_id]))
        elif kind == ESCALATE and task.state is not TaskState.IN_SERVICE:
            if arg > task.priority:
                core.rekey(task, arg)
        elif kind == DUE and task.state is TaskState.SCHEDULED:
            task.state, task.due_at = TaskState.WAITING, None
            decisions += core.enqueue(task, now, new_queue=True)
        elif kind == STICKY and task.state is TaskState.STICKY:
            assert task.preferred_agent is not None
            core.sticky[task.preferred_agent].remove(task.key())
            task.state, task.sticky_until = TaskState.WAITING, None
            decisions += core.route_task(task, now)
    return decisions


class Router:
    """Owns the state of the routing core. Build one per daemon; no globals."""

    def __init__(
        self, config: RouterConfig | None = None, handle_times: HandleTimes | None = None
    ) -> None:
        self.core = Core(config or RouterConfig(), handle_times)
        # Decisions from timers that fired before a failing event; returned next time.
        self.pending: list[Decision] = []

    def handle(self, event: ev.Event, now: float) -> list[Decision]:
        """Apply one event at time ``now``; return what the daemon must do, in order."""
        handler = HANDLERS.get(type(event))
        if handler is None:
            raise TypeError(f"no handler for {type(event).__name__}; see router.HANDLERS")
        self.pending += apply_due(self.core, now)
        decisions = handler(self.core, event, now)
        out, self.pending = self.pending + decisions, []
        if log.isEnabledFor(logging.DEBUG):
            # Events and decisions carry ids only; identification is excluded from repr.
            log.debug("acd %r at %.3f -> %r", event, now, out)
        return out

    def next_wakeup(self) -> float | None:
        """When to send the next Tick, at the latest (None: nothing is time-dependent)."""
        return self.core.timers.next_due()

    # -- read-only views ---------------------------------------------------------------------
    def queue_view(self, queue_id: str, now: float) -> list[views.QueueEntry]:
        return views.queue_view(self.core, queue_id, now)

    def personal_view(self, agent_id: str, now: float) -> list[views.QueueEntry]:
        return views.personal_view(self.core, agent_id, now)

    def queue_status(self, queue_id: str, now: float) -> views.QueueStatus:
        return views.queue_status(self.core, queue_id, now)

    def position(self, task_id: str) -> int:
        return views.position(self.core, self.core.task(task_id))

    def expected_wait(self, task_id: str, now: float) -> WaitEstimate:
        return views.expected_wait(self.core, task_id, now)

    def seat_usage(self, now: float) -> SeatUsage:
        return self.core.meter.usage(now)

    def agent(self, agent_id: str) -> Agent:
        """The live state of a logged-in agent (a copy: changing it changes nothing)."""
        return copy.deepcopy(self.core.agent(agent_id))

    def task(self, task_id: str) -> Task:
        """The live state of a task (a copy: changing it changes nothing)."""
        return copy.deepcopy(self.core.task(task_id))

    # -- persistence -------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The whole state as a JSON-ready dict (identification included: store it safely)."""
        return snapshots.snapshot(self.core, self.pending)

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Router:
        router = cls()
        router.core, router.pending = snapshots.restore(data)
        return router
