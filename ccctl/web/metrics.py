"""Prometheus text exposition of the daemon's state (no client library needed).

Gauges: calls waiting and longest wait per queue, agents per queue and state,
service level (SL and SL2) of the current interval, event-loop lag, ARI
reconnects. Served at ``/metrics`` on the REST API's loopback listener.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ccctl.acd.model import AgentState
from ccctl.acd.router import Router


@dataclass(frozen=True)
class Process:
    """Numbers about the daemon itself, read when /metrics is scraped."""

    loop_lag_s: float
    loop_lag_max_s: float
    ari_connected: bool
    ari_connects: int
    handler_errors: int


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
            ) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
        lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")
    return lines


def render(router: Router, now: float, process: Process) -> str:
    statuses = [router.queue_status(q, now) for q in sorted(router.core.queues)]
    lines: list[str] = []
    lines += _family("ccctl_calls_waiting", "Tasks waiting in the queue",
                     (({"queue": s.queue_id}, s.waiting) for s in statuses))
    lines += _family("ccctl_longest_wait_seconds", "Longest current wait in the queue",
                     (({"queue": s.queue_id}, s.longest_wait_s) for s in statuses))
    lines += _family("ccctl_agents", "Logged-in agents serving the queue, by state",
                     (({"queue": s.queue_id, "state": state.value}, s.agents.get(state, 0))
                      for s in statuses for state in AgentState
                      if state is not AgentState.LOGGED_OUT))
    lines += _family("ccctl_service_level_ratio",
                     "Answered within target / answered, current interval (absent: none)",
                     (({"queue": s.queue_id}, s.interval.sl) for s in statuses
                      if s.interval.sl is not None))
    lines += _family("ccctl_service_level2_ratio",
                     "Answered within target / (answered + abandoned after the short limit)",
                     (({"queue": s.queue_id}, s.interval.sl2) for s in statuses
                      if s.interval.sl2 is not None))
    lines += _family("ccctl_event_loop_lag_seconds", "Event-loop lag, last sample",
                     [({}, process.loop_lag_s)])
    lines += _family("ccctl_event_loop_lag_max_seconds", "Event-loop lag, worst since start",
                     [({}, process.loop_lag_max_s)])
    lines += _family("ccctl_ari_connected", "1 while the ARI websocket is up",
                     [({}, 1.0 if process.ari_connected else 0.0)])
    lines += _family("ccctl_ari_connects_total", "ARI websocket connections since start",
                     [({}, process.ari_connects)])
    lines += _family("ccctl_handler_errors_total", "ARI event handlers that raised",
                     [({}, process.handler_errors)])
    return "\n".join(lines) + "\n"


ProcessProbe = Callable[[], Process]
