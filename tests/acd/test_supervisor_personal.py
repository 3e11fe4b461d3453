"""Supervisor pick, personal queues and their ranking, preferred (sticky) agents."""

from __future__ import annotations

import pytest

from ccctl.acd.errors import AgentNotAvailableError
from ccctl.acd.events import (
    AgentLogout,
    AgentReady,
    CallEnded,
    OfferAccepted,
    ParkPersonal,
    PickTask,
    Tick,
)
from ccctl.acd.model import PersonalRank, RouterConfig, TaskState
from ccctl.acd.router import Router

from .builders import T0, arrive, login, offers, queue, router_with


def test_given_an_available_agent_when_a_supervisor_picks_a_later_task_then_it_is_offered() -> None:
    router = router_with(queue("q", skills={"q": 5}), login("junior", skills={"q": 1}))
    router.handle(arrive("first", "q"), T0)
    router.handle(arrive("second", "q"), T0 + 1)
    decisions = router.handle(PickTask(task_id="second", agent_id="junior"), T0 + 2)
    assert offers(decisions) == [("second", "junior")]


def test_given_a_waiting_task_parked_for_a_busy_agent_then_it_waits_for_that_agent() -> None:
    router = router_with(queue("q"), login("anna"), login("bo", ready=False))
    router.handle(arrive("current", "q"), T0)
    router.handle(OfferAccepted(task_id="current", agent_id="anna"), T0 + 1)
    router.handle(arrive("for-anna", "q"), T0 + 2)
    router.handle(ParkPersonal(task_id="for-anna", agent_id="anna"), T0 + 3)
    assert offers(router.handle(AgentReady(agent_id="bo"), T0 + 4)) == []
    assert offers(router.handle(CallEnded(task_id="current"), T0 + 5)) == [("for-anna", "anna")]


def test_given_a_busy_agent_when_a_supervisor_picks_for_it_then_the_error_says_so() -> None:
    router = router_with(queue("q"), login("anna"))
    router.handle(arrive("t1", "q"), T0)
    router.handle(arrive("t2", "q"), T0 + 1)
    with pytest.raises(AgentNotAvailableError, match="'anna' is reserved, not available"):
        router.handle(PickTask(task_id="t2", agent_id="anna"), T0 + 2)


def _busy_agent_with_parked_and_service_work(rank: PersonalRank) -> list[tuple[str, str]]:
    router = router_with(queue("q"), login("anna", personal_rank=rank))
    router.handle(arrive("parked", "q", entered_at=T0 - 100), T0)
    router.handle(OfferAccepted(task_id="parked", agent_id="anna"), T0 + 1)
    router.handle(arrive("service", "q", entered_at=T0 - 500), T0 + 2)
    return offers(router.handle(ParkPersonal(task_id="parked", agent_id="anna"), T0 + 3))


def test_given_personal_first_then_the_parked_task_comes_before_the_service_queue() -> None:
    assert _busy_agent_with_parked_and_service_work(PersonalRank.PERSONAL_FIRST) == [
        ("parked", "anna")
    ]


def test_given_service_first_then_the_service_queue_comes_before_the_parked_task() -> None:
    assert _busy_agent_with_parked_and_service_work(PersonalRank.SERVICE_FIRST) == [
        ("service", "anna")
    ]


def test_given_by_entry_time_then_the_task_that_entered_first_comes_first() -> None:
    assert _busy_agent_with_parked_and_service_work(PersonalRank.BY_ENTRY_TIME) == [
        ("service", "anna")
    ]


def test_given_a_parked_task_then_only_its_agent_sees_it_and_logout_returns_it() -> None:
    router = router_with(queue("q", wrap_up_s=60), login("anna"), login("bo", ready=False))
    router.handle(arrive("t1", "q"), T0)
    router.handle(OfferAccepted(task_id="t1", agent_id="anna"), T0 + 1)
    router.handle(ParkPersonal(task_id="t1", agent_id="anna"), T0 + 2)  # anna: wrap-up
    assert offers(router.handle(AgentReady(agent_id="bo"), T0 + 3)) == []
    assert [e.task_id for e in router.personal_view("anna", T0 + 3)] == ["t1"]
    decisions = router.handle(AgentLogout(agent_id="anna"), T0 + 4)
    assert offers(decisions) == [("t1", "bo")]


def test_given_a_preferred_busy_agent_then_others_wait_until_the_sticky_timeout() -> None:
    router = router_with(queue("q", sticky_timeout_s=20), login("anna"), login("bo"))
    router.handle(arrive("first", "q"), T0)  # anna (idle longest) becomes busy
    router.handle(OfferAccepted(task_id="first", agent_id="anna"), T0 + 1)
    assert offers(router.handle(arrive("t1", "q", preferred_agent="anna"), T0 + 2)) == []
    assert router.task("t1").state is TaskState.STICKY
    assert offers(router.handle(Tick(), T0 + 22)) == [("t1", "bo")]


def test_given_a_preferred_agent_who_frees_up_in_time_then_it_gets_the_task() -> None:
    router = router_with(queue("q", sticky_timeout_s=20), login("anna"))
    router.handle(arrive("first", "q"), T0)
    router.handle(OfferAccepted(task_id="first", agent_id="anna"), T0 + 1)
    router.handle(arrive("t1", "q", preferred_agent="anna"), T0 + 2)
    assert offers(router.handle(CallEnded(task_id="first"), T0 + 10)) == [("t1", "anna")]


def test_given_no_own_setting_then_the_group_default_decides_the_personal_rank() -> None:
    router = Router(RouterConfig(group_personal_rank={"vip-team": PersonalRank.PERSONAL_FIRST}))
    router.handle(queue("q"), T0)
    router.handle(login("anna", groups=frozenset({"vip-team"})), T0)
    router.handle(arrive("parked", "q", entered_at=T0 - 100), T0)
    router.handle(OfferAccepted(task_id="parked", agent_id="anna"), T0 + 1)
    router.handle(arrive("service", "q", entered_at=T0 - 500), T0 + 2)
    decisions = router.handle(ParkPersonal(task_id="parked", agent_id="anna"), T0 + 3)
    assert offers(decisions) == [("parked", "anna")]
