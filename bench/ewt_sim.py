"""Wait-estimate accuracy benchmark: ccctl vs Asterisk app_queue vs the true-rate predictor.

Run from the repository root: ``python -m bench.ewt_sim``.  Prints one line per figure,
``figure: NAME = VALUE UNIT``.  Seeded: the accuracy figures are the same on every run;
only the speed and memory figures depend on the machine.  See docs/ewt.md.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

from bench.sim_queue import PREDICTORS, Scenario, Scores, simulate
from ccctl.acd.ewt import estimate_wait

HOUR = 3600.0

# Staffing from a small team to a large centre; handle times exponential and lognormal;
# load swings between under- and overload over 1-8 hours; patience exponential or lognormal;
# in one, a quarter of the agents take a half-hour break every two hours.
# fmt: off
SCENARIOS = (
    Scenario(
        name="exp_c3", agents=3, mean_handle_s=240.0, handle_dist="exp", handle_cv=1.0,
        mean_patience_s=600.0, patience_dist="exp", load_low=0.7, load_high=1.3,
        swing_period_s=4 * HOUR, hours=1800.0, seed=11,
    ),
    Scenario(
        name="logn_c3", agents=3, mean_handle_s=300.0, handle_dist="lognormal", handle_cv=1.5,
        mean_patience_s=900.0, patience_dist="exp", load_low=0.6, load_high=1.4,
        swing_period_s=4 * HOUR, hours=1800.0, seed=12,
    ),
    Scenario(
        name="exp_c10", agents=10, mean_handle_s=240.0, handle_dist="exp", handle_cv=1.0,
        mean_patience_s=600.0, patience_dist="exp", load_low=0.7, load_high=1.3,
        swing_period_s=4 * HOUR, hours=600.0, seed=13,
    ),
    Scenario(
        name="logn_c10", agents=10, mean_handle_s=240.0, handle_dist="lognormal", handle_cv=1.5,
        mean_patience_s=600.0, patience_dist="exp", load_low=0.7, load_high=1.3,
        swing_period_s=4 * HOUR, hours=600.0, seed=14,
    ),
    Scenario(
        name="exp_c25_surge", agents=25, mean_handle_s=180.0, handle_dist="exp", handle_cv=1.0,
        mean_patience_s=300.0, patience_dist="exp", load_low=0.5, load_high=1.5,
        swing_period_s=1 * HOUR, hours=200.0, seed=15,
    ),
    Scenario(
        name="logn_c40_lognpatience", agents=40, mean_handle_s=240.0, handle_dist="lognormal",
        handle_cv=1.0, mean_patience_s=400.0, patience_dist="lognormal", load_low=0.6,
        load_high=1.4, swing_period_s=2 * HOUR, hours=160.0, seed=16,
    ),
    Scenario(
        name="exp_c20_breaks", agents=20, mean_handle_s=240.0, handle_dist="exp", handle_cv=1.0,
        mean_patience_s=600.0, patience_dist="exp", load_low=0.6, load_high=1.1,
        swing_period_s=4 * HOUR, hours=250.0, seed=18,
        break_every_s=2 * HOUR, break_length_s=1800.0, break_agents=5,
    ),
    Scenario(
        name="logn_c100", agents=100, mean_handle_s=300.0, handle_dist="lognormal",
        handle_cv=1.2, mean_patience_s=600.0, patience_dist="exp", load_low=0.8, load_high=1.2,
        swing_period_s=8 * HOUR, hours=80.0, seed=17,
    ),
)
# fmt: on


def _figure(name: str, value: float, unit: str) -> None:
    shown = str(value) if isinstance(value, int) else f"{value:.4g}"
    print(f"figure: {name} = {shown} {unit}", flush=True)


def _report_scenario(name: str, scores: Scores) -> None:
    for predictor in PREDICTORS:
        _figure(f"ewt.rmse_s.{name}.{predictor}", scores.rmse(predictor), "s")
    for predictor in ("ccctl", "ccctl_basic", "app_queue"):
        _figure(
            f"ewt.share_within_announced.{name}.{predictor}",
            scores.share_within(predictor),
            "fraction",
        )
    served = max(scores.served_waiting, 1)
    _figure(f"ewt.mean_wait_s.{name}", scores.wait_sum / served, "s")
    _figure(f"ewt.mean_announced_s.{name}.ccctl", scores.announced_sum / served, "s")
    _figure(f"ewt.served_after_waiting.{name}", scores.served_waiting, "callers")
    _figure(f"ewt.abandoned.{name}", scores.abandoned, "callers")
    _figure(f"ewt.more_than_announced.{name}", scores.more_than, "callers")


def _report_headline(results: dict[str, Scores]) -> None:
    def worst_ratio(predictor: str, baseline: str) -> float:
        return max(s.rmse(predictor) / s.rmse(baseline) for s in results.values())

    def worst_share(predictor: str) -> float:
        return min(s.share_within(predictor) for s in results.values())

    _figure("ewt.rmse_ratio_vs_app_queue", worst_ratio("ccctl", "app_queue"), "x")
    _figure("ewt.rmse_ratio_vs_queue_length", worst_ratio("ccctl", "queue_length"), "x")
    _figure("ewt.share_within_announced", worst_share("ccctl"), "fraction")
    _figure("ewt.share_within_announced_app_queue", worst_share("app_queue"), "fraction")
    _figure(
        "ewt.share_within_announced_app_queue.best",
        max(s.share_within("app_queue") for s in results.values()),
        "fraction",
    )
    # The minimal call (no abandonment rate), for when the core does not track give-ups.
    _figure("ewt.rmse_ratio_vs_app_queue.basic", worst_ratio("ccctl_basic", "app_queue"), "x")
    _figure("ewt.rmse_ratio_vs_queue_length.basic", worst_ratio("ccctl_basic", "queue_length"), "x")
    _figure("ewt.share_within_announced.basic", worst_share("ccctl_basic"), "fraction")


def _estimator_speed() -> None:
    """Cost of one estimate as the core asks for it: median and worst over 0-400 ahead."""
    samples = []
    for ahead in range(0, 400, 4):
        started = time.perf_counter()
        for _ in range(50):
            estimate_wait(ahead=ahead, agents=25, mean_handle_s=240.0, abandon_rate_per_s=1e-3)
        samples.append((time.perf_counter() - started) / 50 * 1e6)
    samples.sort()
    _figure("ewt.estimate_wait_us.p50", statistics.median(samples), "us")
    _figure("ewt.estimate_wait_us.max", samples[-1], "us")


def main() -> None:
    started = time.perf_counter()
    results: dict[str, Scores] = {}
    events = 0
    for scenario in SCENARIOS:
        results[scenario.name] = scores = simulate(scenario)
        events += scores.events
        _report_scenario(scenario.name, scores)
    elapsed = time.perf_counter() - started
    _report_headline(results)
    _figure("ewt.sim_events_per_s", events / elapsed, "events/s")
    _figure("ewt.sim_wall_s", elapsed, "s")
    _estimator_speed()
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _figure("ewt.sim_peak_mem_mb", peak / (1024 * 1024 if sys.platform == "darwin" else 1024), "MB")


if __name__ == "__main__":
    main()
