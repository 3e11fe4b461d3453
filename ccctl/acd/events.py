"""Commands and events the routing core accepts. Each is handled by exactly one handler,
listed in the table in :mod:`ccctl.acd.router`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ccctl.acd.model import AgentProfile, QueueConfig, TaskKind, TaskSpec

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ConfigureQueue(BaseModel):
    """Create a queue or replace its configuration; waiting tasks keep their places."""

    model_config = _FROZEN
    queue: QueueConfig


class TaskArrived(BaseModel):
    model_config = _FROZEN
    task: TaskSpec


class AgentLogin(BaseModel):
    model_config = _FROZEN
    agent_id: str
    profile: AgentProfile
    ready: bool = True


class AgentLogout(BaseModel):
    model_config = _FROZEN
    agent_id: str


class UpdateAgentProfile(BaseModel):
    model_config = _FROZEN
    agent_id: str
    profile: AgentProfile


class AgentReady(BaseModel):
    """The agent leaves pause or ends wrap-up early."""

    model_config = _FROZEN
    agent_id: str


class AgentPause(BaseModel):
    """Pause now; an agent in a call is paused when the call ends."""

    model_config = _FROZEN
    agent_id: str
    reason: str


class OfferAccepted(BaseModel):
    model_config = _FROZEN
    task_id: str
    agent_id: str


class OfferFailed(BaseModel):
    """Ring-no-answer, an explicit reject or an unreachable phone: the agent is paused with
    ``reason`` and the task is offered again from the place it had."""

    model_config = _FROZEN
    task_id: str
    agent_id: str
    reason: Literal["rona", "rejected", "unreachable"] = "rona"


class CallEnded(BaseModel):
    model_config = _FROZEN
    task_id: str


class WrapUpDone(BaseModel):
    model_config = _FROZEN
    agent_id: str


class Abandoned(BaseModel):
    model_config = _FROZEN
    task_id: str


class MoveTask(BaseModel):
    """Move a waiting task to another queue; it keeps its original entry time."""

    model_config = _FROZEN
    task_id: str
    queue_id: str


class Prioritise(BaseModel):
    model_config = _FROZEN
    task_id: str
    priority: int


class PickTask(BaseModel):
    """A supervisor hands a specific waiting task to a specific available agent."""

    model_config = _FROZEN
    task_id: str
    agent_id: str


class ParkPersonal(BaseModel):
    """Put a task (the agent's current one, or a waiting one) in the agent's personal queue."""

    model_config = _FROZEN
    task_id: str
    agent_id: str


class Requeue(BaseModel):
    """Transfer a task in service back into a queue (its own when ``queue_id`` is None),
    keeping its original entry time; the agent goes to wrap-up."""

    model_config = _FROZEN
    task_id: str
    queue_id: str | None = None


class ConsultStarted(BaseModel):
    """The agent serving ``task_id`` calls colleague ``agent_id`` about it (attended
    transfer); the colleague is kept free of other offers meanwhile."""

    model_config = _FROZEN
    task_id: str
    agent_id: str


class ConsultEnded(BaseModel):
    """The consultation is over: with ``transferred`` the colleague now serves the task
    and the first agent goes to wrap-up; without, the colleague is free again."""

    model_config = _FROZEN
    task_id: str
    agent_id: str
    transferred: bool


class Defer(BaseModel):
    """Take a task out of routing until ``until`` (epoch seconds), keeping its entry time:
    a callback booked for later, or retried after the citizen did not answer. A task in
    service ends its service (the agent wraps up)."""

    model_config = _FROZEN
    task_id: str
    until: float


class Annotate(BaseModel):
    """Facts learnt about a task after it arrived (e.g. the number to call back, the
    attempts so far), merged into its identification; journaled like every event."""

    model_config = _FROZEN
    task_id: str
    details: dict[str, str] = Field(repr=False)


class ChangeKind(BaseModel):
    """E.g. a waiting call turned into a callback, and back; the place is kept."""

    model_config = _FROZEN
    task_id: str
    kind: TaskKind


class Tick(BaseModel):
    """Let time pass: apply widening, escalation and sticky timeouts that are due."""

    model_config = _FROZEN


Event = (
    ConfigureQueue
    | TaskArrived
    | AgentLogin
    | AgentLogout
    | UpdateAgentProfile
    | AgentReady
    | AgentPause
    | OfferAccepted
    | OfferFailed
    | CallEnded
    | WrapUpDone
    | Abandoned
    | MoveTask
    | Prioritise
    | PickTask
    | ParkPersonal
    | Requeue
    | ConsultStarted
    | ConsultEnded
    | Defer
    | Annotate
    | ChangeKind
    | Tick
)
