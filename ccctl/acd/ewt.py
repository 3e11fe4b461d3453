"""Expected wait for one specific task: the queue-length predictor with honest announcements.

Method (see docs/ewt.md for the derivation and the published basis):

* A task with ``ahead`` tasks in front of it, when ``free_agents`` of the ``agents`` that can
  take it are idle, is offered after ``k = ahead + 1 - free_agents`` agents have finished a
  task.  With every agent busy and handle times roughly exponential with mean ``h``, agents
  finish at rate ``agents / h``, so the wait is Erlang(k, agents / h) -- Whitt's
  queue-length predictor ("Predicting queueing delays", Management Science 45(6), 1999).
* If callers give up at rate ``abandon_rate_per_s`` each, the ``j`` callers still ahead
  leave at rate ``j * theta`` as well, and the wait is a sum of exponentials with rates
  ``agents / h + j * theta`` (Whitt 1999; Ibrahim & Whitt, "Real-time delay estimation in
  overloaded multiserver queues with abandonments", Management Science 55(10), 2009).
  We use its exact mean and a gamma distribution with the same mean and variance.
* The point estimate is the mean.  The announcement is a high quantile rounded *up* to whole
  minutes, so that most callers are answered within what they were told.
* When we cannot know (nobody staffed, no handle-time history, or a very long wait) the
  estimate says "more than N minutes" with N a *low* quantile, so the statement stays true.

Everything here is pure: no clock, no I/O, no randomness, no numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ccctl.acd.ewt_history import Abandonment, HandleTimes
from ccctl.acd.ewt_math import digamma, gamma_quantile, trigamma

__all__ = [
    "ANNOUNCE_QUANTILE",
    "DEFAULT_HANDLE_S",
    "MAX_ANNOUNCE_MINUTES",
    "MIN_HANDLE_SAMPLES",
    "MORE_THAN_QUANTILE",
    "Abandonment",
    "HandleTimes",
    "WaitEstimate",
    "estimate_wait",
]

# Quantile announced to callers: "you will be answered within N minutes".
ANNOUNCE_QUANTILE = 0.8
# Quantile behind "more than N minutes": N is exceeded with probability 1 - this.
MORE_THAN_QUANTILE = 0.1
# Announcements above this many minutes become "more than N minutes".
MAX_ANNOUNCE_MINUTES = 60
# A mean of fewer handle times than this is too shaky to promise a bound on.
MIN_HANDLE_SAMPLES = 10
# Prior handle time used only while a queue has no history (the estimate is then uncertain).
DEFAULT_HANDLE_S = 300.0
# Up to this many departures the wait's moments are summed term by term, beyond it they come
# from the digamma function in O(1).
_DIRECT_SUM_MAX = 32


@dataclass(frozen=True)
class WaitEstimate:
    """Remaining wait of one task."""

    seconds: float  # point estimate of the remaining wait (the mean)
    announce_minutes: int  # whole minutes to announce (>= 1)
    more_than: bool  # True: say "more than N minutes" -- the estimate is uncertain


def estimate_wait(
    *,
    ahead: int,
    agents: int,
    mean_handle_s: float | None,
    free_agents: int = 0,
    abandon_rate_per_s: float = 0.0,
    quantile: float = ANNOUNCE_QUANTILE,
    max_announce_minutes: int = MAX_ANNOUNCE_MINUTES,
    default_handle_s: float = DEFAULT_HANDLE_S,
    handle_samples: int | None = None,
) -> WaitEstimate:
    """Expected remaining wait of a task with ``ahead`` tasks in front of it.

    ``agents``: staffed agents able to take it (logged in, not paused); ``free_agents``: of
    those, idle now; ``mean_handle_s``: recent mean handle time (``HandleTimes.mean``), None
    or <= 0 when there is no history; ``handle_samples``: how many handle times that mean
    rests on (``HandleTimes.count``), if known; ``abandon_rate_per_s``: give-ups per waiting
    caller per second (``Abandonment.rate``), 0 to ignore abandonment.
    """
    _check_inputs(ahead, agents, free_agents, abandon_rate_per_s, quantile)
    departures = ahead + 1 - min(free_agents, agents)
    if agents > 0 and departures <= 0:
        return WaitEstimate(seconds=0.0, announce_minutes=1, more_than=False)
    usable = mean_handle_s is not None and math.isfinite(mean_handle_s) and mean_handle_s > 0.0
    handle_s = mean_handle_s if usable and mean_handle_s is not None else default_handle_s
    known = usable and (handle_samples is None or handle_samples >= MIN_HANDLE_SAMPLES)
    # Nobody staffed: the point estimate assumes one agent logs in now; the announcement
    # only promises what is certain -- that it will take a while.
    service_rate = max(agents, 1) / handle_s
    mean, variance = _wait_moments(departures, service_rate, abandon_rate_per_s)
    if agents == 0:
        return WaitEstimate(seconds=mean, announce_minutes=1, more_than=True)
    shape, scale = mean * mean / variance, variance / mean
    high_minutes = math.ceil(scale * gamma_quantile(shape, quantile) / 60.0)
    if known and high_minutes <= max_announce_minutes:
        return WaitEstimate(seconds=mean, announce_minutes=max(1, high_minutes), more_than=False)
    low_minutes = math.floor(scale * gamma_quantile(shape, MORE_THAN_QUANTILE) / 60.0)
    announce = max(1, min(max_announce_minutes, low_minutes))
    return WaitEstimate(seconds=mean, announce_minutes=announce, more_than=True)


def _wait_moments(departures: int, service_rate: float, abandon_rate: float) -> tuple[float, float]:
    """Mean and variance of the time until ``departures`` places have been freed ahead.

    Position j (0 = first in line) moves on at rate service_rate + j * abandon_rate.
    """
    if abandon_rate == 0.0:
        return departures / service_rate, departures / service_rate**2
    if departures <= _DIRECT_SUM_MAX:
        rates = [service_rate + j * abandon_rate for j in range(departures)]
        return math.fsum(1.0 / r for r in rates), math.fsum(1.0 / (r * r) for r in rates)
    # sum_{j<m} 1/(b+j) = psi(b+m) - psi(b), and the same with psi' for the squares.
    b = service_rate / abandon_rate
    mean = (digamma(b + departures) - digamma(b)) / abandon_rate
    variance = (trigamma(b) - trigamma(b + departures)) / abandon_rate**2
    return mean, variance


def _check_inputs(
    ahead: int, agents: int, free_agents: int, abandon_rate: float, quantile: float
) -> None:
    if ahead < 0 or agents < 0 or free_agents < 0:
        raise ValueError(
            f"estimate_wait needs ahead, agents and free_agents >= 0, "
            f"got ahead={ahead}, agents={agents}, free_agents={free_agents}"
        )
    if not math.isfinite(abandon_rate) or abandon_rate < 0.0:
        raise ValueError(f"abandon_rate_per_s must be finite and >= 0, got {abandon_rate}")
    if not 0.5 <= quantile < 1.0:
        raise ValueError(f"announce quantile must be in [0.5, 1), got {quantile}")
