"""Ordered indexes of one service queue: the waiting order, eligibility buckets and idle agents.

Why buckets: a waiting task's eligibility depends only on its queue, its requirement
signature (extra skills + language) and how long it has waited. Tasks of one queue with the
same signature and priority form a bucket ordered by entry time, so the earliest task of a
bucket has waited longest: if an agent cannot take the head yet, it cannot take any task of
that bucket. Choosing work for a free agent therefore looks only at bucket heads — a handful
per queue — instead of every waiting task.
"""

from __future__ import annotations

from collections.abc import Mapping

from sortedcontainers import SortedList

from ccctl.acd.model import QueueConfig
from ccctl.acd.state import Agent, OrderKey, Signature, Task

Requirement = tuple[tuple[str, int], ...]
EntryKey = tuple[float, int, str]


def requirement(queue: QueueConfig, sig: Signature) -> Requirement:
    """Queue skills merged with the task's extra skills; the higher level wins."""
    merged = dict(queue.skills)
    for skill, level in sig[0]:
        merged[skill] = max(merged.get(skill, 0), level)
    return tuple(sorted(merged.items()))


def eligible_after(
    agent: Agent, queue: QueueConfig, sig: Signature, req: Requirement
) -> float | None:
    """Seconds of waiting after which ``agent`` may take a task of ``sig``; None: never."""
    profile = agent.profile
    if sig[1] is not None and sig[1] not in profile.languages:
        return None
    # A step with cap c asks min(level, c) of each skill, so an unmet skill the agent holds
    # at level a is met once c <= a: the agent qualifies at the first step whose cap is at
    # most the lowest such a.
    skills = profile.skills
    lowest = 99
    for skill, level in req:
        have = skills.get(skill, 0)
        if have < level and have < lowest:
            lowest = have
    if lowest == 99:
        return 0.0
    for step in queue.widening:
        if step.max_level <= lowest:
            return step.after_s
    return None


def is_member(agent: Agent, queue: QueueConfig) -> bool:
    return not queue.groups or bool(queue.groups & agent.profile.groups)


class QueueIndex:
    """Everything ordered about one service queue. Holds task ids, never owns tasks."""

    def __init__(self, config: QueueConfig) -> None:
        self.config = config
        self.order: SortedList[OrderKey] = SortedList()  # waiting, sticky and offered
        self.by_entry: SortedList[EntryKey] = SortedList()  # for the longest wait
        # Routable tasks: priority -> signature number -> bucket ordered by entry time.
        self.buckets: dict[int, dict[int, SortedList[EntryKey]]] = {}
        self._priorities: list[int] = []  # keys of ``buckets``, highest first
        self.available: SortedList[tuple[float, str]] = SortedList()  # (idle since, agent)
        self.members: set[str] = set()  # logged-in agents serving the queue
        self._sig_ids: dict[Signature, int] = {}
        self._reqs: list[Requirement] = []
        self._sigs: list[Signature] = []
        self._after: dict[str, dict[int, float | None]] = {}  # agent -> signature -> wait

    def forget_agent(self, agent_id: str) -> None:
        """Drop cached eligibility of an agent whose profile changed."""
        self._after.pop(agent_id, None)

    def sig_id(self, sig: Signature) -> int:
        found = self._sig_ids.get(sig)
        if found is None:
            found = self._sig_ids[sig] = len(self._sigs)
            self._sigs.append(sig)
            self._reqs.append(requirement(self.config, sig))
        return found

    def eligible_after(self, agent: Agent, sig: Signature) -> float | None:
        return self._eligible_after(agent, self.sig_id(sig))

    def _eligible_after(self, agent: Agent, sig_id: int) -> float | None:
        cache = self._after.get(agent.id)
        if cache is None:
            cache = self._after[agent.id] = {}
        try:
            return cache[sig_id]
        except KeyError:
            after = eligible_after(agent, self.config, self._sigs[sig_id], self._reqs[sig_id])
            cache[sig_id] = after
            return after

    def add(self, task: Task) -> None:
        self.order.add(task.key())
        self.by_entry.add((task.entered_at, task.seq, task.id))

    def remove(self, task: Task) -> None:
        self.order.remove(task.key())
        self.by_entry.remove((task.entered_at, task.seq, task.id))

    def add_routable(self, task: Task) -> None:
        per_sig = self.buckets.get(task.priority)
        if per_sig is None:
            per_sig = self.buckets[task.priority] = {}
            self._priorities = sorted(self.buckets, reverse=True)
        sig_id = self.sig_id(task.signature())
        bucket = per_sig.get(sig_id)
        if bucket is None:
            bucket = per_sig[sig_id] = SortedList()
        bucket.add((task.entered_at, task.seq, task.id))

    def remove_routable(self, task: Task) -> None:
        per_sig = self.buckets[task.priority]
        sig_id = self.sig_id(task.signature())
        bucket = per_sig[sig_id]
        bucket.remove((task.entered_at, task.seq, task.id))
        if not bucket:
            del per_sig[sig_id]
            if not per_sig:
                del self.buckets[task.priority]
                self._priorities.remove(task.priority)

    def best_for(self, agent: Agent, now: float, best: OrderKey | None) -> OrderKey | None:
        """The first routable task in order that ``agent`` may take now, if it beats ``best``.

        Looks at bucket heads only, highest priority first, and stops at the first priority
        level that yields a task (a lower level can never beat it).
        """
        for prio in self._priorities:
            if best is not None and -prio > best[0]:
                break
            for sig_id, bucket in self.buckets[prio].items():
                entered_at, seq, task_id = bucket[0]
                if best is not None and (-prio, entered_at) > best[:2]:
                    continue
                after = self._eligible_after(agent, sig_id)
                if after is None or entered_at + after > now:
                    continue
                key = (-prio, entered_at, seq, task_id)
                if best is None or key < best:
                    best = key
        return best

    def agent_for(self, task: Task, now: float, agents: Mapping[str, Agent]) -> str | None:
        """The longest-idle available agent that may take ``task`` now."""
        sig_id = self.sig_id(task.signature())
        for _since, agent_id in self.available:
            after = self._eligible_after(agents[agent_id], sig_id)
            if after is not None and task.entered_at + after <= now:
                return agent_id
        return None
