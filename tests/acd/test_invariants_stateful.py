"""Stateful property test: random event sequences never break the routing core's promises.

Invariants checked after every step, from the outside (public views and decisions):
* no task is lost or duplicated;
* an agent never holds two offers, and a task is never offered twice at once;
* every queue is ordered by priority, then original entry time;
* moving, requeueing or converting a task never resets its entry time;
* no available agent could take a routable task (routing is complete);
* snapshot -> JSON -> restore gives the same state, which then decides the same;
* a refused event (domain error) leaves the state exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ccctl.acd import events as ev
from ccctl.acd.decisions import CancelOffer, Connect, Decision, Offer
from ccctl.acd.errors import AcdError
from ccctl.acd.model import (
    AgentProfile,
    AgentState,
    PersonalRank,
    QueueConfig,
    TaskKind,
    TaskState,
)
from ccctl.acd.router import Router

from .builders import T0, arrive, queue

QUEUES = {
    "tax": queue(
        "tax",
        skills={"tax": 4},
        groups=frozenset({"g1"}),
        widening=((30, 2), (90, 0)),
        escalation=((60, 2),),
        sticky_timeout_s=20,
    ),
    "vat": queue("vat", skills={"vat": 2}, wrap_up_s=10),
    "any": queue("any", groups=frozenset({"g2"})),
}
AGENTS = ("a1", "a2", "a3", "a4", "a5")

profiles = st.builds(
    AgentProfile,
    skills=st.dictionaries(st.sampled_from(["tax", "vat"]), st.integers(1, 5), max_size=2),
    groups=st.frozensets(st.sampled_from(["g1", "g2"])),
    languages=st.sampled_from([frozenset({"sv"}), frozenset({"sv", "fi"})]),
    personal_rank=st.none() | st.sampled_from(list(PersonalRank)),
)


def can_take(
    profile: AgentProfile,
    config: QueueConfig,
    skills: dict[str, int],
    lang: str | None,
    waited: float,
) -> bool:
    """Eligibility written out independently of the core's indexes."""
    if config.groups and not config.groups & profile.groups:
        return False
    if lang is not None and lang not in profile.languages:
        return False
    required = dict(config.skills)
    for skill, level in skills.items():
        required[skill] = max(required.get(skill, 0), level)
    cap = 99
    for step in config.widening:
        if waited >= step.after_s:
            cap = step.max_level
    return all(profile.skills.get(s, 0) >= min(level, cap) for s, level in required.items())


class RoutingCore(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.router = Router()
        self.now = T0
        self.alive: dict[str, dict[str, Any]] = {}  # task -> {entered, skills, lang, queue}
        self.profiles: dict[str, AgentProfile] = {}
        self.offers: dict[str, str] = {}  # agent -> task, from the decision stream
        self.in_service: dict[str, str] = {}  # task -> agent
        self.next_task = 0
        self.configs = {name: event.queue for name, event in QUEUES.items()}
        for config in QUEUES.values():
            self.router.handle(config, self.now)

    # -- driving ---------------------------------------------------------------------------
    def send(self, event: ev.Event) -> list[Decision] | None:
        """Apply an event; None if the core refused it (and then nothing may have changed)."""
        self.track(self.router.handle(ev.Tick(), self.now))  # fire due timers first
        before = self.router.snapshot()
        try:
            decisions = self.router.handle(event, self.now)
        except AcdError:
            assert self.router.snapshot() == before, f"{event!r} failed half-way"
            return None
        self.track(decisions)
        return decisions

    def track(self, decisions: list[Decision]) -> None:
        for d in decisions:
            if isinstance(d, Offer):
                assert d.agent_id not in self.offers, f"{d.agent_id} got a second offer"
                assert d.task_id not in self.offers.values(), f"{d.task_id} offered twice"
                self.offers[d.agent_id] = d.task_id
            elif isinstance(d, CancelOffer):
                assert self.offers.pop(d.agent_id) == d.task_id
            elif isinstance(d, Connect):
                self.in_service[d.task_id] = d.agent_id

    def waiting_ids(self) -> list[str]:
        return [t for t in self.alive if t not in self.in_service]

    # -- rules -----------------------------------------------------------------------------
    @rule(seconds=st.sampled_from([1, 5, 15, 30, 45]))
    def time_passes(self, seconds: int) -> None:
        self.now += seconds
        self.track(self.router.handle(ev.Tick(), self.now))

    @rule(
        queue_id=st.sampled_from(sorted(QUEUES)),
        skills=st.dictionaries(st.just("vat"), st.integers(1, 4), max_size=1),
        lang=st.sampled_from([None, "sv", "fi"]),
        priority=st.integers(0, 2),
        earlier=st.sampled_from([0, 0, 20, 100]),
        preferred=st.none() | st.sampled_from(AGENTS),
    )
    def task_arrives(  # noqa: PLR0917 - hypothesis passes the drawn values by keyword
        self,
        queue_id: str,
        skills: dict[str, int],
        lang: str | None,
        priority: int,
        earlier: int,
        preferred: str | None,
    ) -> None:
        self.next_task += 1
        task_id = f"t{self.next_task}"
        entered = self.now - earlier
        event = arrive(
            task_id,
            queue_id,
            skills=skills,
            language=lang,
            priority=priority,
            entered_at=entered,
            preferred_agent=preferred,
        )
        assert self.send(event) is not None
        self.alive[task_id] = {
            "entered": entered,
            "skills": skills,
            "lang": lang,
            "queue": queue_id,
        }

    @rule(agent=st.sampled_from(AGENTS), profile=profiles, ready=st.booleans())
    def agent_logs_in(self, agent: str, profile: AgentProfile, ready: bool) -> None:
        if self.send(ev.AgentLogin(agent_id=agent, profile=profile, ready=ready)) is not None:
            self.profiles[agent] = profile

    @rule(agent=st.sampled_from(AGENTS))
    def agent_logs_out(self, agent: str) -> None:
        if self.send(ev.AgentLogout(agent_id=agent)) is not None:
            self.profiles.pop(agent)

    @rule(agent=st.sampled_from(AGENTS), profile=profiles)
    def profile_changes(self, agent: str, profile: AgentProfile) -> None:
        if self.send(ev.UpdateAgentProfile(agent_id=agent, profile=profile)) is not None:
            self.profiles[agent] = profile

    @rule(agent=st.sampled_from(AGENTS))
    def agent_ready(self, agent: str) -> None:
        """A freed agent gets the first task in order it may take, and only if one exists."""
        self.track(self.router.handle(ev.Tick(), self.now))
        plain = agent in self.profiles and not self._reserved_for(agent)
        expected = self._best_waiting_for(agent) if plain else None
        was_paused = plain and self.router.agent(agent).state is AgentState.PAUSED
        decisions = self.send(ev.AgentReady(agent_id=agent))
        if decisions is None or not was_paused:
            return
        offered = [d.task_id for d in decisions if isinstance(d, Offer)]
        got = None
        if offered:
            task = self.router.task(offered[0])
            got = (-task.priority, task.entered_at)
        assert got == expected, f"{agent} got {offered} ({got}), best was {expected}"

    def _reserved_for(self, agent: str) -> bool:
        """Tasks only this agent may take now: its personal queue or sticky preference."""
        if self.router.personal_view(agent, self.now):
            return True
        return any(
            self.router.task(t).state is TaskState.STICKY
            and self.router.task(t).preferred_agent == agent
            for t in self.waiting_ids()
        )

    def _best_waiting_for(self, agent: str) -> tuple[int, float] | None:
        profile = self.profiles[agent]
        best: tuple[int, float] | None = None
        for queue_id, config in self.configs.items():
            for entry in self.router.queue_view(queue_id, self.now):
                info = self.alive[entry.task_id]
                if entry.state is TaskState.WAITING and can_take(
                    profile, config, info["skills"], info["lang"], entry.waited_s
                ):
                    key = (-entry.priority, info["entered"])
                    best = key if best is None or key < best else best
        return best

    @rule(agent=st.sampled_from(AGENTS), reason=st.sampled_from(["lunch", "meeting"]))
    def agent_pauses(self, agent: str, reason: str) -> None:
        self.send(ev.AgentPause(agent_id=agent, reason=reason))

    @rule(data=st.data(), answer=st.booleans())
    def offer_outcome(self, data: st.DataObject, answer: bool) -> None:
        if not self.offers:
            return
        agent = data.draw(st.sampled_from(sorted(self.offers)))
        task = self.offers[agent]
        event: ev.Event = (
            ev.OfferAccepted(task_id=task, agent_id=agent)
            if answer
            else ev.OfferFailed(task_id=task, agent_id=agent)
        )
        self.offers.pop(agent)
        assert self.send(event) is not None

    @rule(data=st.data(), requeue=st.booleans())
    def service_ends(self, data: st.DataObject, requeue: bool) -> None:
        if not self.in_service:
            return
        task = data.draw(st.sampled_from(sorted(self.in_service)))
        queue_id = data.draw(st.sampled_from(sorted(QUEUES)))
        event: ev.Event = (
            ev.Requeue(task_id=task, queue_id=queue_id) if requeue else ev.CallEnded(task_id=task)
        )
        assert self.send(event) is not None
        del self.in_service[task]
        if requeue:
            self.alive[task]["queue"] = queue_id
        else:
            del self.alive[task]

    @rule(data=st.data(), colleague=st.sampled_from(AGENTS))
    def agent_consults_a_colleague(self, data: st.DataObject, colleague: str) -> None:
        if self.in_service:
            task = data.draw(st.sampled_from(sorted(self.in_service)))
            self.send(ev.ConsultStarted(task_id=task, agent_id=colleague))

    @rule(agent=st.sampled_from(AGENTS), transferred=st.booleans())
    def consultation_ends(self, agent: str, transferred: bool) -> None:
        state = self.router.agent(agent) if agent in self.profiles else None
        if state is None or state.state is not AgentState.CONSULTED:
            return
        assert state.task_id is not None
        transferred = transferred and state.task_id in self.in_service
        event = ev.ConsultEnded(task_id=state.task_id, agent_id=agent, transferred=transferred)
        assert self.send(event) is not None
        if transferred and state.task_id in self.in_service:
            self.in_service[state.task_id] = agent

    @rule(data=st.data(), seconds=st.sampled_from([0, 10, 40, 90]))
    def task_is_deferred(self, data: st.DataObject, seconds: int) -> None:
        """A callback booked for later, or retried after the citizen did not answer."""
        if self.alive:
            task = data.draw(st.sampled_from(sorted(self.alive)))
            in_service = task in self.in_service
            if self.send(ev.Defer(task_id=task, until=self.now + seconds)) is None:
                return
            if seconds or in_service:  # deferred to now, a waiting task stays as it is
                self.in_service.pop(task, None)
            if seconds:
                for agent, offered in list(self.offers.items()):
                    assert offered != task, f"{task} deferred but still offered to {agent}"

    @rule(agent=st.sampled_from(AGENTS))
    def wrap_up_done(self, agent: str) -> None:
        self.send(ev.WrapUpDone(agent_id=agent))

    @rule(data=st.data())
    def caller_hangs_up(self, data: st.DataObject) -> None:
        if self.waiting_ids():
            task = data.draw(st.sampled_from(self.waiting_ids()))
            # If it was being offered, the core must cancel that offer (checked in track).
            assert self.send(ev.Abandoned(task_id=task)) is not None
            del self.alive[task]

    @rule(data=st.data(), queue_id=st.sampled_from(sorted(QUEUES)))
    def supervisor_moves(self, data: st.DataObject, queue_id: str) -> None:
        if self.waiting_ids():
            task = data.draw(st.sampled_from(self.waiting_ids()))
            assert self.send(ev.MoveTask(task_id=task, queue_id=queue_id)) is not None
            self.alive[task]["queue"] = queue_id

    @rule(data=st.data(), priority=st.integers(0, 5))
    def supervisor_prioritises(self, data: st.DataObject, priority: int) -> None:
        if self.waiting_ids():
            task = data.draw(st.sampled_from(self.waiting_ids()))
            assert self.send(ev.Prioritise(task_id=task, priority=priority)) is not None

    @rule(data=st.data(), agent=st.sampled_from(AGENTS))
    def supervisor_picks(self, data: st.DataObject, agent: str) -> None:
        if self.waiting_ids():
            task = data.draw(st.sampled_from(self.waiting_ids()))
            self.send(ev.PickTask(task_id=task, agent_id=agent))

    @rule(data=st.data(), agent=st.sampled_from(AGENTS))
    def park_personal(self, data: st.DataObject, agent: str) -> None:
        if self.alive:
            task = data.draw(st.sampled_from(sorted(self.alive)))
            if self.send(ev.ParkPersonal(task_id=task, agent_id=agent)) is not None:
                self.in_service.pop(task, None)

    @rule(data=st.data(), kind=st.sampled_from(list(TaskKind)))
    def kind_changes(self, data: st.DataObject, kind: TaskKind) -> None:
        if self.alive:
            task = data.draw(st.sampled_from(sorted(self.alive)))
            assert self.send(ev.ChangeKind(task_id=task, kind=kind)) is not None

    @rule(level=st.integers(1, 5), wrap_up=st.sampled_from([0, 10]))
    def vat_queue_is_reconfigured(self, level: int, wrap_up: int) -> None:
        event = queue("vat", skills={"vat": level}, wrap_up_s=wrap_up, widening=((45, 1),))
        assert self.send(event) is not None
        self.configs["vat"] = event.queue

    @rule()
    def daemon_restarts_from_snapshot(self) -> None:
        restored = Router.restore(json.loads(json.dumps(self.router.snapshot())))
        assert restored.snapshot() == self.router.snapshot()
        later = self.now + 31
        decisions = self.router.handle(ev.Tick(), later)
        assert restored.handle(ev.Tick(), later) == decisions
        assert restored.snapshot() == self.router.snapshot()
        self.track(decisions)
        self.now, self.router = later, restored

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def no_task_lost_or_duplicated(self) -> None:
        listed = [e.task_id for q in QUEUES for e in self.router.queue_view(q, self.now)]
        listed += [e.task_id for a in self.profiles for e in self.router.personal_view(a, self.now)]
        assert len(listed) == len(set(listed)), "a task is listed twice"
        scheduled = [t for t in self.alive if t not in self.in_service
                     and self.router.task(t).state is TaskState.SCHEDULED]
        assert sorted(listed + list(self.in_service) + scheduled) == sorted(self.alive)

    @invariant()
    def scheduled_tasks_join_their_queue_when_due(self) -> None:
        for task_id in self.alive:
            task = self.router.task(task_id)
            if task.state is TaskState.SCHEDULED:
                assert task.due_at is not None and task.due_at > self.now

    @invariant()
    def queues_follow_priority_then_entry_time(self) -> None:
        for queue_id in QUEUES:
            view = self.router.queue_view(queue_id, self.now)
            keys = [(-e.priority, -e.waited_s) for e in view]
            assert keys == sorted(keys), f"{queue_id} out of order: {view}"
            for entry in view:
                assert entry.waited_s == self.now - self.alive[entry.task_id]["entered"]

    @invariant()
    def offers_match_the_agents(self) -> None:
        reserved = {}
        for agent in self.profiles:
            state = self.router.agent(agent)
            if state.state is AgentState.RESERVED:
                reserved[agent] = state.task_id
        assert reserved == self.offers

    @invariant()
    def a_task_in_service_has_its_serving_agent_busy(self) -> None:
        for task_id, agent in self.in_service.items():
            assert self.router.task(task_id).agent_id == agent
            state = self.router.agent(agent)
            assert (state.state, state.task_id) == (AgentState.BUSY, task_id)

    @invariant()
    def no_idle_agent_could_take_a_routable_task(self) -> None:
        for agent, profile in self.profiles.items():
            if self.router.agent(agent).state is not AgentState.AVAILABLE:
                continue
            assert self.router.personal_view(agent, self.now) == []
            for task_id in self.waiting_ids():
                task = self.router.task(task_id)
                if task.state is not TaskState.WAITING:
                    continue
                info = self.alive[task_id]
                waited = self.now - info["entered"]
                assert not can_take(
                    profile, self.configs[info["queue"]], info["skills"], info["lang"], waited
                ), f"{agent} idles while {task_id} waits"


TestRoutingCore = RoutingCore.TestCase
TestRoutingCore.settings = settings(
    max_examples=120,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
