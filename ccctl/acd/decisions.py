"""What the routing core asks the daemon to do. Plain frozen dataclasses: cheap to build
on the hot path, compared by value in tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Offer:
    """Ring/present ``task_id`` at ``agent_id``; report OfferAccepted or OfferFailed."""

    task_id: str
    agent_id: str
    timeout_s: float


@dataclass(frozen=True, slots=True)
class CancelOffer:
    task_id: str
    agent_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Connect:
    task_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class StartWrapUp:
    """Report WrapUpDone after ``seconds`` (or earlier, when the agent is ready)."""

    agent_id: str
    task_id: str
    seconds: float


@dataclass(frozen=True, slots=True)
class PauseAgent:
    """The core paused the agent by itself (e.g. after ring-no-answer)."""

    agent_id: str
    reason: str


Decision = Offer | CancelOffer | Connect | StartWrapUp | PauseAgent
