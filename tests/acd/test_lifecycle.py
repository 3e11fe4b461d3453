"""Agent lifecycle: offer, accept, ring-no-answer, wrap-up across queues, pause reasons."""

from __future__ import annotations

import pytest

from ccctl.acd.decisions import CancelOffer, Connect, PauseAgent, StartWrapUp
from ccctl.acd.errors import AgentNotAvailableError, InvalidTransitionError
from ccctl.acd.events import (
    Abandoned,
    AgentLogout,
    AgentPause,
    AgentReady,
    CallEnded,
    ConsultEnded,
    ConsultStarted,
    Defer,
    OfferAccepted,
    OfferFailed,
    TaskArrived,
    Tick,
    WrapUpDone,
)
from ccctl.acd.model import AgentState, TaskState
from ccctl.acd.router import Router

from .builders import T0, arrive, login, offers, queue, router_with


def test_given_an_offer_when_the_agent_answers_then_the_task_is_connected_and_dequeued() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    assert router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 4) == [
        Connect("t1", "anna")
    ]
    assert router.queue_view("q", T0 + 4) == []
    assert router.agent("anna").state is AgentState.BUSY


def test_given_ring_no_answer_then_the_agent_is_paused_and_the_task_goes_to_the_next_agent() -> (
    None
):
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    router.handle(arrive("t1", "q"), T0)
    router.handle(arrive("t2", "q"), T0 + 1)
    router.handle(AgentReady(agent_id="bo"), T0 + 2)  # bo gets t2
    router.handle(OfferFailed(task_id="t2", agent_id="bo"), T0 + 17)  # bo does not answer
    assert router.agent("bo").pause_reason == "rona"
    router.handle(OfferFailed(task_id="t1", agent_id="anna", reason="rona"), T0 + 20)
    assert [e.task_id for e in router.queue_view("q", T0 + 20)] == ["t1", "t2"]
    decisions = router.handle(AgentReady(agent_id="anna"), T0 + 30)
    assert offers(decisions) == [("t1", "anna")]  # t1 kept its place ahead of t2


def test_given_rona_then_the_daemon_is_told_the_agent_was_paused() -> None:
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    router.handle(arrive("t1", "q"), T0)
    router.handle(AgentReady(agent_id="bo"), T0 + 1)
    decisions = router.handle(OfferFailed(task_id="t1", agent_id="anna"), T0 + 15)
    assert decisions == [PauseAgent("anna", "rona")] + [d for d in decisions[1:]]
    assert offers(decisions) == [("t1", "bo")]


def test_given_wrap_up_in_one_queue_then_no_queue_offers_the_agent_anything_until_done() -> None:
    router = router_with(
        queue("short", wrap_up_s=30), queue("other"), login("anna"), login("bo", ready=False)
    )
    router.handle(arrive("t1", "short"), T0)
    router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 2)
    assert router.handle(CallEnded(task_id="t1"), T0 + 60) == [StartWrapUp("anna", "t1", 30)]
    assert offers(router.handle(arrive("t2", "other"), T0 + 61)) == []
    assert offers(router.handle(WrapUpDone(agent_id="anna"), T0 + 90)) == [("t2", "anna")]


def test_given_a_pause_request_during_a_call_then_the_agent_pauses_when_the_call_ends() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 2)
    router.handle(AgentPause(agent_id="anna", reason="lunch"), T0 + 10)
    router.handle(arrive("t2", "q"), T0 + 11)
    assert offers(router.handle(CallEnded(task_id="t1"), T0 + 20)) == []
    agent = router.agent("anna")
    assert (agent.state, agent.pause_reason) == (AgentState.PAUSED, "lunch")


def test_given_a_paused_agent_then_it_gets_nothing_until_ready() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(AgentPause(agent_id="anna", reason="meeting"), T0)
    assert offers(router.handle(arrive("t1", "q"), T0 + 1)) == []
    assert offers(router.handle(AgentReady(agent_id="anna"), T0 + 2)) == [("t1", "anna")]


def test_given_a_hang_up_while_ringing_then_the_offer_is_cancelled_and_the_agent_moves_on() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(arrive("t2", "q"), T0 + 1)
    decisions = router.handle(Abandoned(task_id="t1"), T0 + 3)
    assert decisions == [CancelOffer("t1", "anna", "abandoned"), *decisions[1:]]
    assert offers(decisions) == [("t2", "anna")]


def test_given_an_agent_in_a_call_when_logging_out_then_the_error_says_how_to_proceed() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 1)
    with pytest.raises(InvalidTransitionError, match="end it \\(CallEnded\\)"):
        router.handle(AgentLogout(agent_id="anna"), T0 + 2)


def test_given_a_late_answer_after_the_offer_moved_on_then_it_is_refused() -> None:
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    router.handle(arrive("t1", "q"), T0)
    router.handle(OfferFailed(task_id="t1", agent_id="anna"), T0 + 15)
    with pytest.raises(InvalidTransitionError, match="ignore this late report"):
        router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 16)
    assert [e.task_id for e in router.queue_view("q", T0 + 16)] == ["t1"]


# -- attended transfer to a colleague ------------------------------------------------------

def _serving(router: Router, task: str, agent: str) -> None:
    router.handle(arrive(task, "q"), T0)
    router.handle(OfferAccepted(task_id=task, agent_id=agent), T0 + 2)


def test_given_a_consultation_then_the_colleague_gets_no_other_call_meanwhile() -> None:
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    _serving(router, "t1", "anna")
    router.handle(AgentReady(agent_id="bo"), T0 + 3)
    router.handle(ConsultStarted(task_id="t1", agent_id="bo"), T0 + 10)
    assert offers(router.handle(arrive("t2", "q"), T0 + 11)) == []
    assert router.agent("bo").state is AgentState.CONSULTED
    # Cancelled: bo is free again at once (no wrap-up for a consultation) and takes t2.
    decisions = router.handle(ConsultEnded(task_id="t1", agent_id="bo", transferred=False),
                              T0 + 20)
    assert offers(decisions) == [("t2", "bo")]
    assert router.agent("anna").state is AgentState.BUSY  # anna still has her caller


def test_given_a_completed_consultation_then_the_colleague_serves_the_call_and_the_first_wraps_up(
) -> None:
    router = router_with(queue("q", wrap_up_s=30), login("anna"), login("bo"))
    _serving(router, "t1", "anna")
    router.handle(ConsultStarted(task_id="t1", agent_id="bo"), T0 + 10)
    decisions = router.handle(ConsultEnded(task_id="t1", agent_id="bo", transferred=True),
                              T0 + 20)
    assert decisions == [StartWrapUp("anna", "t1", 30)]
    assert router.task("t1").agent_id == "bo"
    assert (router.agent("bo").state, router.agent("bo").task_id) == (AgentState.BUSY, "t1")
    assert router.handle(CallEnded(task_id="t1"), T0 + 60) == [StartWrapUp("bo", "t1", 30)]


def test_given_a_colleague_who_is_not_free_then_the_consultation_is_refused() -> None:
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    _serving(router, "t1", "anna")
    with pytest.raises(AgentNotAvailableError):
        router.handle(ConsultStarted(task_id="t1", agent_id="bo"), T0 + 10)
    with pytest.raises(InvalidTransitionError):
        router.handle(ConsultStarted(task_id="t1", agent_id="anna"), T0 + 10)


def test_given_the_caller_hangs_up_during_a_consultation_then_its_end_frees_the_colleague(
) -> None:
    router = router_with(queue("q"), login("anna"), login("bo"))
    _serving(router, "t1", "anna")
    router.handle(ConsultStarted(task_id="t1", agent_id="bo"), T0 + 10)
    with pytest.raises(InvalidTransitionError):
        router.handle(AgentLogout(agent_id="bo"), T0 + 11)  # mid-consultation
    router.handle(AgentPause(agent_id="bo", reason="lunch"), T0 + 12)  # applied at the end
    router.handle(CallEnded(task_id="t1"), T0 + 15)
    router.handle(ConsultEnded(task_id="t1", agent_id="bo", transferred=True), T0 + 16)
    agent = router.agent("bo")
    assert (agent.state, agent.pause_reason) == (AgentState.PAUSED, "lunch")


# -- callbacks: scheduled tasks keep their place --------------------------------------------

def test_given_a_callback_retried_later_then_at_its_due_time_it_goes_before_later_callers(
) -> None:
    router = router_with(queue("q"), login("anna"))
    _serving(router, "cb", "anna")  # the first attempt: the citizen does not answer
    assert router.handle(Defer(task_id="cb", until=T0 + 300), T0 + 40) == []
    assert router.task("cb").state is TaskState.SCHEDULED
    router.handle(AgentPause(agent_id="anna", reason="meeting"), T0 + 41)
    router.handle(arrive("later", "q"), T0 + 100)
    assert [e.task_id for e in router.queue_view("q", T0 + 200)] == ["later"]
    router.handle(Tick(), T0 + 300)  # due: it joins with its original entry time
    assert [e.task_id for e in router.queue_view("q", T0 + 301)] == ["cb", "later"]
    assert offers(router.handle(AgentReady(agent_id="anna"), T0 + 302)) == [("cb", "anna")]


def test_given_a_callback_booked_for_opening_time_then_nobody_is_offered_it_before(
) -> None:
    router = router_with(queue("q"), login("anna"))
    spec = arrive("cb", "q").task.model_copy(update={"not_before": T0 + 3600})
    assert offers(router.handle(TaskArrived(task=spec), T0)) == []
    assert offers(router.handle(Tick(), T0 + 3599)) == []
    assert offers(router.handle(Tick(), T0 + 3600)) == [("cb", "anna")]


def test_given_a_waiting_callback_deferred_while_offered_then_the_offer_is_taken_back() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("cb", "q"), T0)  # offered to anna at once
    decisions = router.handle(Defer(task_id="cb", until=T0 + 60), T0 + 5)
    assert CancelOffer("cb", "anna", "deferred") in decisions
    assert router.agent("anna").state is AgentState.AVAILABLE
