"""Configuration and vocabulary of the routing core: queues, agent profiles, task specs.

These models are validated input (frozen pydantic). The mutable live state of a
task or an agent lives in :mod:`ccctl.acd.state`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

Level = Annotated[int, Field(ge=1, le=5, description="Skill level 1 (basic) to 5 (expert)")]
Seconds = Annotated[float, Field(ge=0, le=7 * 86_400)]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class TaskKind(StrEnum):
    VOICE = "voice"
    CALLBACK = "callback"
    CHAT = "chat"
    EMAIL = "email"
    WEBFORM = "webform"
    CASE = "case"


class TaskState(StrEnum):
    WAITING = "waiting"  # routable, in its queue
    STICKY = "sticky"  # waiting for its preferred agent only, until the sticky timeout
    PERSONAL = "personal"  # parked in an agent's personal queue
    OFFERED = "offered"  # ringing at / reserved for one agent
    IN_SERVICE = "in_service"
    SCHEDULED = "scheduled"  # keeps its entry time; joins its queue's order at due_at


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"  # an offer is ringing at the agent
    BUSY = "busy"
    CONSULTED = "consulted"  # on a consultation call about a colleague's task
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class PersonalRank(StrEnum):
    """How an agent's personal queue ranks against the service queues."""

    PERSONAL_FIRST = "personal_first"
    SERVICE_FIRST = "service_first"
    BY_ENTRY_TIME = "by_entry_time"  # one order: priority, then entry time, across both


class WideningStep(BaseModel):
    """After ``after_s`` seconds of waiting, every required level is capped at ``max_level``.

    ``max_level = 0`` drops the skill requirement: anyone in the queue's groups may answer.
    """

    model_config = _FROZEN
    after_s: Seconds
    max_level: Annotated[int, Field(ge=0, le=5)]


class EscalationStep(BaseModel):
    """After ``after_s`` seconds of waiting, the task's priority is raised to at least this."""

    model_config = _FROZEN
    after_s: Seconds
    priority: int


class ServiceLevelTarget(BaseModel):
    model_config = _FROZEN
    percent: Annotated[float, Field(gt=0, le=100)] = 80.0
    within_s: Seconds = 20.0


class QueueConfig(BaseModel):
    model_config = _FROZEN
    id: Annotated[str, Field(min_length=1, max_length=64)]
    skills: dict[str, Level] = Field(default_factory=dict)
    groups: frozenset[str] = Field(
        default=frozenset(), description="Agent groups that serve the queue; empty = every agent"
    )
    service_level: ServiceLevelTarget = ServiceLevelTarget()
    short_abandon_s: Seconds = 5.0
    wrap_up_s: Seconds = 0.0
    ring_timeout_s: Annotated[float, Field(gt=0, le=600)] = 15.0
    sticky_timeout_s: Seconds = 30.0
    default_handle_s: Annotated[float, Field(gt=0)] = 180.0
    widening: tuple[WideningStep, ...] = ()
    escalation: tuple[EscalationStep, ...] = ()

    @field_serializer("groups")
    def _sorted_groups(self, groups: frozenset[str]) -> list[str]:
        return sorted(groups)  # a stable snapshot, whatever the set's order

    @model_validator(mode="after")
    def _steps_in_order(self) -> QueueConfig:
        times = [s.after_s for s in self.widening]
        levels = [s.max_level for s in self.widening]
        if times != sorted(times) or levels != sorted(levels, reverse=True):
            raise ValueError(
                f"queue {self.id!r}: widening steps must come in order of after_s with "
                f"max_level never rising (got {list(zip(times, levels, strict=True))}); "
                "reorder them, e.g. [{after_s: 30, max_level: 2}, {after_s: 90, max_level: 0}]"
            )
        if [s.after_s for s in self.escalation] != sorted(s.after_s for s in self.escalation):
            raise ValueError(f"queue {self.id!r}: escalation steps must come in order of after_s")
        return self


class AgentProfile(BaseModel):
    model_config = _FROZEN
    skills: dict[str, Level] = Field(default_factory=dict)
    groups: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    personal_rank: PersonalRank | None = Field(
        default=None, description="None: use the default of the agent's group"
    )

    @field_serializer("groups", "languages")
    def _sorted(self, values: frozenset[str]) -> list[str]:
        return sorted(values)  # a stable snapshot, whatever the set's order


class TaskSpec(BaseModel):
    """A new task as the PBX adapter or a channel integration describes it."""

    model_config = _FROZEN
    id: Annotated[str, Field(min_length=1, max_length=128)]
    queue_id: str
    kind: TaskKind = TaskKind.VOICE
    skills: dict[str, Level] = Field(
        default_factory=dict, description="Extra skills from menu choice or identification"
    )
    language: str | None = None
    priority: int = 0
    identification: dict[str, str] = Field(
        default_factory=dict, repr=False, description="Opaque; never logged or shown in repr"
    )
    not_before: float | None = Field(
        default=None, description="A booked callback: not routable before this time"
    )
    entered_at: float | None = Field(
        default=None, description="Original entry time (epoch s); None means now"
    )
    preferred_agent: str | None = None


class RouterConfig(BaseModel):
    model_config = _FROZEN
    stats_interval_s: Annotated[int, Field(gt=0, le=86_400)] = 900
    stats_keep_intervals: Annotated[int, Field(gt=0)] = 96 * 2
    default_personal_rank: PersonalRank = PersonalRank.SERVICE_FIRST
    group_personal_rank: dict[str, PersonalRank] = Field(default_factory=dict)
    timezone: str = "Europe/Stockholm"
