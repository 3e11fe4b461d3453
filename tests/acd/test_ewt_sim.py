"""Accuracy of the wait estimate in a small simulated contact centre (bench/sim_queue.py).

Eight agents, lognormal handle times, callers who give up, and a load swinging between 70 %
and 130 % of capacity; every caller who has to wait is told an estimate at arrival.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _load_sim() -> ModuleType:
    # bench/ is not a package on the test path; load the simulation by file.
    path = Path(__file__).resolve().parents[2] / "bench" / "sim_queue.py"
    spec = importlib.util.spec_from_file_location("ewt_bench_sim_queue", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> Any:
    sim = _load_sim()
    scenario = sim.Scenario(
        name="small_centre",
        agents=8,
        mean_handle_s=180.0,
        handle_dist="lognormal",
        handle_cv=1.2,
        mean_patience_s=600.0,
        patience_dist="exp",
        load_low=0.7,
        load_high=1.3,
        swing_period_s=2 * 3600.0,
        hours=40.0,
        seed=4,
    )
    result = sim.simulate(scenario)
    assert result.served_waiting > 2000  # enough callers for the figures to mean something
    return result


def test_given_a_swinging_load_then_most_callers_are_answered_within_the_announced_time(
    scores: Any,
) -> None:
    assert scores.share_within("ccctl") >= 0.8
    assert scores.share_within("ccctl_basic") >= 0.8
    assert scores.share_within("app_queue") < 0.6


def test_given_learned_handle_times_then_the_error_is_within_15_percent_of_the_true_rates(
    scores: Any,
) -> None:
    best_possible = scores.rmse("queue_length")

    assert scores.rmse("ccctl") <= 1.15 * best_possible
    assert scores.rmse("ccctl_basic") <= 1.15 * best_possible


def test_given_the_same_calls_then_ccctl_errs_much_less_than_app_queue(scores: Any) -> None:
    app_queue = scores.rmse("app_queue")

    assert scores.rmse("ccctl") <= 0.75 * app_queue
