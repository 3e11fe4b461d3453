"""Handlers of attended transfer to a colleague: the consultation and its outcome.

While agent A talks to colleague B about A's call, B is ``CONSULTED``: not offered
anything else, and not counted as idle. Completing the transfer hands the task to B
(A goes to wrap-up, B is now busy with it); cancelling it frees B at once — a
consultation is not a call B served, so no wrap-up. Each handler checks its
preconditions before it changes anything, so a domain error leaves the state as it was.
"""

from __future__ import annotations

from ccctl.acd.core import Core
from ccctl.acd.decisions import Decision
from ccctl.acd.errors import AgentNotAvailableError, InvalidTransitionError
from ccctl.acd.events import ConsultEnded, ConsultStarted
from ccctl.acd.handlers_agent import end_service
from ccctl.acd.model import AgentState, TaskState
from ccctl.acd.state import Agent


def on_consult_started(core: Core, event: ConsultStarted, now: float) -> list[Decision]:
    task = core.task(event.task_id)
    colleague = core.agent(event.agent_id)
    if task.state is not TaskState.IN_SERVICE or task.agent_id is None:
        raise InvalidTransitionError(
            f"task {task.id!r} is {task.state.value}; only a call in service can be "
            "transferred with a consultation")
    if task.agent_id == colleague.id:
        raise InvalidTransitionError(
            f"agent {colleague.id!r} already serves task {task.id!r}; consult a colleague")
    if colleague.state is not AgentState.AVAILABLE:
        raise AgentNotAvailableError(colleague.id, colleague.state.value)
    core.set_unavailable(colleague)
    colleague.state, colleague.since, colleague.task_id = AgentState.CONSULTED, now, task.id
    return []


def on_consult_ended(core: Core, event: ConsultEnded, now: float) -> list[Decision]:
    colleague = _consulting(core, event.task_id, event.agent_id)
    task = core.tasks.get(event.task_id)
    if not event.transferred or task is None:  # cancelled, or the caller hung up meanwhile
        return core.release_agent(colleague, now)
    if task.state is not TaskState.IN_SERVICE or task.agent_id is None:
        raise InvalidTransitionError(
            f"task {task.id!r} is {task.state.value}; it can no longer be handed over")
    first = core.agents[task.agent_id]
    task.agent_id = colleague.id
    colleague.state, colleague.since = AgentState.BUSY, now
    colleague.handle_started, colleague.wrap_queue = now, task.queue_id
    return end_service(core, first, task, now)


def _consulting(core: Core, task_id: str, agent_id: str) -> Agent:
    colleague = core.agent(agent_id)
    if colleague.state is not AgentState.CONSULTED or colleague.task_id != task_id:
        raise InvalidTransitionError(
            f"agent {colleague.id!r} is {colleague.state.value}, not in a consultation "
            f"about task {task_id!r}")
    return colleague
