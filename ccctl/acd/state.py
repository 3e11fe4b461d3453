"""Live, mutable state of one task and one agent, with their JSON-ready forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ccctl.acd.model import AgentProfile, AgentState, TaskKind, TaskState

# Order of waiting tasks: higher priority first, then earlier effective entry, then arrival
# sequence. The task id rides along so that keys are unique in sorted containers.
OrderKey = tuple[int, float, int, str]
# A requirement signature: the task's extra skills and language. Tasks with the same
# signature in the same queue are eligible for exactly the same agents at the same wait.
Signature = tuple[tuple[tuple[str, int], ...], str | None]


@dataclass(slots=True)
class Task:
    id: str
    queue_id: str
    kind: TaskKind
    skills: dict[str, int]
    language: str | None
    priority: int
    entered_at: float  # original entry time; survives moves, requeues, kind changes
    seq: int
    preferred_agent: str | None = None
    sticky_until: float | None = None
    state: TaskState = TaskState.WAITING
    agent_id: str | None = None  # offered to / served by / parked at
    parked: bool = False  # belongs to agent_id's personal queue (PERSONAL, or OFFERED from it)
    epoch: int = 0  # bumped whenever the task changes queue; stale timers compare it
    queued_at: float = 0.0  # when it entered its current queue
    accepted_at: float | None = None
    identification: dict[str, str] = field(default_factory=dict, repr=False)
    due_at: float | None = None  # SCHEDULED until then

    def key(self) -> OrderKey:
        return (-self.priority, self.entered_at, self.seq, self.id)

    def signature(self) -> Signature:
        return (tuple(sorted(self.skills.items())), self.language)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "queue_id": self.queue_id,
            "kind": self.kind.value,
            "skills": dict(self.skills),
            "language": self.language,
            "priority": self.priority,
            "entered_at": self.entered_at,
            "seq": self.seq,
            "preferred_agent": self.preferred_agent,
            "sticky_until": self.sticky_until,
            "state": self.state.value,
            "agent_id": self.agent_id,
            "parked": self.parked,
            "epoch": self.epoch,
            "queued_at": self.queued_at,
            "accepted_at": self.accepted_at,
            "identification": dict(self.identification),
            "due_at": self.due_at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Task:
        return cls(
            id=d["id"],
            queue_id=d["queue_id"],
            kind=TaskKind(d["kind"]),
            skills={str(k): int(v) for k, v in d["skills"].items()},
            language=d["language"],
            priority=int(d["priority"]),
            entered_at=float(d["entered_at"]),
            seq=int(d["seq"]),
            preferred_agent=d["preferred_agent"],
            sticky_until=d["sticky_until"],
            state=TaskState(d["state"]),
            agent_id=d["agent_id"],
            parked=bool(d["parked"]),
            epoch=int(d["epoch"]),
            queued_at=float(d["queued_at"]),
            accepted_at=d["accepted_at"],
            identification={str(k): str(v) for k, v in d["identification"].items()},
            due_at=d.get("due_at"),
        )


@dataclass(slots=True)
class Agent:
    id: str
    profile: AgentProfile
    state: AgentState = AgentState.AVAILABLE
    since: float = 0.0  # when the current state began; orders idle agents (longest first)
    pause_reason: str | None = None
    pending_pause: str | None = None  # asked to pause during a call
    task_id: str | None = None  # offered, in service, or in wrap-up for
    wrap_queue: str | None = None
    handle_started: float | None = None
    queues: tuple[str, ...] = ()  # service queues the agent is a member of (derived)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "profile": self.profile.model_dump(mode="json"),
            "state": self.state.value,
            "since": self.since,
            "pause_reason": self.pause_reason,
            "pending_pause": self.pending_pause,
            "task_id": self.task_id,
            "wrap_queue": self.wrap_queue,
            "handle_started": self.handle_started,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Agent:
        return cls(
            id=d["id"],
            profile=AgentProfile.model_validate(d["profile"]),
            state=AgentState(d["state"]),
            since=float(d["since"]),
            pause_reason=d["pause_reason"],
            pending_pause=d["pending_pause"],
            task_id=d["task_id"],
            wrap_queue=d["wrap_queue"],
            handle_started=d["handle_started"],
        )
