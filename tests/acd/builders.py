"""Small builders so that tests read like the scenario they describe."""

from __future__ import annotations

from ccctl.acd.decisions import Decision, Offer
from ccctl.acd.events import AgentLogin, ConfigureQueue, TaskArrived
from ccctl.acd.model import (
    AgentProfile,
    EscalationStep,
    PersonalRank,
    QueueConfig,
    TaskKind,
    TaskSpec,
    WideningStep,
)
from ccctl.acd.router import Router

T0 = 1_780_000_000.0  # Thursday 2026-05-28 20:26:40 UTC


def queue(
    queue_id: str,
    *,
    skills: dict[str, int] | None = None,
    groups: frozenset[str] = frozenset(),
    widening: tuple[tuple[float, int], ...] = (),
    escalation: tuple[tuple[float, int], ...] = (),
    wrap_up_s: float = 0.0,
    sticky_timeout_s: float = 30.0,
) -> ConfigureQueue:
    return ConfigureQueue(
        queue=QueueConfig(
            id=queue_id,
            skills=skills or {},
            groups=groups,
            widening=tuple(WideningStep(after_s=a, max_level=m) for a, m in widening),
            escalation=tuple(EscalationStep(after_s=a, priority=p) for a, p in escalation),
            wrap_up_s=wrap_up_s,
            sticky_timeout_s=sticky_timeout_s,
        )
    )


def login(
    agent_id: str,
    *,
    skills: dict[str, int] | None = None,
    groups: frozenset[str] = frozenset(),
    languages: frozenset[str] = frozenset({"sv"}),
    personal_rank: PersonalRank | None = None,
    ready: bool = True,
) -> AgentLogin:
    profile = AgentProfile(
        skills=skills or {}, groups=groups, languages=languages, personal_rank=personal_rank
    )
    return AgentLogin(agent_id=agent_id, profile=profile, ready=ready)


def arrive(
    task_id: str,
    queue_id: str,
    *,
    skills: dict[str, int] | None = None,
    language: str | None = None,
    priority: int = 0,
    entered_at: float | None = None,
    preferred_agent: str | None = None,
    kind: TaskKind = TaskKind.VOICE,
) -> TaskArrived:
    return TaskArrived(
        task=TaskSpec(
            id=task_id,
            queue_id=queue_id,
            kind=kind,
            skills=skills or {},
            language=language,
            priority=priority,
            entered_at=entered_at,
            preferred_agent=preferred_agent,
            identification={"personnummer": "19121212-1212"},
        )
    )


def offers(decisions: list[Decision]) -> list[tuple[str, str]]:
    """(task, agent) of every Offer among the decisions."""
    return [(d.task_id, d.agent_id) for d in decisions if isinstance(d, Offer)]


def router_with(*events: object, now: float = T0) -> Router:
    router = Router()
    for event in events:
        router.handle(event, now)  # type: ignore[arg-type]
    return router
