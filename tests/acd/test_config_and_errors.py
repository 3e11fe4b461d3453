"""Queue reconfiguration, domain errors people can act on, identification kept private."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from ccctl.acd.errors import DuplicateTaskError, UnknownAgentError, UnknownTaskError
from ccctl.acd.events import AgentReady, CallEnded, Tick
from ccctl.acd.model import QueueConfig, WideningStep

from .builders import T0, arrive, login, offers, queue, router_with


def test_given_a_queue_relaxed_while_tasks_wait_then_an_idle_agent_gets_them_in_order() -> None:
    router = router_with(queue("q", skills={"q": 5}), login("anna", skills={"q": 2}))
    router.handle(arrive("first", "q"), T0)
    router.handle(arrive("second", "q"), T0 + 1)
    decisions = router.handle(queue("q", skills={"q": 2}), T0 + 2)
    assert offers(decisions) == [("first", "anna")]
    assert [e.task_id for e in router.queue_view("q", T0 + 2)] == ["first", "second"]


def test_given_a_new_queue_then_logged_in_agents_of_its_group_serve_it() -> None:
    router = router_with(login("anna", groups=frozenset({"g"})))
    router.handle(queue("new", groups=frozenset({"g"})), T0)
    assert offers(router.handle(arrive("t1", "new"), T0 + 1)) == [("t1", "anna")]


def test_given_widening_steps_out_of_order_then_the_error_shows_how_to_write_them() -> None:
    with pytest.raises(ValidationError, match="reorder them"):
        QueueConfig(
            id="q",
            widening=(WideningStep(after_s=90, max_level=0), WideningStep(after_s=30, max_level=2)),
        )


def test_given_an_unknown_task_then_the_error_says_what_may_have_happened() -> None:
    router = router_with(queue("q"))
    with pytest.raises(UnknownTaskError, match="'ghost' is not in the routing core"):
        router.handle(CallEnded(task_id="ghost"), T0)


def test_given_an_agent_not_logged_in_then_the_error_says_to_log_in() -> None:
    router = router_with(queue("q"))
    with pytest.raises(UnknownAgentError, match="log the agent in"):
        router.handle(AgentReady(agent_id="nobody"), T0)


def test_given_the_same_task_id_twice_then_the_second_is_refused() -> None:
    router = router_with(queue("q"))
    router.handle(arrive("t1", "q"), T0)
    with pytest.raises(DuplicateTaskError, match="unique id"):
        router.handle(arrive("t1", "q"), T0 + 1)
    assert len(router.queue_view("q", T0 + 1)) == 1


def test_given_debug_logging_then_the_personnummer_never_appears(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = router_with(queue("q"), login("anna"))
    with caplog.at_level(logging.DEBUG, logger="ccctl.acd"):
        router.handle(arrive("t1", "q"), T0)
    assert "t1" in caplog.text
    assert "19121212-1212" not in caplog.text
    assert "19121212-1212" not in repr(router.task("t1"))


def test_given_a_timer_fires_before_a_refused_event_then_its_offer_comes_with_the_next_call() -> (
    None
):
    router = router_with(
        queue("tax", skills={"tax": 4}, widening=((30, 2),)), login("novice", skills={"tax": 2})
    )
    router.handle(arrive("t1", "tax"), T0)
    with pytest.raises(UnknownTaskError):
        router.handle(CallEnded(task_id="ghost"), T0 + 30)  # the widening step fires first
    assert offers(router.handle(Tick(), T0 + 31)) == [("t1", "novice")]
