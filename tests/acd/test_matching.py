"""Skills-based matching: queue skills, the task's own skills, language, groups, widening."""

from __future__ import annotations

from ccctl.acd.events import AgentPause, AgentReady, Tick

from .builders import T0, arrive, login, offers, queue, router_with


def test_given_a_skilled_available_agent_when_a_task_arrives_then_it_is_offered_at_once() -> None:
    router = router_with(queue("tax", skills={"tax": 3}), login("anna", skills={"tax": 3}))
    decisions = router.handle(arrive("t1", "tax"), T0)
    assert offers(decisions) == [("t1", "anna")]


def test_given_an_agent_below_the_level_when_a_task_arrives_then_it_waits() -> None:
    router = router_with(queue("tax", skills={"tax": 4}), login("anna", skills={"tax": 3}))
    assert offers(router.handle(arrive("t1", "tax"), T0)) == []
    assert [e.task_id for e in router.queue_view("tax", T0)] == ["t1"]


def test_given_widening_rules_then_lower_levels_qualify_as_the_task_waits() -> None:
    router = router_with(
        queue("tax", skills={"tax": 4}, widening=((30, 2), (90, 0))),
        login("novice", skills={"tax": 2}),
    )
    router.handle(arrive("t1", "tax"), T0)
    assert router.next_wakeup() == T0 + 30
    assert offers(router.handle(Tick(), T0 + 29.9)) == []
    assert offers(router.handle(Tick(), T0 + 30)) == [("t1", "novice")]


def test_given_widening_to_level_zero_then_anyone_in_the_group_qualifies_but_no_outsider() -> None:
    router = router_with(
        queue("tax", skills={"tax": 4}, groups=frozenset({"skatt"}), widening=((90, 0),)),
        login("member", groups=frozenset({"skatt"})),
        login("outsider", skills={"tax": 1}, groups=frozenset({"other"})),
    )
    router.handle(arrive("t1", "tax"), T0)
    assert offers(router.handle(Tick(), T0 + 89)) == []
    assert offers(router.handle(Tick(), T0 + 90)) == [("t1", "member")]


def test_given_a_task_with_an_extra_skill_then_only_agents_with_that_skill_get_it() -> None:
    router = router_with(
        queue("support"),
        login("plain"),
        login("pension_expert", skills={"pension": 2}),
    )
    decisions = router.handle(arrive("t1", "support", skills={"pension": 2}), T0)
    assert offers(decisions) == [("t1", "pension_expert")]


def test_given_a_task_in_finnish_then_only_finnish_speaking_agents_get_it() -> None:
    router = router_with(
        queue("support"),
        login("svensk", languages=frozenset({"sv"})),
        login("suomi", languages=frozenset({"sv", "fi"})),
    )
    assert offers(router.handle(arrive("t1", "support", language="fi"), T0)) == [("t1", "suomi")]


def test_given_two_idle_agents_then_the_one_idle_longest_gets_the_task() -> None:
    router = router_with(queue("support"))
    router.handle(login("early"), T0)
    router.handle(login("late"), T0 + 5)
    assert offers(router.handle(arrive("t1", "support"), T0 + 10)) == [("t1", "early")]


def test_given_a_free_agent_then_it_gets_the_best_task_it_can_take_across_its_queues() -> None:
    router = router_with(
        queue("tax", skills={"tax": 1}),
        queue("vat", skills={"vat": 1}),
        queue("customs", skills={"customs": 1}),
        login("anna", skills={"tax": 1, "vat": 1}, ready=False),
    )
    router.handle(arrive("vat-old", "vat"), T0)
    router.handle(arrive("customs-older", "customs", entered_at=T0 - 60), T0)
    router.handle(arrive("tax-new", "tax"), T0 + 1)
    assert offers(router.handle(AgentReady(agent_id="anna"), T0 + 2)) == [("vat-old", "anna")]


def test_given_a_task_that_arrived_this_instant_then_an_agent_ready_now_gets_it() -> None:
    router = router_with(queue("q"), login("anna", ready=False))
    router.handle(arrive("t1", "q"), T0)
    assert offers(router.handle(AgentReady(agent_id="anna"), T0)) == [("t1", "anna")]


def test_given_an_agent_ready_exactly_when_widening_reaches_it_then_it_gets_the_task() -> None:
    router = router_with(
        queue("tax", skills={"tax": 4}, widening=((30, 2),)), login("novice", skills={"tax": 2})
    )
    router.handle(AgentPause(agent_id="novice", reason="coffee"), T0)
    router.handle(arrive("t1", "tax"), T0)
    assert offers(router.handle(AgentReady(agent_id="novice"), T0 + 29)) == []
    router.handle(AgentPause(agent_id="novice", reason="coffee"), T0 + 29)
    assert offers(router.handle(AgentReady(agent_id="novice"), T0 + 30)) == [("t1", "novice")]
