"""Any valid contact center renders, and everything in it lands where it should."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccctl.config.models import (
    Agent,
    ContactCenter,
    Destination,
    Device,
    EntryPoint,
    Queue,
    Site,
    Skill,
    Trunk,
)
from ccctl.dialplan import Layout, Secrets, render_config

Setting = Callable[[str, str, str], list[str]]
SKILLS = ("vaxel", "bygglov", "socialtjanst", "engelska", "ekonomi")
LANGUAGES = ("sv", "en", "fi", "ar")
# PTS fiction ranges: +46846500400..499 and +46701740605..699.
NUMBERS = [f"+468465004{n:02d}" for n in range(100)] + [f"+467017406{n:02d}" for n in range(5, 100)]

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=30).filter(lambda s: s.strip() != "")
skill_levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=3)


@st.composite
def contact_centers(draw: st.DrawFn) -> ContactCenter:
    languages = tuple(draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3,
                                    unique=True)))
    agent_ids = draw(st.lists(ids, max_size=8, unique=True))
    extensions = draw(st.lists(st.from_regex(r"[1-9][0-9]{3}", fullmatch=True),
                               min_size=len(agent_ids), max_size=len(agent_ids), unique=True))
    agents = tuple(
        Agent(id=agent_id, name=draw(names), extension=extension,
              device=draw(st.sampled_from(Device)), skills=draw(skill_levels),
              contact=draw(st.none() | st.just(f"sip:{agent_id}@127.0.0.1:5070")))
        for agent_id, extension in zip(agent_ids, extensions, strict=True)
    )
    queue_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    queues = tuple(Queue(id=q, name={languages[0]: draw(names)}, skills=draw(skill_levels),
                         ring_timeout_seconds=draw(st.integers(5, 300)),
                         wrap_up_seconds=draw(st.integers(0, 600)))
                   for q in queue_ids)
    entry_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    numbers = draw(st.lists(st.sampled_from(NUMBERS), min_size=len(entry_ids),
                            max_size=len(entry_ids) * 2, unique=True))
    entries = tuple(
        EntryPoint(id=e, numbers=tuple(numbers[i::len(entry_ids)]),
                   language=draw(st.none() | st.sampled_from(languages)),
                   destination=Destination(queue=draw(st.sampled_from(queue_ids))))
        for i, e in enumerate(entry_ids)
    )
    trunk_ids = draw(st.lists(ids.filter(lambda t: t not in agent_ids), max_size=2, unique=True))
    trunks = tuple(Trunk(id=t, auth=True, match=draw(st.sampled_from(((), ("192.0.2.0/24",)))))
                   for t in trunk_ids)
    return ContactCenter(
        site=Site(name=draw(names), languages=languages, default_language=languages[0]),
        skills=tuple(Skill(id=s) for s in SKILLS),
        agents=agents, queues=queues, entry_points=entries, trunks=trunks,
    )


def _qualifies(agent: Agent, queue: Queue) -> bool:
    return all(agent.skills.get(skill, 0) >= level for skill, level in queue.skills.items())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(cc=contact_centers())
def test_given_any_valid_config_then_agents_queues_and_numbers_appear_where_they_should(
    cc: ContactCenter, secrets_for: Callable[[ContactCenter], Secrets], conf_setting: Setting
) -> None:
    secrets = secrets_for(cc)

    files = render_config(cc, secrets)

    pjsip, queues, dialplan = files["pjsip.conf"], files["queues.conf"], files["extensions.conf"]
    for agent in cc.agents:
        assert conf_setting(pjsip, agent.id, "password") == [secrets.agent(agent.id)]
        assert conf_setting(pjsip, agent.id, "context") == ["ccctl-agents"]
        assert f"{agent.extension},1,NoOp(Call to {agent.id})" in \
            conf_setting(dialplan, "ccctl-agents", "exten")
    for queue in cc.queues:
        members = conf_setting(queues, queue.id, "member")
        expected = {f"PJSIP/{a.id}" for a in cc.agents if _qualifies(a, queue)}
        assert {m.split(",")[0] for m in members} == expected
        penalties = [int(m.split(",")[1]) for m in members]
        assert penalties == sorted(penalties)
        assert conf_setting(queues, queue.id, "timeout") == [str(queue.ring_timeout_seconds)]
        assert any(line.startswith(f"n,Stasis(ccctl,queue,{queue.id},")
                   for line in conf_setting(dialplan, f"ccctl-queue-{queue.id}", "same"))
    for entry in cc.entry_points:
        language = entry.language or cc.site.default_language
        assert f"n,Set(CHANNEL(language)={language})" in \
            conf_setting(dialplan, f"ccctl-entry-{entry.id}", "same")
        for number in entry.numbers:
            assert f"{number},1,Goto(ccctl-entry-{entry.id},s,1)" in \
                conf_setting(dialplan, "ccctl-inbound", "exten")
    assert set(render_config(cc, secrets, layout=Layout.INCLUDE)) >= {"ccctl-pjsip.conf"}
