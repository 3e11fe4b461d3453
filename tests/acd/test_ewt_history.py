"""What the estimator learns from: recent handle times and how fast callers give up."""

from __future__ import annotations

import json
import math
import random

import pytest

from ccctl.acd.ewt import Abandonment, HandleTimes


def test_given_no_finished_task_then_there_is_no_mean_handle_time() -> None:
    handle_times = HandleTimes()

    assert handle_times.mean("support") is None
    assert handle_times.count("support") == 0


def test_given_handle_times_in_two_queues_then_each_queue_has_its_own_mean() -> None:
    handle_times = HandleTimes()
    for seconds in (100.0, 200.0, 300.0):
        handle_times.record("support", seconds)
    handle_times.record("billing", 60.0)

    assert handle_times.mean("support") == pytest.approx(200.0)
    assert handle_times.mean("billing") == pytest.approx(60.0)


def test_given_more_tasks_than_the_window_then_only_the_most_recent_count() -> None:
    handle_times = HandleTimes(window=3)
    for seconds in (1000.0, 1000.0, 100.0, 200.0, 300.0):
        handle_times.record("support", seconds)

    assert handle_times.mean("support") == pytest.approx(200.0)
    assert handle_times.count("support") == 3


def test_given_a_long_run_then_the_running_mean_equals_the_exact_mean_of_the_window() -> None:
    rng = random.Random(5)
    handle_times = HandleTimes(window=50)
    values = [rng.lognormvariate(5.0, 1.5) for _ in range(10_007)]
    for value in values:
        handle_times.record("support", value)

    assert handle_times.mean("support") == pytest.approx(math.fsum(values[-50:]) / 50, rel=1e-12)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_given_an_impossible_handle_time_then_it_is_refused_naming_the_queue(bad: float) -> None:
    with pytest.raises(ValueError, match="support"):
        HandleTimes().record("support", bad)


def test_given_a_snapshot_through_json_then_restore_gives_the_same_history() -> None:
    handle_times = HandleTimes(window=4)
    for seconds in (10.0, 20.0, 30.0, 40.0, 50.0):
        handle_times.record("support", seconds)
    handle_times.record("billing", 7.5)

    restored = HandleTimes.restore(json.loads(json.dumps(handle_times.snapshot())))

    assert restored == handle_times
    assert restored.mean("support") == handle_times.mean("support")
    restored.record("support", 1000.0)  # the window survives the round trip
    assert restored.count("support") == 4


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"window": "big", "queues": {}}, "window"),
        ({"window": 0, "queues": {}}, "window"),
        ({"window": 5, "queues": []}, "queues"),
        ({"window": 5, "queues": {"support": [1.0, "x"]}}, "support"),
    ],
)
def test_given_a_damaged_snapshot_then_restore_names_what_is_wrong(
    data: dict[str, object], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        HandleTimes.restore(data)


def test_given_no_caller_left_the_queue_then_the_give_up_rate_is_zero() -> None:
    assert Abandonment().rate("support") == 0.0


def test_given_give_ups_then_the_rate_is_give_ups_per_second_waited() -> None:
    abandonment = Abandonment()
    abandonment.record("support", 100.0, abandoned=True)
    abandonment.record("support", 250.0, abandoned=False)
    abandonment.record("support", 50.0, abandoned=False)
    abandonment.record("support", 0.0, abandoned=False)  # answered at once: no exposure

    assert abandonment.rate("support") == pytest.approx(1 / 400)
    assert abandonment.rate("billing") == 0.0


def test_given_exponential_patience_then_the_learned_rate_is_close_to_the_true_one() -> None:
    rng = random.Random(3)
    abandonment = Abandonment(window=2000)
    for _ in range(2000):
        patience, answered_after = rng.expovariate(1 / 600), rng.expovariate(1 / 120)
        gave_up = patience < answered_after
        abandonment.record("support", min(patience, answered_after), abandoned=gave_up)

    assert abandonment.rate("support") == pytest.approx(1 / 600, rel=0.15)


def test_given_an_abandonment_snapshot_through_json_then_restore_is_the_identity() -> None:
    abandonment = Abandonment(window=3)
    for waited, gave_up in ((10.0, True), (20.0, False), (30.0, True), (40.0, False)):
        abandonment.record("support", waited, abandoned=gave_up)

    restored = Abandonment.restore(json.loads(json.dumps(abandonment.snapshot())))

    assert restored == abandonment
    assert restored.rate("support") == pytest.approx(1 / 90)


def test_given_an_abandonment_snapshot_with_mismatched_lists_then_restore_refuses() -> None:
    data: dict[str, object] = {
        "window": 5,
        "queues": {"support": {"waited_s": [1.0, 2.0], "abandoned": [1]}},
    }
    with pytest.raises(ValueError, match="support"):
        Abandonment.restore(data)
