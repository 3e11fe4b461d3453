"""Discrete-event simulation of one FIFO queue, scoring wait predictors against the truth.

Callers arrive as a Poisson process whose rate swings sinusoidally between under- and
overload, are served by ``agents`` identical agents (exponential or lognormal handle times)
and give up after a random patience (exponential or lognormal).  Every caller who finds no
idle agent gets a prediction at arrival from

* ``ccctl``: :func:`ccctl.acd.ewt.estimate_wait` called as the routing core calls it -- the
  callers waiting ahead, the staffed and idle agents, the mean handle time
  :class:`~ccctl.acd.ewt.HandleTimes` learned online in this run, and the give-up rate
  :class:`~ccctl.acd.ewt.Abandonment` learned online;
* ``ccctl_basic``: the same without the abandonment rate (the minimal call);
* ``app_queue``: Asterisk app_queue's ``holdtime``, an integer moving average
  ``(3 * holdtime + wait) / 4`` over every answered caller's wait (``recalc_holdtime``),
  announced as ``(holdtime + 30 - waited) / 60`` whole minutes, ``waited`` = 0 at arrival;
* ``queue_length``: the queue-length predictor given the true rates, (n + 1) / (c * mu).

Callers answered at once hear no estimate in any system and are left out of the scores.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass, field

from ccctl.acd.ewt import (
    ANNOUNCE_QUANTILE,
    Abandonment,
    HandleTimes,
    WaitEstimate,
    estimate_wait,
)

_ARRIVAL, _DONE, _ABANDON, _STAFF = 0, 1, 2, 3
QUEUE = "sim"
PREDICTORS = ("ccctl", "ccctl_basic", "app_queue", "queue_length")


@dataclass(frozen=True)
class Scenario:
    name: str
    agents: int
    mean_handle_s: float
    handle_dist: str  # "exp" or "lognormal"
    handle_cv: float  # coefficient of variation of a lognormal handle time
    mean_patience_s: float
    patience_dist: str  # "exp" or "lognormal"
    load_low: float  # offered load / capacity at the trough of the swing
    load_high: float  # ... and at its peak
    swing_period_s: float
    hours: float  # measured, after the warm-up
    warmup_s: float = 3600.0
    seed: int = 1
    patience_cv: float = 1.0
    # Breaks: every ``break_every_s`` seconds, ``break_agents`` agents log out for the last
    # ``break_length_s`` of the cycle (those on a call finish it first).  0: no breaks.
    break_every_s: float = 0.0
    break_length_s: float = 0.0
    break_agents: int = 0


@dataclass
class Scores:
    """Outcomes for the callers served after waiting (the ones who hear an estimate)."""

    served_waiting: int = 0
    served_at_once: int = 0
    abandoned: int = 0
    events: int = 0
    sq_err: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PREDICTORS, 0.0))
    within: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PREDICTORS, 0))
    told: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PREDICTORS, 0))
    more_than: int = 0  # ccctl said "more than N minutes" (counted as not within)
    wait_sum: float = 0.0
    announced_sum: float = 0.0  # ccctl's announced minutes, in seconds

    def rmse(self, name: str) -> float:
        return math.sqrt(self.sq_err[name] / max(self.served_waiting, 1))

    def share_within(self, name: str) -> float:
        """Share of callers told a time who were answered within it."""
        return self.within[name] / max(self.told[name], 1)


@dataclass(frozen=True)
class _Prediction:
    ccctl: WaitEstimate
    ccctl_basic: WaitEstimate
    app_queue_s: float
    queue_length_s: float


class _Sampler:
    """Exponential or lognormal draws with a given mean (and CV for the lognormal)."""

    def __init__(self, rng: random.Random, dist: str, mean: float, cv: float) -> None:
        self._rng, self._mean, self._lognormal = rng, mean, dist == "lognormal"
        sigma2 = math.log(1.0 + cv * cv)
        self._sigma, self._mu = math.sqrt(sigma2), math.log(mean) - sigma2 / 2.0

    def draw(self) -> float:
        if self._lognormal:
            return self._rng.lognormvariate(self._mu, self._sigma)
        return self._rng.expovariate(1.0 / self._mean)


def simulate(scenario: Scenario, *, quantile: float = ANNOUNCE_QUANTILE) -> Scores:
    """Run ``scenario`` and score the predictors (deterministic for a given seed).

    ``quantile``: the announce quantile ccctl is asked for (to study the trade-off).
    """
    return _Sim(scenario, quantile).run()


class _Sim:
    def __init__(self, scenario: Scenario, quantile: float) -> None:
        s = self.s = scenario
        self.quantile = quantile
        self.rng = random.Random(s.seed)
        self.handle = _Sampler(self.rng, s.handle_dist, s.mean_handle_s, s.handle_cv)
        self.patience = _Sampler(self.rng, s.patience_dist, s.mean_patience_s, s.patience_cv)
        self.handle_times = HandleTimes()
        self.abandonment = Abandonment()
        self.capacity = s.agents / s.mean_handle_s  # callers per second, all agents busy
        self.events: list[tuple[float, int, int, int, float]] = []
        self.seq = 0
        self.busy = 0
        self.staffed = s.agents  # logged in and not on a break
        # caller -> (arrival time, prediction); ``line`` holds the FIFO order and may still
        # hold callers who gave up (dropped lazily when they reach the front).
        self.waiting: dict[int, tuple[float, _Prediction | None]] = {}
        self.line: deque[int] = deque()
        self.holdtime = 0  # app_queue's integer moving average, seconds
        self.scores = Scores()

    def push(self, time: float, kind: int, caller: int, value: float = 0.0) -> None:
        self.seq += 1
        heapq.heappush(self.events, (time, self.seq, kind, caller, value))

    def run(self) -> Scores:
        end = self.s.warmup_s + self.s.hours * 3600.0
        self.push(self.next_arrival(0.0), _ARRIVAL, 0)
        if self.s.break_every_s > 0.0:
            self.push(self.s.break_every_s - self.s.break_length_s, _STAFF, 0)
        while self.events:
            now, _, kind, caller, value = heapq.heappop(self.events)
            if now > end:
                break
            self.scores.events += 1
            if kind == _ARRIVAL:
                self.arrive(now, caller)
                self.push(self.next_arrival(now), _ARRIVAL, caller + 1)
            elif kind == _DONE:
                self.finish(now, value)
            elif kind == _STAFF:
                self.staffing_changed(now)
            elif caller in self.waiting:
                arrived, _prediction = self.waiting.pop(caller)
                self.abandonment.record(QUEUE, now - arrived, abandoned=True)
                self.scores.abandoned += arrived >= self.s.warmup_s
        return self.scores

    def rate(self, t: float) -> float:
        mid = (self.s.load_high + self.s.load_low) / 2.0
        amp = (self.s.load_high - self.s.load_low) / 2.0
        return self.capacity * (mid + amp * math.sin(2.0 * math.pi * t / self.s.swing_period_s))

    def next_arrival(self, t: float) -> float:
        """Non-homogeneous Poisson arrivals by thinning (Lewis & Shedler 1979)."""
        peak = self.capacity * self.s.load_high
        while True:
            t += self.rng.expovariate(peak)
            if self.rng.random() * peak <= self.rate(t):
                return t

    def staffing_changed(self, now: float) -> None:
        """A break starts or ends; agents back from one take waiting callers at once."""
        s = self.s
        if self.staffed == s.agents:
            self.staffed = s.agents - s.break_agents
            self.push(now + s.break_length_s, _STAFF, 0)
        else:
            self.staffed = s.agents
            self.push(now + s.break_every_s - s.break_length_s, _STAFF, 0)
        while self.busy < self.staffed and self.serve_next(now):
            pass

    def arrive(self, now: float, caller: int) -> None:
        if self.busy < self.staffed:
            self.start(now, now, None)
            return
        self.waiting[caller] = (now, self.predict(now))
        self.line.append(caller)
        self.push(now + self.patience.draw(), _ABANDON, caller)

    def predict(self, now: float) -> _Prediction | None:
        if now < self.s.warmup_s:
            return None
        ahead = len(self.waiting)  # everyone still waiting is ahead of a new caller
        mean_handle_s = self.handle_times.mean(QUEUE)
        staffed = self.staffed
        free = max(0, staffed - self.busy)

        def ccctl(abandon_rate: float) -> WaitEstimate:
            return estimate_wait(
                ahead=ahead,
                agents=staffed,
                mean_handle_s=mean_handle_s,
                free_agents=free,
                abandon_rate_per_s=abandon_rate,
                quantile=self.quantile,
            )

        return _Prediction(
            ccctl=ccctl(self.abandonment.rate(QUEUE)),
            ccctl_basic=ccctl(0.0),
            app_queue_s=float(self.holdtime),
            queue_length_s=(ahead + 1) * self.s.mean_handle_s / staffed,
        )

    def start(self, now: float, arrived: float, prediction: _Prediction | None) -> None:
        self.busy += 1
        wait = now - arrived
        # app_queue's recalc_holdtime: integer moving average of every answered caller's wait.
        self.holdtime = (3 * self.holdtime + int(wait)) >> 2
        self.abandonment.record(QUEUE, wait, abandoned=False)
        handle_s = self.handle.draw()
        self.push(now + handle_s, _DONE, 0, handle_s)
        if prediction is not None:
            self.score(wait, prediction)
        elif wait == 0.0 and arrived >= self.s.warmup_s:
            self.scores.served_at_once += 1

    def finish(self, now: float, handle_s: float) -> None:
        self.busy -= 1
        self.handle_times.record(QUEUE, handle_s)  # as the core does when a task ends
        if self.busy < self.staffed:  # else this agent goes on a break
            self.serve_next(now)

    def serve_next(self, now: float) -> bool:
        while self.line:
            entry = self.waiting.pop(self.line.popleft(), None)
            if entry is not None:
                self.start(now, *entry)
                return True
        return False

    def score(self, wait: float, p: _Prediction) -> None:
        sc = self.scores
        sc.served_waiting += 1
        sc.wait_sum += wait
        sc.announced_sum += 60.0 * p.ccctl.announce_minutes
        sc.more_than += p.ccctl.more_than
        told_aq = 60.0 * ((int(p.app_queue_s) + 30) // 60)  # rounded to the nearest minute
        predicted = {
            "ccctl": (p.ccctl.seconds, _told(p.ccctl)),
            "ccctl_basic": (p.ccctl_basic.seconds, _told(p.ccctl_basic)),
            "app_queue": (p.app_queue_s, told_aq if told_aq >= 60.0 else None),
            "queue_length": (p.queue_length_s, None),
        }
        for name, (seconds, told) in predicted.items():
            sc.sq_err[name] += (seconds - wait) ** 2
            # ccctl always tells something; "more than N" promises no bound: never within.
            if name.startswith("ccctl") or told is not None:
                sc.told[name] += 1
                sc.within[name] += told is not None and wait <= told


def _told(estimate: WaitEstimate) -> float | None:
    return None if estimate.more_than else 60.0 * estimate.announce_minutes
