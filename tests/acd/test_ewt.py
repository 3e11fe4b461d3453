"""Expected-wait estimates: what a caller is told, and what the supervisor sees."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccctl.acd.ewt import WaitEstimate, estimate_wait

HANDLE_S = 240.0


def test_given_more_agents_staffed_then_the_same_position_waits_shorter() -> None:
    few = estimate_wait(ahead=10, agents=4, mean_handle_s=HANDLE_S)
    many = estimate_wait(ahead=10, agents=12, mean_handle_s=HANDLE_S)

    assert many.seconds < few.seconds
    assert many.announce_minutes < few.announce_minutes
    assert not many.more_than and not few.more_than


def test_given_more_tasks_ahead_then_the_wait_is_longer() -> None:
    near = estimate_wait(ahead=2, agents=5, mean_handle_s=HANDLE_S)
    far = estimate_wait(ahead=20, agents=5, mean_handle_s=HANDLE_S)

    assert far.seconds > near.seconds
    assert far.announce_minutes > near.announce_minutes


def test_given_longer_handle_times_then_the_wait_is_longer() -> None:
    quick = estimate_wait(ahead=5, agents=5, mean_handle_s=120.0)
    slow = estimate_wait(ahead=5, agents=5, mean_handle_s=600.0)

    assert slow.seconds == pytest.approx(5 * quick.seconds)
    assert slow.announce_minutes > quick.announce_minutes


def test_given_n_ahead_and_c_busy_agents_then_the_point_estimate_is_n_plus_1_over_c_mu() -> None:
    # Whitt's queue-length predictor: n + 1 departures at rate c / h.
    estimate = estimate_wait(ahead=3, agents=5, mean_handle_s=300.0)

    assert estimate == WaitEstimate(seconds=240.0, announce_minutes=6, more_than=False)


def test_given_one_agent_and_nobody_ahead_then_the_announcement_is_the_80th_percentile() -> None:
    # Exponential wait with mean 120 s: P(W <= t) = 0.8 at t = 120 * ln 5 = 193 s -> 4 min.
    estimate = estimate_wait(ahead=0, agents=1, mean_handle_s=120.0)

    assert estimate.seconds == pytest.approx(120.0)
    assert estimate.announce_minutes == 4


def test_given_a_free_agent_and_nobody_ahead_then_the_wait_is_the_shortest_possible() -> None:
    free = estimate_wait(ahead=0, agents=5, mean_handle_s=HANDLE_S, free_agents=1)
    busy = estimate_wait(ahead=0, agents=5, mean_handle_s=HANDLE_S, free_agents=0)

    assert free == WaitEstimate(seconds=0.0, announce_minutes=1, more_than=False)
    assert busy.seconds > free.seconds


def test_given_free_agents_then_the_tasks_ahead_they_absorb_do_not_count() -> None:
    with_free = estimate_wait(ahead=4, agents=5, mean_handle_s=HANDLE_S, free_agents=2)
    two_ahead = estimate_wait(ahead=2, agents=5, mean_handle_s=HANDLE_S)

    assert with_free == two_ahead


def test_given_no_agent_staffed_then_it_says_more_than_rather_than_a_number() -> None:
    estimate = estimate_wait(ahead=3, agents=0, mean_handle_s=HANDLE_S)

    assert estimate.more_than
    assert estimate.announce_minutes == 1
    # The supervisor's figure assumes one agent logs in now: 4 tasks x 240 s.
    assert estimate.seconds == pytest.approx(4 * HANDLE_S)


@pytest.mark.parametrize("missing", [None, 0.0, -1.0, math.nan, math.inf])
def test_given_no_handle_time_history_then_it_says_more_than(missing: float | None) -> None:
    estimate = estimate_wait(ahead=3, agents=5, mean_handle_s=missing)

    assert estimate.more_than
    assert estimate.announce_minutes >= 1
    assert math.isfinite(estimate.seconds)


def test_given_only_a_few_handle_times_then_it_says_more_than_until_there_are_enough() -> None:
    shaky = estimate_wait(ahead=3, agents=5, mean_handle_s=HANDLE_S, handle_samples=2)
    enough = estimate_wait(ahead=3, agents=5, mean_handle_s=HANDLE_S, handle_samples=10)

    assert shaky.more_than
    assert not enough.more_than
    assert shaky.seconds == enough.seconds  # the supervisor still sees the best guess
    assert shaky.announce_minutes * 60 < shaky.seconds


def test_given_no_history_but_a_free_agent_and_nobody_ahead_then_it_is_still_certain() -> None:
    estimate = estimate_wait(ahead=0, agents=2, mean_handle_s=None, free_agents=1)

    assert estimate == WaitEstimate(seconds=0.0, announce_minutes=1, more_than=False)


def test_given_a_very_long_wait_then_it_says_more_than_the_cap_at_most() -> None:
    estimate = estimate_wait(ahead=500, agents=5, mean_handle_s=300.0)

    assert estimate.more_than
    assert estimate.announce_minutes == 60
    assert estimate.seconds > 60 * 60


def test_given_a_wait_just_over_the_cap_then_more_than_n_stays_a_lower_bound() -> None:
    estimate = estimate_wait(ahead=9, agents=1, mean_handle_s=300.0, max_announce_minutes=60)

    # Mean 50 min, 80th percentile above an hour: "more than N" with N well below the mean.
    assert estimate.more_than
    assert 1 <= estimate.announce_minutes * 60 < estimate.seconds


def test_given_callers_ahead_give_up_then_the_wait_is_shorter() -> None:
    patient = estimate_wait(ahead=20, agents=5, mean_handle_s=HANDLE_S)
    impatient = estimate_wait(
        ahead=20, agents=5, mean_handle_s=HANDLE_S, abandon_rate_per_s=1 / 300
    )

    assert impatient.seconds < patient.seconds
    assert impatient.announce_minutes < patient.announce_minutes


def test_given_a_lower_quantile_then_the_announcement_is_shorter_but_the_mean_is_not() -> None:
    cautious = estimate_wait(ahead=5, agents=3, mean_handle_s=HANDLE_S, quantile=0.95)
    bold = estimate_wait(ahead=5, agents=3, mean_handle_s=HANDLE_S, quantile=0.5)

    assert bold.announce_minutes < cautious.announce_minutes
    assert bold.seconds == cautious.seconds


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ahead": -1, "agents": 1},
        {"ahead": 0, "agents": -1},
        {"ahead": 0, "agents": 1, "free_agents": -1},
        {"ahead": 0, "agents": 1, "abandon_rate_per_s": -0.1},
        {"ahead": 0, "agents": 1, "quantile": 1.0},
    ],
)
def test_given_impossible_inputs_then_it_refuses_with_the_field_named(
    kwargs: dict[str, float],
) -> None:
    with pytest.raises(ValueError, match=r"ahead|agents|abandon|quantile"):
        estimate_wait(mean_handle_s=HANDLE_S, **kwargs)  # type: ignore[arg-type]


positions = st.integers(min_value=0, max_value=300)
staff = st.integers(min_value=1, max_value=200)
handles = st.floats(min_value=5.0, max_value=3600.0)
abandon = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=0.05))


@given(ahead=positions, agents=staff, handle=handles, theta=abandon)
def test_given_any_certain_estimate_then_the_announced_minutes_cover_the_point_estimate(
    ahead: int, agents: int, handle: float, theta: float
) -> None:
    estimate = estimate_wait(
        ahead=ahead, agents=agents, mean_handle_s=handle, abandon_rate_per_s=theta
    )

    assert estimate.announce_minutes >= 1
    if estimate.more_than:
        assert estimate.announce_minutes * 60 <= max(estimate.seconds, 60.0)
    else:
        assert estimate.announce_minutes >= estimate.seconds / 60


@given(ahead=positions, agents=staff, handle=handles, theta=abandon)
def test_given_one_more_task_ahead_then_the_estimate_never_shrinks(
    ahead: int, agents: int, handle: float, theta: float
) -> None:
    here = estimate_wait(ahead=ahead, agents=agents, mean_handle_s=handle, abandon_rate_per_s=theta)
    behind = estimate_wait(
        ahead=ahead + 1, agents=agents, mean_handle_s=handle, abandon_rate_per_s=theta
    )

    assert behind.seconds > here.seconds
    if not behind.more_than:
        assert behind.announce_minutes >= here.announce_minutes
