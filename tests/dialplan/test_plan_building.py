"""The PBX-neutral plan: who may answer which queue, in what order, from which number."""

from __future__ import annotations

import pytest

from ccctl.config.models import (
    Agent,
    ContactCenter,
    Destination,
    EntryPoint,
    Listener,
    Pbx,
    Queue,
    Trunk,
)
from ccctl.dialplan import PlanError, build_plan


def _queue(cc: ContactCenter, queue_id: str) -> list[tuple[str, int]]:
    plan = build_plan(cc)
    queue = next(q for q in plan.queues if q.id == queue_id)
    return [(m.agent, m.penalty) for m in queue.members]


def test_given_example_then_vaxel_rings_experts_first_and_skips_agents_without_the_skill(
    example_cc: ContactCenter,
) -> None:
    # elin vaxel 5, fredrik 4, david 2; agnes, bertil, cecilia lack the skill.
    assert _queue(example_cc, "vaxel") == [("elin", 0), ("fredrik", 1), ("david", 3)]


def test_given_queue_requiring_two_skills_then_only_agents_with_both_at_level_are_members(
    example_cc: ContactCenter,
) -> None:
    queue = Queue(id="social_en", skills={"socialtjanst": 1, "engelska": 4})
    cc = example_cc.model_copy(update={"queues": (*example_cc.queues, queue)})

    # agnes has engelska 3 (< 4); elin has both, her weakest (socialtjanst 1) sets the penalty.
    assert _queue(cc, "social_en") == [("elin", 4)]


def test_given_queue_without_required_skills_then_every_agent_is_member_at_equal_penalty(
    example_cc: ContactCenter,
) -> None:
    cc = example_cc.model_copy(
        update={"queues": (*example_cc.queues, Queue(id="alla"))}
    )

    assert _queue(cc, "alla") == [(a, 0) for a in
                                  ["agnes", "bertil", "cecilia", "david", "elin", "fredrik"]]


def test_given_entry_without_language_then_route_uses_site_default(
    example_cc: ContactCenter,
) -> None:
    entry = EntryPoint(id="bygg", numbers=("+46846500402",),
                       destination=Destination(queue="bygglov"))
    cc = example_cc.model_copy(update={"entry_points": (*example_cc.entry_points, entry)})

    route = next(r for r in build_plan(cc).inbound_routes if r.number == "+46846500402")

    assert (route.entry_point, route.language, route.queue) == ("bygg", "sv", "bygglov")


def test_given_example_then_every_entry_number_routes_to_its_entry_language_and_queue(
    example_cc: ContactCenter,
) -> None:
    routes = {(r.number, r.entry_point, r.language, r.queue)
              for r in build_plan(example_cc).inbound_routes}

    assert routes == {
        ("+46846500400", "huvudnummer", "sv", "vaxel"),
        ("046500400", "huvudnummer", "sv", "vaxel"),
        ("+46846500401", "english", "en", "vaxel"),
        ("046500401", "english", "en", "vaxel"),
    }


def test_given_webrtc_and_sip_agents_then_endpoints_carry_device_codecs_and_contact(
    example_cc: ContactCenter,
) -> None:
    agents = {a.name: a for a in build_plan(example_cc).agents}

    assert agents["cecilia"].webrtc and agents["cecilia"].codecs[0] == "opus"
    assert not agents["agnes"].webrtc and agents["agnes"].codecs == ("alaw", "ulaw")
    assert agents["bertil"].contact == "sip:bertil@127.0.0.1:5071"
    assert agents["agnes"].auth_username == "agnes"


def test_given_trunk_without_auth_then_it_has_no_auth_username(
    example_cc: ContactCenter,
) -> None:
    trunk = Trunk(id="stadsnat", match=("198.51.100.0/24",), auth=False)
    cc = example_cc.model_copy(update={"trunks": (*example_cc.trunks, trunk)})

    planned = {t.name: t for t in build_plan(cc).trunks}

    assert planned["stadsnat"].auth_username is None
    assert planned["operator"].auth_username == "operator"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("agent_trunk_clash", "operator"),
        ("extension_twice", "1001"),
        ("number_is_extension", "1002"),
        ("unknown_queue", "nosuchqueue"),
        ("bad_trunk_host", "host"),
        ("bad_codec", "codecs"),
        ("bad_bind", "pbx.ami.bind"),
    ],
)
def test_given_conflicting_names_then_plan_error_names_the_culprit(
    example_cc: ContactCenter, change: str, message: str
) -> None:
    agents = example_cc.agents
    entries = example_cc.entry_points
    trunks = example_cc.trunks
    if change == "agent_trunk_clash":
        agents = (*agents, Agent(id="operator", name="Olle Påhittad", extension="1099"))
    elif change == "extension_twice":
        agents = (*agents, Agent(id="olle", name="Olle Påhittad", extension="1001"))
    elif change == "number_is_extension":
        entries = (*entries, EntryPoint(id="x", numbers=("1002",),
                                        destination=Destination(queue="vaxel")))
    elif change == "unknown_queue":
        entries = (*entries, EntryPoint(id="x", numbers=("+46846500409",),
                                        destination=Destination(queue="nosuchqueue")))
    elif change == "bad_trunk_host":
        trunks = (Trunk(id="operator", host="sbc.example\nallow=all", auth=True),)
    elif change == "bad_codec":
        trunks = (Trunk(id="operator", auth=True, codecs=("alaw\ncontext=x",)),)
    pbx = Pbx(ami=Listener(bind="localhost; evil", port=5038)) if change == "bad_bind" else Pbx()
    cc = example_cc.model_copy(
        update={"agents": agents, "entry_points": entries, "trunks": trunks, "pbx": pbx}
    )

    with pytest.raises(PlanError, match=message):
        build_plan(cc)
