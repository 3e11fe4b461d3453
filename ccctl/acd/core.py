"""The routing core's state and the few primitive moves every handler is built from.

Invariant kept after every event: no available agent may take any routable task now.
So only what an event changed needs looking at — the one task that became routable
(``route_task``) or the one agent that became free (``release_agent``) — never a scan.
"""

from __future__ import annotations

from sortedcontainers import SortedList

from ccctl.acd.decisions import CancelOffer, Decision, Offer
from ccctl.acd.errors import UnknownAgentError, UnknownQueueError, UnknownTaskError
from ccctl.acd.ewt import Abandonment, HandleTimes
from ccctl.acd.index import QueueIndex, is_member
from ccctl.acd.metering import SeatMeter
from ccctl.acd.model import AgentState, PersonalRank, QueueConfig, RouterConfig, TaskState
from ccctl.acd.state import Agent, OrderKey, Task
from ccctl.acd.stats import QueueStats
from ccctl.acd.timers import Timers


class Core:
    def __init__(self, config: RouterConfig, handle_times: HandleTimes | None = None) -> None:
        self.config = config
        self.queues: dict[str, QueueIndex] = {}
        self.tasks: dict[str, Task] = {}
        self.agents: dict[str, Agent] = {}
        self.personal: dict[str, SortedList[OrderKey]] = {}
        self.sticky: dict[str, SortedList[OrderKey]] = {}
        self.timers = Timers()
        self.seq = 0
        self.stats = QueueStats(config.stats_interval_s, config.stats_keep_intervals)
        self.meter = SeatMeter(config.timezone)
        self.handle_times = handle_times if handle_times is not None else HandleTimes()
        self.abandonment = Abandonment()

    # -- lookups ---------------------------------------------------------------------------
    def queue(self, queue_id: str) -> QueueIndex:
        try:
            return self.queues[queue_id]
        except KeyError:
            raise UnknownQueueError(queue_id) from None

    def task(self, task_id: str) -> Task:
        try:
            return self.tasks[task_id]
        except KeyError:
            raise UnknownTaskError(task_id) from None

    def agent(self, agent_id: str) -> Agent:
        try:
            return self.agents[agent_id]
        except KeyError:
            raise UnknownAgentError(agent_id) from None

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def personal_rank(self, agent: Agent) -> PersonalRank:
        if agent.profile.personal_rank is not None:
            return agent.profile.personal_rank
        for group in sorted(agent.profile.groups):
            if group in self.config.group_personal_rank:
                return self.config.group_personal_rank[group]
        return self.config.default_personal_rank

    # -- agent membership --------------------------------------------------------------------
    def join_queues(self, agent: Agent) -> None:
        agent.queues = tuple(q for q, qi in self.queues.items() if is_member(agent, qi.config))
        for queue_id in agent.queues:
            self.queues[queue_id].members.add(agent.id)

    def leave_queues(self, agent: Agent) -> None:
        self.set_unavailable(agent)
        for queue_id in agent.queues:
            qi = self.queues[queue_id]
            qi.members.discard(agent.id)
            qi.forget_agent(agent.id)
        agent.queues = ()

    def set_unavailable(self, agent: Agent) -> None:
        if agent.state is AgentState.AVAILABLE:
            for queue_id in agent.queues:
                self.queues[queue_id].available.discard((agent.since, agent.id))

    # -- task placement ----------------------------------------------------------------------
    def enqueue(self, task: Task, now: float, *, new_queue: bool) -> list[Decision]:
        """Put a task into its service queue (keeping its entry time) and try to route it."""
        qi = self.queue(task.queue_id)
        task.agent_id = None
        if new_queue:
            task.epoch += 1
            task.queued_at = now
            self._escalate_by_wait(task, qi.config, now)
            self.timers.schedule(task, qi.config, now)
        qi.add(task)
        preferred = task.preferred_agent
        if task.sticky_until is not None and now < task.sticky_until and preferred in self.agents:
            assert preferred is not None
            task.state = TaskState.STICKY
            self.sticky.setdefault(preferred, SortedList()).add(task.key())
            agent = self.agents[preferred]
            return [self.offer(task, agent)] if agent.state is AgentState.AVAILABLE else []
        task.sticky_until = None
        task.state = TaskState.WAITING
        return self.route_task(task, now)

    def _escalate_by_wait(self, task: Task, config: QueueConfig, now: float) -> None:
        for step in config.escalation:
            if task.entered_at + step.after_s <= now:
                task.priority = max(task.priority, step.priority)

    def route_task(self, task: Task, now: float) -> list[Decision]:
        """A WAITING task that is in its queue's order: offer it or leave it routable."""
        qi = self.queues[task.queue_id]
        agent_id = qi.agent_for(task, now, self.agents)
        if agent_id is None:
            qi.add_routable(task)
            return []
        return [self.offer(task, self.agents[agent_id], in_bucket=False)]

    def unplace(self, task: Task) -> None:
        """Take a task out of every index it is in (its state is left for the caller)."""
        state = task.state
        if state in (TaskState.IN_SERVICE, TaskState.SCHEDULED):
            return
        if task.parked:
            assert task.agent_id is not None
            self.personal[task.agent_id].remove(task.key())
            return
        qi = self.queues[task.queue_id]
        qi.remove(task)
        if state is TaskState.WAITING:
            qi.remove_routable(task)
        elif state is TaskState.STICKY:
            assert task.preferred_agent is not None
            self.sticky[task.preferred_agent].remove(task.key())

    def withdraw(self, task: Task, now: float, reason: str) -> list[Decision]:
        """Unplace a task; if it was being offered, cancel the offer and free the agent."""
        self.unplace(task)
        if task.state is not TaskState.OFFERED:
            return []
        assert task.agent_id is not None
        agent = self.agents[task.agent_id]
        task.state = TaskState.WAITING
        task.agent_id = None
        return [CancelOffer(task.id, agent.id, reason), *self.release_agent(agent, now)]

    def offer_ended(self, task: Task, now: float) -> list[Decision]:
        """An offer ended unanswered: the task goes back to the place it had."""
        task.sticky_until = None  # the preferred agent had its chance
        if task.parked:  # it stayed in the personal queue while offered
            assert task.agent_id is not None
            if task.agent_id in self.agents:
                task.state = TaskState.PERSONAL
                return []
            self.personal[task.agent_id].remove(task.key())
            task.parked = False
            return self.enqueue(task, now, new_queue=True)
        task.state = TaskState.WAITING
        task.agent_id = None
        return self.route_task(task, now)

    def place(self, task: Task) -> None:
        """Put a task into every index its state calls for (the inverse of unplace)."""
        state = task.state
        if state in (TaskState.IN_SERVICE, TaskState.SCHEDULED):
            return
        if task.parked:
            assert task.agent_id is not None
            self.personal[task.agent_id].add(task.key())
            return
        qi = self.queues[task.queue_id]
        qi.add(task)
        if state is TaskState.WAITING:
            qi.add_routable(task)
        elif state is TaskState.STICKY:
            assert task.preferred_agent is not None
            self.sticky[task.preferred_agent].add(task.key())

    def rekey(self, task: Task, priority: int) -> None:
        """Change a task's priority while keeping every index it is in consistent."""
        self.unplace(task)
        task.priority = priority
        self.place(task)

    # -- offers and free agents ------------------------------------------------------------
    def offer(self, task: Task, agent: Agent, *, in_bucket: bool = True) -> Offer:
        """Reserve ``agent`` for ``task``; the task keeps its place in the queue order (or in
        the personal queue it was parked in) until the offer is answered."""
        if task.state is TaskState.WAITING and in_bucket:
            self.queues[task.queue_id].remove_routable(task)
        elif task.state is TaskState.STICKY:
            assert task.preferred_agent is not None
            self.sticky[task.preferred_agent].remove(task.key())
        self.set_unavailable(agent)
        task.state = TaskState.OFFERED
        task.agent_id = agent.id
        agent.state = AgentState.RESERVED
        agent.task_id = task.id
        timeout = self.queues[task.queue_id].config.ring_timeout_s
        return Offer(task.id, agent.id, timeout)

    def release_agent(self, agent: Agent, now: float) -> list[Decision]:
        """The agent has nothing to do: pause it if asked, else give it work or mark it idle."""
        agent.task_id = None
        agent.since = now
        if agent.pending_pause is not None:
            agent.state, agent.pause_reason = AgentState.PAUSED, agent.pending_pause
            agent.pending_pause = None
            return []
        agent.state = AgentState.AVAILABLE
        agent.pause_reason = None
        task = self.best_task_for(agent, now)
        if task is not None:
            return [self.offer(task, agent)]
        for queue_id in agent.queues:
            self.queues[queue_id].available.add((now, agent.id))
        return []

    def best_task_for(self, agent: Agent, now: float) -> Task | None:
        service: OrderKey | None = None
        for queue_id in agent.queues:
            service = self.queues[queue_id].best_for(agent, now, service)
        sticky = self.sticky.get(agent.id)
        if sticky and (service is None or sticky[0] < service):
            service = sticky[0]
        personal_list = self.personal.get(agent.id)
        personal = personal_list[0] if personal_list else None
        chosen = _choose(service, personal, self.personal_rank(agent))
        return None if chosen is None else self.tasks[chosen[3]]


def _choose(
    service: OrderKey | None, personal: OrderKey | None, rank: PersonalRank
) -> OrderKey | None:
    if service is None or personal is None:
        return service if personal is None else personal
    if rank is PersonalRank.PERSONAL_FIRST:
        return personal
    if rank is PersonalRank.SERVICE_FIRST:
        return service
    return min(service, personal)
