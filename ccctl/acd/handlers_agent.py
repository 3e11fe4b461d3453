"""Handlers of agent events: login, logout, profile, ready, pause, wrap-up.

Each handler checks its preconditions before it changes anything, so a domain error
leaves the state as it was.
"""

from __future__ import annotations

from ccctl.acd.core import Core
from ccctl.acd.decisions import CancelOffer, Decision, StartWrapUp
from ccctl.acd.errors import InvalidTransitionError
from ccctl.acd.events import (
    AgentLogin,
    AgentLogout,
    AgentPause,
    AgentReady,
    UpdateAgentProfile,
    WrapUpDone,
)
from ccctl.acd.model import AgentState, TaskState
from ccctl.acd.state import Agent, Task


def on_login(core: Core, event: AgentLogin, now: float) -> list[Decision]:
    if event.agent_id in core.agents:
        raise InvalidTransitionError(
            f"agent {event.agent_id!r} is already logged in; log out first, or send "
            "UpdateAgentProfile to change skills or groups"
        )
    agent = Agent(event.agent_id, event.profile, AgentState.PAUSED, now, pause_reason="login")
    core.agents[agent.id] = agent
    core.join_queues(agent)
    core.meter.observe(now, +1)
    return core.release_agent(agent, now) if event.ready else []


def on_logout(core: Core, event: AgentLogout, now: float) -> list[Decision]:
    agent = core.agent(event.agent_id)
    if agent.state is AgentState.BUSY:
        raise InvalidTransitionError(
            f"agent {agent.id!r} is serving task {agent.task_id!r}; end it (CallEnded) "
            "or move it back to a queue (Requeue) before logging out"
        )
    if agent.state is AgentState.CONSULTED:
        raise InvalidTransitionError(
            f"agent {agent.id!r} is in a consultation about task {agent.task_id!r}; "
            "end it (ConsultEnded) before logging out"
        )
    if agent.state is AgentState.WRAP_UP:
        finish_handle(core, agent, now)
    core.leave_queues(agent)
    del core.agents[agent.id]
    core.meter.observe(now, -1)
    decisions: list[Decision] = []
    if agent.state is AgentState.RESERVED:
        decisions += _take_back_offer(core, agent, now, "agent logged out")
    for key in list(core.personal.pop(agent.id, ())):
        task = core.tasks[key[3]]
        task.parked = False
        decisions += core.enqueue(task, now, new_queue=True)
    for key in list(core.sticky.pop(agent.id, ())):
        task = core.tasks[key[3]]
        task.state, task.sticky_until = TaskState.WAITING, None
        decisions += core.route_task(task, now)
    return decisions


def on_profile(core: Core, event: UpdateAgentProfile, now: float) -> list[Decision]:
    agent = core.agent(event.agent_id)
    core.leave_queues(agent)
    agent.profile = event.profile
    core.join_queues(agent)
    if agent.state is AgentState.AVAILABLE:
        return core.release_agent(agent, now)
    return []


def on_ready(core: Core, event: AgentReady, now: float) -> list[Decision]:
    agent = core.agent(event.agent_id)
    if agent.state is AgentState.AVAILABLE:
        return []
    if agent.state not in (AgentState.PAUSED, AgentState.WRAP_UP):
        raise InvalidTransitionError(
            f"agent {agent.id!r} is {agent.state.value}; only a paused agent or one in "
            "wrap-up can become ready"
        )
    finish_handle(core, agent, now)
    agent.pending_pause = None
    return core.release_agent(agent, now)


def on_pause(core: Core, event: AgentPause, now: float) -> list[Decision]:
    agent = core.agent(event.agent_id)
    if agent.state in (AgentState.BUSY, AgentState.CONSULTED):
        agent.pending_pause = event.reason  # applied when the task or consultation ends
        return []
    decisions: list[Decision] = []
    if agent.state is AgentState.RESERVED:
        decisions += _take_back_offer(core, agent, now, "agent paused")
    elif agent.state is AgentState.WRAP_UP:
        finish_handle(core, agent, now)
    core.set_unavailable(agent)
    agent.state, agent.pause_reason, agent.since = AgentState.PAUSED, event.reason, now
    agent.task_id = None
    return decisions


def on_wrapup_done(core: Core, event: WrapUpDone, now: float) -> list[Decision]:
    agent = core.agent(event.agent_id)
    if agent.state is not AgentState.WRAP_UP:
        return []  # the agent already became ready; the wrap-up timer raced with it
    finish_handle(core, agent, now)
    return core.release_agent(agent, now)


def end_service(core: Core, agent: Agent, task: Task, now: float) -> list[Decision]:
    """The agent's part of ``task`` is over: wrap-up of the task's queue, or free at once."""
    wrap_s = core.queues[agent.wrap_queue or task.queue_id].config.wrap_up_s
    if wrap_s > 0:
        agent.state, agent.since, agent.task_id = AgentState.WRAP_UP, now, task.id
        return [StartWrapUp(agent.id, task.id, wrap_s)]
    finish_handle(core, agent, now)
    return core.release_agent(agent, now)


def finish_handle(core: Core, agent: Agent, now: float) -> None:
    """Record talk + wrap-up time of the task the agent just finished."""
    if agent.handle_started is not None and agent.wrap_queue is not None:
        core.handle_times.record(agent.wrap_queue, max(0.0, now - agent.handle_started))
    agent.handle_started = None
    agent.wrap_queue = None


def _take_back_offer(core: Core, agent: Agent, now: float, reason: str) -> list[Decision]:
    assert agent.task_id is not None
    task = core.tasks[agent.task_id]
    agent.task_id = None
    return [CancelOffer(task.id, agent.id, reason), *core.offer_ended(task, now)]
