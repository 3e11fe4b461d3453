"""Routing-decision latency of the ACD core at 1k, 10k and 100k waiting tasks.

Scenario: 1,000 agents in 10 teams of 100; 50 skills; 50 queues, each team serving 5 of
them (queue i needs skill i at level 3, widening to level 1 after 30 s and to anyone in
the team after 90 s). Tasks: priority 0/1/2 (90/8/2 %), 20 % with an extra skill, 20 %
with a language; entered over the past 10 minutes. Every agent is busy, so tasks wait.

Measured, each a routing decision through ``Router.handle`` (due timers included):
* agent free: ``AgentReady`` -> the best task it may take is chosen and offered
  (then undone with ring-no-answer, so the queue stays the same size);
* task arrival: ``TaskArrived`` -> matched against idle agents or queued
  (then undone with ``Abandoned``).
The main figures are taken after one warm-up round (reported as ``..._cold``: the first
decisions after a start fill the per-(agent, signature) eligibility cache).
Baseline in the same run: a naive linear scan of every waiting task for the same agents.

Garbage collection: after building the state the bench calls ``gc.freeze()``, as the daemon
does after a restore, so full collections do not walk the long-lived state; the figures
``..._nofreeze`` repeat the measurement without that, for comparison.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable

from ccctl.acd import events as ev
from ccctl.acd.decisions import Decision, Offer
from ccctl.acd.model import (
    AgentProfile,
    AgentState,
    QueueConfig,
    TaskSpec,
    TaskState,
    WideningStep,
)
from ccctl.acd.router import Router
from ccctl.acd.state import OrderKey

T0 = 1_780_000_000.0
SKILLS = 50
TEAMS = 10
AGENTS = 1_000
SIZES = (("1k", 1_000), ("10k", 10_000), ("100k", 100_000))
SAMPLES = 2_000  # per round, of each kind
ROUNDS = 3
EXTRA_SKILLS = ("s45", "s46", "s47", "s48")
LANGUAGES = (None,) * 8 + ("fi", "en")


def _queue_config(i: int) -> QueueConfig:
    return QueueConfig(
        id=f"q{i}",
        skills={f"s{i}": 3},
        groups=frozenset({f"team{i % TEAMS}"}),
        widening=(WideningStep(after_s=30, max_level=1), WideningStep(after_s=90, max_level=0)),
    )


def _profile(rng: random.Random, agent: int) -> AgentProfile:
    team = agent % TEAMS
    skills = {f"s{q}": rng.randint(1, 5) for q in range(team, SKILLS, TEAMS)}
    for extra in rng.sample(EXTRA_SKILLS, 2):
        skills[extra] = rng.randint(1, 5)
    langs = {"sv"} | {lang for lang in ("fi", "en") if rng.random() < 0.3}
    groups = frozenset({f"team{team}"})
    return AgentProfile(skills=skills, groups=groups, languages=frozenset(langs))


def _task(rng: random.Random, task_id: str, now: float) -> ev.TaskArrived:
    roll = rng.random()
    priority = 0 if roll < 0.9 else (1 if roll < 0.98 else 2)
    extra = {rng.choice(EXTRA_SKILLS): 2} if rng.random() < 0.2 else {}
    spec = TaskSpec(
        id=task_id,
        queue_id=f"q{rng.randrange(SKILLS)}",
        skills=extra,
        language=rng.choice(LANGUAGES),
        priority=priority,
        entered_at=now - rng.uniform(0, 600),
    )
    return ev.TaskArrived(task=spec)


def build(waiting: int, seed: int = 7) -> Router:
    rng = random.Random(seed)
    router = Router()
    for i in range(SKILLS):
        router.handle(ev.ConfigureQueue(queue=_queue_config(i)), T0)
    for a in range(AGENTS):
        login = ev.AgentLogin(agent_id=f"a{a}", profile=_profile(rng, a), ready=False)
        router.handle(login, T0)
    for t in range(waiting):
        router.handle(_task(rng, f"w{t}", T0), T0)
    return router


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def measure(
    router: Router, seed: int, wall_us: list[float]
) -> tuple[list[float], list[float], int]:
    """(agent-free latencies µs, arrival latencies µs, offers made) — state kept steady.

    Latency is the thread's CPU time (``time.thread_time_ns``): the bench shares two cores
    with other test suites, and wall-clock percentiles there measure the neighbours. The
    wall-clock p99 is reported next to it (``..._wall``) for honesty.
    """
    rng = random.Random(seed)
    now = T0
    free_us: list[float] = []
    arrive_us: list[float] = []
    offered = 0
    for i in range(SAMPLES):
        now += 0.05
        agent = f"a{rng.randrange(AGENTS)}"
        decisions = _timed(router, ev.AgentReady(agent_id=agent), now, free_us, wall_us)
        for d in decisions:
            if isinstance(d, Offer):
                offered += 1
                router.handle(ev.OfferFailed(task_id=d.task_id, agent_id=d.agent_id), now)
        if router.core.agents[agent].state is AgentState.AVAILABLE:
            router.handle(ev.AgentPause(agent_id=agent, reason="bench"), now)
        _timed(router, _task(rng, f"n{i}", now), now, arrive_us, wall_us)
        router.handle(ev.Abandoned(task_id=f"n{i}"), now)
    return free_us, arrive_us, offered


def _timed(
    router: Router, event: ev.Event, now: float, out: list[float], wall_us: list[float]
) -> list[Decision]:
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    decisions = router.handle(event, now)
    cpu_us = (time.thread_time_ns() - cpu) / 1000
    wall_us.append((time.perf_counter_ns() - wall) / 1000)
    out.append(cpu_us)
    return decisions


def naive_scan(router: Router, samples: int, seed: int = 11) -> list[float]:
    """The same agent-free choice by a linear scan of every waiting task (the baseline)."""
    rng = random.Random(seed)
    core = router.core
    out: list[float] = []
    now = T0 + 1.0
    clock = time.thread_time_ns
    for _ in range(samples):
        agent = core.agents[f"a{rng.randrange(AGENTS)}"]
        member = set(agent.queues)
        start = clock()
        best: OrderKey | None = None
        for task in core.tasks.values():
            if task.state is not TaskState.WAITING or task.queue_id not in member:
                continue
            after = core.queues[task.queue_id].eligible_after(agent, task.signature())
            if after is not None and task.entered_at + after <= now:
                key = task.key()
                if best is None or key < best:
                    best = key
        out.append((clock() - start) / 1000)
    return out


def _peak_mb(make: Callable[[], Router]) -> float:
    gc.collect()
    tracemalloc.start()
    router = make()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del router
    return peak / 1e6


def figure(name: str, value: float, unit: str) -> None:
    print(f"figure: {name} = {value:.1f} {unit}", flush=True)


def _rounds(
    router: Router, seed: int, wall_us: list[float]
) -> tuple[list[list[float]], list[float], list[float], int]:
    """ROUNDS measurements; p50/p99 of each round, so a burst of load from other processes
    on the shared machine spoils one round, not the figure (the median round is reported)."""
    rounds = []
    free_all: list[float] = []
    arrive_all: list[float] = []
    offered = 0
    for r in range(ROUNDS):
        free_us, arrive_us, made = measure(router, seed + r, wall_us)
        rounds.append(free_us + arrive_us)
        free_all += free_us
        arrive_all += arrive_us
        offered += made
    return rounds, free_all, arrive_all, offered


def _median_of(rounds: list[list[float]], p: float) -> float:
    return statistics.median(_percentile(r, p) for r in rounds)


def main() -> None:
    p99s: dict[str, float] = {}
    for label, waiting in SIZES:
        peak = _peak_mb(lambda waiting=waiting: build(waiting))  # type: ignore[misc]
        router = build(waiting)
        gc.collect()
        gc.freeze()
        # First decisions after start-up fill the per-(agent, signature) eligibility cache.
        cold_free, cold_arrive, _ = measure(router, 7, [])
        wall_us: list[float] = []
        rounds, free_us, arrive_us, offered = _rounds(router, 11, wall_us)
        wall_p99 = _percentile(wall_us, 99)
        gc.unfreeze()
        rounds_nf, _, _, _ = _rounds(router, 101, [])
        p99s[label] = _median_of(rounds, 99)
        figure(f"acd.route_p50_us.waiting_{label}", _median_of(rounds, 50), "us")
        figure(f"acd.route_p99_us.waiting_{label}", p99s[label], "us")
        figure(f"acd.peak_mem_mb.waiting_{label}", peak, "MB")
        figure(f"acd.route_p99_us_wall.waiting_{label}", wall_p99, "us")
        figure(f"acd.route_agent_free_p99_us.waiting_{label}", _percentile(free_us, 99), "us")
        figure(f"acd.route_task_arrival_p99_us.waiting_{label}", _percentile(arrive_us, 99), "us")
        figure(f"acd.route_offer_share_pct.waiting_{label}", 100 * offered / len(free_us), "%")
        figure(f"acd.route_p99_us_nofreeze.waiting_{label}", _median_of(rounds_nf, 99), "us")
        figure(
            f"acd.route_p99_us_cold.waiting_{label}", _percentile(cold_free + cold_arrive, 99), "us"
        )
        if label in ("1k", "10k"):
            naive = naive_scan(router, 300 if label == "10k" else 1_000)
            indexed = _percentile(free_us, 99)
            figure(f"acd.naive_scan_p99_us.waiting_{label}", _percentile(naive, 99), "us")
            figure(
                f"acd.naive_vs_indexed_p99_ratio.waiting_{label}",
                _percentile(naive, 99) / indexed,
                "x",
            )
        del router
    figure("acd.route_p99_growth.100k_vs_1k", p99s["100k"] / p99s["1k"], "x")


if __name__ == "__main__":
    main()
