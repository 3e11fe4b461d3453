"""Expected wait of one task, and snapshot -> restore."""

from __future__ import annotations

import json

from ccctl.acd.events import (
    Abandoned,
    AgentPause,
    AgentReady,
    CallEnded,
    Event,
    OfferAccepted,
    OfferFailed,
    Tick,
)
from ccctl.acd.router import Router

from .builders import T0, arrive, login, offers, queue, router_with


def _busy_queue(waiting: int, agents: int) -> Router:
    router = router_with(queue("q"))
    for i in range(agents):
        router.handle(login(f"a{i}"), T0)
        router.handle(arrive(f"served{i}", "q"), T0)
        router.handle(OfferAccepted(task_id=f"served{i}", agent_id=f"a{i}"), T0)
    for i in range(waiting):
        router.handle(arrive(f"w{i}", "q"), T0 + 1 + i)
    return router


def test_given_more_tasks_ahead_then_the_expected_wait_is_longer() -> None:
    router = _busy_queue(waiting=10, agents=2)
    first = router.expected_wait("w0", T0 + 20)
    last = router.expected_wait("w9", T0 + 20)
    assert 0 < first.seconds < last.seconds
    assert first.announce_minutes <= last.announce_minutes


def test_given_more_agents_staffed_then_the_expected_wait_is_shorter() -> None:
    few = _busy_queue(waiting=10, agents=2).expected_wait("w9", T0 + 20)
    many = _busy_queue(waiting=10, agents=8).expected_wait("w9", T0 + 20)
    assert many.seconds < few.seconds


def test_given_every_agent_paused_then_the_estimate_says_more_than() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(AgentPause(agent_id="anna", reason="lunch"), T0)
    router.handle(arrive("t1", "q"), T0)
    assert router.expected_wait("t1", T0 + 5).more_than


def test_given_recent_handle_times_then_the_estimate_follows_them() -> None:
    quick = _busy_queue(waiting=5, agents=2)
    slow = _busy_queue(waiting=5, agents=2)
    for router, talk in ((quick, 30), (slow, 600)):
        for i in range(2):
            router.handle(CallEnded(task_id=f"served{i}"), T0 + talk)  # a0, a1 take w0, w1
            router.handle(OfferAccepted(task_id=f"w{i}", agent_id=f"a{i}"), T0 + talk)
    now = T0 + 600
    assert quick.expected_wait("w4", now).seconds < slow.expected_wait("w4", now).seconds


def _scenario() -> Router:
    router = router_with(
        queue("tax", skills={"tax": 4}, widening=((30, 2), (90, 0)), escalation=((60, 3),)),
        queue("vat", wrap_up_s=20),
        login("anna", skills={"tax": 2}),
        login("bo", ready=False),
    )
    router.handle(arrive("t1", "tax", language="sv"), T0)
    router.handle(arrive("t2", "vat", preferred_agent="bo"), T0 + 1)
    router.handle(arrive("t3", "vat", priority=2), T0 + 2)
    router.handle(Tick(), T0 + 3)
    return router


def test_given_a_snapshot_through_json_then_the_restored_core_is_the_same() -> None:
    router = _scenario()
    data = json.loads(json.dumps(router.snapshot()))
    restored = Router.restore(data)
    assert restored.snapshot() == router.snapshot()
    assert restored.queue_view("vat", T0 + 10) == router.queue_view("vat", T0 + 10)


def test_given_a_restored_core_then_it_decides_exactly_as_the_original_would() -> None:
    router = _scenario()
    restored = Router.restore(json.loads(json.dumps(router.snapshot())))
    later_events: list[tuple[Event, float]] = [
        (OfferFailed(task_id="t3", agent_id="anna"), T0 + 10),
        (AgentReady(agent_id="bo"), T0 + 12),
        (Tick(), T0 + 31),
        (AgentReady(agent_id="anna"), T0 + 40),
    ]
    outcomes = []
    for later in (router, restored):
        outcomes.append([later.handle(event, now) for event, now in later_events])
    assert outcomes[0] == outcomes[1]
    assert [offers(d) for d in outcomes[0]] == [[], [("t3", "bo")], [], [("t1", "anna")]]
    assert router.snapshot() == restored.snapshot()


def test_given_callers_who_often_give_up_then_the_wait_ahead_is_discounted() -> None:
    patient = _busy_queue(waiting=10, agents=2)
    impatient = _busy_queue(waiting=10, agents=2)
    for i in range(20):
        impatient.handle(arrive(f"gone{i}", "q"), T0 + 20)
        impatient.handle(Abandoned(task_id=f"gone{i}"), T0 + 40)
    now = T0 + 40
    assert impatient.expected_wait("w9", now).seconds < patient.expected_wait("w9", now).seconds
