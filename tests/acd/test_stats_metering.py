"""Service level per interval, agent counts for announcements, seat metering."""

from __future__ import annotations

from ccctl.acd.events import Abandoned, AgentLogout, AgentPause, OfferAccepted, Tick
from ccctl.acd.metering import tier
from ccctl.acd.model import AgentState, RouterConfig
from ccctl.acd.router import Router

from .builders import T0, arrive, login, queue, router_with

INTERVAL0 = 1_779_999_300  # the 15-minute interval T0 falls in


def test_given_answers_and_abandons_then_sl_and_sl2_follow_their_definitions() -> None:
    router = router_with(queue("q"))  # target: 80 % within 20 s; short abandon: 5 s
    router.handle(arrive("fast", "q"), T0)
    router.handle(arrive("slow", "q"), T0)
    router.handle(arrive("gave-up-at-once", "q"), T0)
    router.handle(arrive("gave-up-late", "q"), T0)
    router.handle(login("anna"), T0 + 10)  # offered "fast"
    router.handle(OfferAccepted(task_id="fast", agent_id="anna"), T0 + 15)
    router.handle(Abandoned(task_id="gave-up-at-once"), T0 + 2)
    router.handle(Abandoned(task_id="gave-up-late"), T0 + 40)
    router.handle(login("bo"), T0 + 50)  # offered "slow"
    router.handle(OfferAccepted(task_id="slow", agent_id="bo"), T0 + 55)
    status = router.queue_status("q", T0 + 60)
    counts = status.interval
    assert (counts.arrived, counts.answered, counts.abandoned) == (4, 2, 2)
    assert counts.sl == 0.5  # 1 of 2 answered within 20 s
    assert counts.sl2 == 1 / 3  # 1 of (2 answered + 1 abandoned after 5 s)
    assert status.interval_start == INTERVAL0


def test_given_a_new_interval_then_its_counts_start_from_zero() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(Abandoned(task_id="t1"), T0 + 10)
    assert router.queue_status("q", T0 + 900).interval.abandoned == 0
    assert router.queue_status("q", T0).interval.abandoned == 1


def test_given_waiting_tasks_then_status_shows_count_and_longest_wait() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("vip", "q", priority=3), T0 + 30)
    router.handle(arrive("old", "q"), T0)
    status = router.queue_status("q", T0 + 100)
    assert (status.waiting, status.longest_wait_s) == (2, 100.0)


def test_given_agents_in_several_states_then_the_answering_count_leaves_out_paused_ones() -> None:
    router = router_with(queue("q", groups=frozenset({"g"})))
    for name in ("a", "b", "c"):
        router.handle(login(name, groups=frozenset({"g"})), T0)
    router.handle(login("elsewhere", groups=frozenset({"h"})), T0)
    router.handle(AgentPause(agent_id="c", reason="break"), T0 + 1)
    router.handle(arrive("t1", "q"), T0 + 2)
    router.handle(OfferAccepted(task_id="t1", agent_id="a"), T0 + 3)
    status = router.queue_status("q", T0 + 4)
    assert status.agents == {AgentState.BUSY: 1, AgentState.AVAILABLE: 1, AgentState.PAUSED: 1}
    assert (status.agents_logged_in, status.agents_answering) == (3, 2)


def test_given_logins_and_logouts_then_the_peak_of_the_day_and_month_is_kept() -> None:
    router = Router(RouterConfig(timezone="Europe/Stockholm"))
    for i in range(7):
        router.handle(login(f"a{i}"), T0 + i)
    for i in range(4):
        router.handle(AgentLogout(agent_id=f"a{i}"), T0 + 10 + i)
    usage = router.seat_usage(T0 + 20)
    assert (usage.current, usage.day_peak, usage.month_peak) == (3, 7, 7)
    assert (usage.day, usage.month, usage.month_tier) == ("2026-05-28", "2026-05", "up_to_10")


def test_given_agents_logged_in_over_midnight_then_the_new_day_starts_at_that_count() -> None:
    router = Router(RouterConfig(timezone="Europe/Stockholm"))
    for i in range(3):
        router.handle(login(f"a{i}"), T0)
    router.handle(Tick(), T0 + 86_400)
    usage = router.seat_usage(T0 + 86_400)
    assert (usage.day, usage.day_peak) == ("2026-05-29", 3)


def test_given_peaks_at_the_tier_edges_then_the_tier_is_the_smallest_that_covers_them() -> None:
    assert [tier(n) for n in (0, 5, 6, 10, 11, 25, 26, 50, 51)] == [
        "up_to_5",
        "up_to_5",
        "up_to_10",
        "up_to_10",
        "up_to_25",
        "up_to_25",
        "up_to_50",
        "up_to_50",
        "over_50",
    ]
