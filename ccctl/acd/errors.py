"""Domain errors of the routing core. Each message says what, where, and how to fix;
HTTP status codes are chosen in ``ccctl.web``, never here."""

from __future__ import annotations


class AcdError(Exception):
    """Base of every routing-core error."""


class UnknownTaskError(AcdError):
    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id!r} is not in the routing core (it ended, was abandoned, or never "
            "arrived); list the queue to see the tasks that are waiting"
        )


class UnknownAgentError(AcdError):
    def __init__(self, agent_id: str) -> None:
        super().__init__(
            f"agent {agent_id!r} is not logged in; log the agent in (AgentLogin) first"
        )


class UnknownQueueError(AcdError):
    def __init__(self, queue_id: str) -> None:
        super().__init__(
            f"queue {queue_id!r} is not configured; add it with ConfigureQueue "
            "(check the spelling against the queues in the configuration)"
        )


class DuplicateTaskError(AcdError):
    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id!r} is already in the routing core; give each task a unique id"
        )


class AgentNotAvailableError(AcdError):
    def __init__(self, agent_id: str, state: str) -> None:
        super().__init__(
            f"agent {agent_id!r} is {state}, not available; wait until the agent is ready "
            "or choose an available agent"
        )


class InvalidTransitionError(AcdError):
    """The event does not fit the current state of the task or agent."""
