"""Handlers of task events: arrival, offer outcome, end, abandon, and supervisor operations.

Each handler checks its preconditions before it changes anything, so a domain error
leaves the state as it was.
"""

from __future__ import annotations

from sortedcontainers import SortedList

from ccctl.acd.core import Core
from ccctl.acd.decisions import Connect, Decision, PauseAgent
from ccctl.acd.errors import AgentNotAvailableError, DuplicateTaskError, InvalidTransitionError
from ccctl.acd.events import (
    Abandoned,
    Annotate,
    CallEnded,
    ChangeKind,
    Defer,
    MoveTask,
    OfferAccepted,
    OfferFailed,
    ParkPersonal,
    PickTask,
    Prioritise,
    Requeue,
    TaskArrived,
)
from ccctl.acd.handlers_agent import end_service
from ccctl.acd.model import AgentState, TaskState
from ccctl.acd.state import Agent, Task
from ccctl.acd.timers import DUE

_WAITING = (TaskState.WAITING, TaskState.STICKY, TaskState.PERSONAL)


def on_arrived(core: Core, event: TaskArrived, now: float) -> list[Decision]:
    spec = event.task
    if spec.id in core.tasks:
        raise DuplicateTaskError(spec.id)
    config = core.queue(spec.queue_id).config
    sticky = spec.preferred_agent in core.agents and config.sticky_timeout_s > 0
    task = Task(
        id=spec.id,
        queue_id=spec.queue_id,
        kind=spec.kind,
        skills=dict(spec.skills),
        language=spec.language,
        priority=spec.priority,
        entered_at=now if spec.entered_at is None else spec.entered_at,
        seq=core.next_seq(),
        preferred_agent=spec.preferred_agent,
        sticky_until=now + config.sticky_timeout_s if sticky else None,
        identification=dict(spec.identification),
    )
    core.tasks[task.id] = task
    core.stats.arrived(task.queue_id, now)
    if spec.not_before is not None and spec.not_before > now:
        schedule(core, task, spec.not_before)
        return []
    return core.enqueue(task, now, new_queue=True)


def on_accepted(core: Core, event: OfferAccepted, now: float) -> list[Decision]:
    task, agent = _offered(core, event.task_id, event.agent_id)
    core.unplace(task)
    task.state, task.accepted_at, task.parked = TaskState.IN_SERVICE, now, False
    agent.state, agent.since = AgentState.BUSY, now
    agent.handle_started, agent.wrap_queue = now, task.queue_id
    config = core.queues[task.queue_id].config
    core.stats.answered(task.queue_id, now, now - task.entered_at, config.service_level.within_s)
    core.abandonment.record(task.queue_id, max(0.0, now - task.queued_at), abandoned=False)
    return [Connect(task.id, agent.id)]


def on_failed(core: Core, event: OfferFailed, now: float) -> list[Decision]:
    task, agent = _offered(core, event.task_id, event.agent_id)
    agent.state, agent.pause_reason, agent.since = AgentState.PAUSED, event.reason, now
    agent.task_id, agent.pending_pause = None, None
    return [PauseAgent(agent.id, event.reason), *core.offer_ended(task, now)]


def on_ended(core: Core, event: CallEnded, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    agent = _serving(core, task, "end it")
    del core.tasks[task.id]
    return end_service(core, agent, task, now)


def on_abandoned(core: Core, event: Abandoned, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    if task.state is TaskState.IN_SERVICE:
        raise InvalidTransitionError(
            f"task {task.id!r} is in service; a hang-up during service is CallEnded"
        )
    decisions = core.withdraw(task, now, "abandoned")
    del core.tasks[task.id]
    config = core.queues[task.queue_id].config
    core.stats.abandoned(task.queue_id, now, now - task.entered_at, config.short_abandon_s)
    if not task.parked:
        core.abandonment.record(task.queue_id, max(0.0, now - task.queued_at), abandoned=True)
    return decisions


def on_move(core: Core, event: MoveTask, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    core.queue(event.queue_id)
    if task.state is TaskState.IN_SERVICE:
        raise InvalidTransitionError(
            f"task {task.id!r} is in service; use Requeue to transfer it into a queue"
        )
    if task.state is TaskState.SCHEDULED:  # it joins the new queue when it is due
        task.queue_id = event.queue_id
        return []
    decisions = core.withdraw(task, now, "moved")
    if not task.parked:  # it left this queue without giving up: waiting time, no give-up
        core.abandonment.record(task.queue_id, max(0.0, now - task.queued_at), abandoned=False)
    task.parked, task.sticky_until, task.queue_id = False, None, event.queue_id
    core.stats.arrived(task.queue_id, now)
    return decisions + core.enqueue(task, now, new_queue=True)


def on_prioritise(core: Core, event: Prioritise, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    if task.state is TaskState.IN_SERVICE:
        raise InvalidTransitionError(
            f"task {task.id!r} is in service; only waiting tasks have a place"
        )
    core.rekey(task, event.priority)
    return []


def on_pick(core: Core, event: PickTask, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    agent = core.agent(event.agent_id)
    if agent.state is not AgentState.AVAILABLE:
        raise AgentNotAvailableError(agent.id, agent.state.value)
    if task.state not in _WAITING:
        raise InvalidTransitionError(
            f"task {task.id!r} is {task.state.value}; only a waiting task can be picked"
        )
    if task.state is TaskState.PERSONAL and task.agent_id != agent.id:
        core.unplace(task)  # a supervisor takes it out of another agent's personal queue
        task.parked, task.state, task.agent_id = False, TaskState.WAITING, None
        core.queues[task.queue_id].add(task)
        return [core.offer(task, agent, in_bucket=False)]
    return [core.offer(task, agent)]


def on_park(core: Core, event: ParkPersonal, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    agent = core.agent(event.agent_id)
    if task.state is TaskState.IN_SERVICE and task.agent_id != agent.id:
        raise InvalidTransitionError(
            f"task {task.id!r} is served by agent {task.agent_id!r}; only that agent can "
            "park it while serving it"
        )
    if task.state is TaskState.IN_SERVICE:
        # Parked first, so the agent's next task is chosen with it in the personal queue.
        _park(core, task, agent)
        return end_service(core, agent, task, now)
    decisions = core.withdraw(task, now, "parked")
    _park(core, task, agent)
    if agent.state is AgentState.AVAILABLE:
        decisions.append(core.offer(task, agent))
    return decisions


def _park(core: Core, task: Task, agent: Agent) -> None:
    task.state, task.parked, task.agent_id = TaskState.PERSONAL, True, agent.id
    task.sticky_until, task.accepted_at = None, None
    task.epoch += 1
    core.personal.setdefault(agent.id, SortedList()).add(task.key())


def on_requeue(core: Core, event: Requeue, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    target = task.queue_id if event.queue_id is None else event.queue_id
    core.queue(target)
    agent = _serving(core, task, "transfer it back into a queue")
    task.queue_id, task.accepted_at = target, None
    core.stats.arrived(target, now)
    decisions = core.enqueue(task, now, new_queue=True)
    return decisions + end_service(core, agent, task, now)


def on_defer(core: Core, event: Defer, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    decisions: list[Decision] = []
    waiting = task.state not in (TaskState.IN_SERVICE, TaskState.SCHEDULED)
    if waiting and event.until <= now:
        return []  # deferred to now: it is where it should be already
    if task.state is TaskState.IN_SERVICE:
        agent = _serving(core, task, "defer it")
        task.accepted_at = None
        decisions = end_service(core, agent, task, now)
    elif task.state is not TaskState.SCHEDULED:
        decisions = core.withdraw(task, now, "deferred")
        if task.parked:
            task.parked = False
    if event.until <= now:
        task.state, task.due_at = TaskState.WAITING, None
        return decisions + core.enqueue(task, now, new_queue=True)
    schedule(core, task, event.until)
    return decisions


def schedule(core: Core, task: Task, until: float) -> None:
    """``task`` (already out of every index) waits unrouted until ``until``."""
    task.state, task.due_at, task.agent_id = TaskState.SCHEDULED, until, None
    task.sticky_until = None
    task.epoch += 1
    core.timers.push(until, DUE, task)


def on_annotate(core: Core, event: Annotate, now: float) -> list[Decision]:
    core.task(event.task_id).identification.update(event.details)
    return []


def on_change_kind(core: Core, event: ChangeKind, now: float) -> list[Decision]:
    core.task(event.task_id).kind = event.kind
    return []


def _offered(core: Core, task_id: str, agent_id: str) -> tuple[Task, Agent]:
    task = core.task(task_id)
    agent = core.agent(agent_id)
    if task.state is not TaskState.OFFERED or task.agent_id != agent.id:
        raise InvalidTransitionError(
            f"task {task.id!r} is not being offered to agent {agent.id!r} (task is "
            f"{task.state.value}, agent is {agent.state.value}); the offer was cancelled "
            "or already answered — ignore this late report"
        )
    return task, agent


def _serving(core: Core, task: Task, what: str) -> Agent:
    if task.state is not TaskState.IN_SERVICE or task.agent_id is None:
        raise InvalidTransitionError(
            f"task {task.id!r} is {task.state.value}, not in service; cannot {what}"
        )
    return core.agents[task.agent_id]
