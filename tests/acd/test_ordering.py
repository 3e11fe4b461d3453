"""One waiting-position model: priority, then original entry time, kept across moves."""

from __future__ import annotations

import pytest

from ccctl.acd.errors import InvalidTransitionError, UnknownQueueError
from ccctl.acd.events import (
    AgentReady,
    ChangeKind,
    MoveTask,
    OfferAccepted,
    Prioritise,
    Requeue,
    Tick,
)
from ccctl.acd.model import TaskKind
from ccctl.acd.views import QueueEntry

from .builders import T0, arrive, login, offers, queue, router_with


def _ids(view: list[QueueEntry]) -> list[str]:
    return [e.task_id for e in view]


def test_given_tasks_of_mixed_priority_then_the_queue_lists_priority_first_then_entry() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("low-early", "q"), T0)
    router.handle(arrive("high-late", "q", priority=5), T0 + 10)
    router.handle(arrive("low-late", "q"), T0 + 20)
    view = router.queue_view("q", T0 + 30)
    assert _ids(view) == ["high-late", "low-early", "low-late"]
    assert [e.position for e in view] == [1, 2, 3]
    assert [e.waited_s for e in view] == [20.0, 30.0, 10.0]


def test_given_a_waiting_queue_when_an_agent_becomes_ready_then_it_gets_the_head() -> None:
    router = router_with(queue("q"), login("anna", ready=False))
    router.handle(arrive("first", "q"), T0)
    router.handle(arrive("second", "q"), T0 + 1)
    router.handle(arrive("urgent", "q", priority=1), T0 + 2)
    assert offers(router.handle(AgentReady(agent_id="anna"), T0 + 3)) == [("urgent", "anna")]


def test_given_a_task_moved_to_another_queue_then_it_keeps_its_waited_time_and_place() -> None:
    router = router_with(queue("a"), queue("b"))
    router.handle(arrive("moved", "a"), T0)
    router.handle(arrive("local", "b"), T0 + 60)
    router.handle(MoveTask(task_id="moved", queue_id="b"), T0 + 120)
    view = router.queue_view("b", T0 + 120)
    assert _ids(view) == ["moved", "local"]
    assert view[0].waited_s == 120.0
    assert router.queue_view("a", T0 + 120) == []


def test_given_a_waiting_call_turned_into_a_callback_and_back_then_its_place_is_kept() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("c1", "q"), T0)
    router.handle(arrive("c2", "q"), T0 + 1)
    router.handle(ChangeKind(task_id="c1", kind=TaskKind.CALLBACK), T0 + 5)
    view = router.queue_view("q", T0 + 5)
    assert [(e.task_id, e.kind) for e in view] == [("c1", "callback"), ("c2", "voice")]
    router.handle(ChangeKind(task_id="c1", kind=TaskKind.VOICE), T0 + 6)
    assert _ids(router.queue_view("q", T0 + 6)) == ["c1", "c2"]


def test_given_a_task_transferred_back_into_the_queue_then_it_is_ahead_of_later_arrivals() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 5)
    router.handle(arrive("t2", "q"), T0 + 10)
    router.handle(Requeue(task_id="t1"), T0 + 100)
    view = router.queue_view("q", T0 + 100)
    assert _ids(view) == ["t1", "t2"]
    assert view[0].waited_s == 100.0


def test_given_a_supervisor_prioritises_a_task_then_it_moves_to_the_front() -> None:
    router = router_with(queue("q"))
    for i in range(3):
        router.handle(arrive(f"t{i}", "q"), T0 + i)
    router.handle(Prioritise(task_id="t2", priority=9), T0 + 5)
    assert _ids(router.queue_view("q", T0 + 5)) == ["t2", "t0", "t1"]
    assert router.position("t0") == 2


def test_given_an_escalation_rule_then_a_long_waiting_task_overtakes_newer_priority_ones() -> None:
    router = router_with(queue("q", escalation=((120, 2),)))
    router.handle(arrive("old", "q"), T0)
    router.handle(arrive("vip", "q", priority=1), T0 + 60)
    assert _ids(router.queue_view("q", T0 + 60)) == ["vip", "old"]
    router.handle(Tick(), T0 + 120)
    assert _ids(router.queue_view("q", T0 + 120)) == ["old", "vip"]


def test_given_an_unknown_queue_when_moving_then_the_error_names_it_and_nothing_changes() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("t1", "q"), T0)
    with pytest.raises(UnknownQueueError, match="'nope' is not configured"):
        router.handle(MoveTask(task_id="t1", queue_id="nope"), T0 + 1)
    assert _ids(router.queue_view("q", T0 + 1)) == ["t1"]


def test_given_a_waiting_task_when_requeued_then_the_error_says_it_is_not_in_service() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("t1", "q"), T0)
    with pytest.raises(InvalidTransitionError, match="not in service"):
        router.handle(Requeue(task_id="t1"), T0 + 1)
