"""The example's menus compiled into dialplan: one readable context per menu."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ccctl.config import ContactCenter, load_config
from ccctl.dialplan import build_plan
from ccctl.dialplan.render import render_config
from ccctl.dialplan.secrets import Secrets
from ccctl.menus.models import IdentifyAction, QueueAction, WaitAction
from ccctl.menus.plan import asterisk_times
from tests.dialplan.conftest import fixed_secrets_for, setting

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example" / "ccctl.yaml"


@pytest.fixture(scope="module")
def example() -> ContactCenter:
    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def extensions(example: ContactCenter) -> str:
    secrets: Secrets = fixed_secrets_for(example)
    return render_config(example, secrets)["extensions.conf"]


def _option(extensions: str, menu: str, key: str) -> list[str]:
    """The dialplan lines of ``key`` in menu ``menu`` (its first line and every 'same')."""
    lines = extensions.split("\n")
    start = lines.index(f"[ccctl-menu-{menu}-options]")
    found: list[str] = []
    for line in lines[start + 1:]:
        if line.startswith("[") or (line.startswith("exten => ") and found):
            break
        if line.startswith(f"exten => {key},1,") or (found and line.startswith(" same")):
            found.append(line.strip())
    return found


def test_given_the_example_then_every_menu_is_a_context_with_its_options_beside_it(
    example: ContactCenter, extensions: str,
) -> None:
    contexts = set(re.findall(r"^\[([^\]]+)\]", extensions, re.MULTILINE))
    for menu in example.menus:
        assert f"ccctl-menu-{menu.id}" in contexts
        assert f"ccctl-menu-{menu.id}-options" in contexts
        # Option keys live apart from 's', so WaitExten/Read never wait for a longer match.
        keys = {m.split(",")[0] for m in setting(extensions, f"ccctl-menu-{menu.id}-options",
                                                  "exten")}
        assert keys == set(menu.options)


def test_given_bygglov_new_application_then_the_choice_sets_skills_priority_and_path(
    extensions: str,
) -> None:
    lines = _option(extensions, "bygga-bo", "1")

    assert "same => n,Set(__CCCTL_MENU_PATH=${CCCTL_MENU_PATH}>1)" in lines
    assert "same => n,Set(__CCCTL_SKILLS=bygglov:3)" in lines
    assert "same => n,Set(__CCCTL_PRIORITY=10)" in lines
    assert lines[-1] == "same => n,Goto(ccctl-queue-bygglov,s,1)"


def test_given_the_english_main_menu_then_skills_are_sorted_and_joined_as_the_daemon_reads(
    extensions: str,
) -> None:
    lines = _option(extensions, "building", "1")

    assert "same => n,Set(__CCCTL_SKILLS=bygglov:3,engelska:2)" in lines


def test_given_the_language_menu_then_a_choice_sets_the_language_and_returns_to_the_entry(
    extensions: str,
) -> None:
    lines = _option(extensions, "sprakval", "2")

    assert "same => n,Set(CHANNEL(language)=en)" in lines
    assert lines[-1] == "same => n,Goto(ccctl-entry-${CCCTL_ENTRY},menu,1)"
    entry = setting(extensions, "ccctl-entry-huvudnummer", "same")
    assert 'n,GotoIf($["${CHANNEL(language)}" = "en"]?ccctl-menu-main-menu,s,1)' in entry
    assert "n,Goto(ccctl-menu-huvudmeny,s,1)" in entry


def test_given_a_message_option_with_then_menu_then_the_menu_is_offered_again(
    extensions: str,
) -> None:
    lines = _option(extensions, "huvudmeny", "4")

    assert "same => n,Playback(${CCCTL_PROMPTS}/${CHANNEL(language)}/oppettider)" in lines
    assert lines[-1] == "same => n,Goto(ccctl-menu-huvudmeny,s,1)"


def test_given_a_wrong_key_then_the_menu_is_offered_tries_times_before_the_final_action(
    extensions: str,
) -> None:
    menu = setting(extensions, "ccctl-menu-huvudmeny", "same")
    finals = [line for line in setting(extensions, "ccctl-menu-huvudmeny", "exten")
              if line.startswith("final,")]

    assert menu.count("n,GotoIf($[${CCCTL_TRIES} < 3]?offer)") == 2  # wrong key; timeout
    assert "n,Read(CCCTL_KEY,${CCCTL_PROMPTS}/${CHANNEL(language)}/huvudmeny,1,,1,5)" in menu
    assert finals and "tries used up - queue vaxel" in finals[0]


def test_given_transfer_voicemail_and_callback_then_each_uses_the_right_asterisk_app(
    extensions: str,
) -> None:
    assert "same => n,Dial(PJSIP/+46701740605@operator,120)" in _option(
        extensions, "bygga-bo", "3")
    assert "same => n,VoiceMail(socialtjanst@ccctl,u)" in _option(extensions, "huvudmeny", "5")
    callback = _option(extensions, "huvudmeny", "9")
    assert "same => n,Stasis(ccctl,callback,vaxel)" in callback
    assert any("ingen-svarar" in line and "STASISSTATUS" in line for line in callback)


def test_given_opening_hours_then_weekdays_share_one_time_condition_in_the_site_zone(
    extensions: str,
) -> None:
    hours = setting(extensions, "ccctl-hours-kontorstid", "same")

    assert "n,GotoIfTime(08:00-16:29,mon-fri,*,*,Europe/Stockholm?open)" in hours
    assert "n(special),GotoIfTime(${day},*,*,*,Europe/Stockholm?reduced)" in hours


def test_given_queues_with_no_agents_actions_then_the_fallback_path_runs_them(
    example: ContactCenter, extensions: str,
) -> None:
    bygglov = setting(extensions, "ccctl-queue-bygglov", "exten")
    social = setting(extensions, "ccctl-queue-socialtjanst", "exten")

    assert any(line.startswith("noagents,1,") for line in bygglov)
    assert "n,Goto(ccctl-queue-vaxel,s,1)" in setting(extensions, "ccctl-queue-bygglov", "same")
    assert "n,VoiceMail(socialtjanst@ccctl,u)" in setting(
        extensions, "ccctl-queue-socialtjanst", "same")
    assert any(line.startswith("noagents,1,") for line in social)
    assert [m.id for m in build_plan(example).mailboxes] == ["socialtjanst"]


def test_given_the_same_config_twice_then_the_dialplan_is_byte_for_byte_the_same(
    example: ContactCenter,
) -> None:
    reordered = example.model_copy(update={"menus": tuple(reversed(example.menus))})
    secrets = fixed_secrets_for(example)

    assert render_config(example, secrets) == render_config(reordered, secrets)


@pytest.mark.parametrize(("configured", "asterisk"), [
    ("08:00-16:30", "08:00-16:29"), ("13:00-16:30", "13:00-16:29"), ("00:00-24:00", "00:00-23:59"),
])
def test_given_closing_times_then_asterisk_gets_the_last_open_minute(
    configured: str, asterisk: str,
) -> None:
    assert asterisk_times(configured) == asterisk


IVR_GOLDEN = Path(__file__).resolve().parents[1] / "dialplan" / "golden" / "ivr"
IVR_FILES = ("extensions.conf", "queues.conf", "voicemail.conf")


def test_given_the_example_yaml_then_the_ivr_files_match_their_golden_files(
    example: ContactCenter,
) -> None:
    """Review changes to the generated IVR as a diff: CCCTL_UPDATE_GOLDEN=1 rewrites them."""
    rendered = render_config(example, fixed_secrets_for(example))
    if os.environ.get("CCCTL_UPDATE_GOLDEN") == "1":
        IVR_GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in IVR_FILES:
            (IVR_GOLDEN / name).write_text(rendered[name], encoding="utf-8")

    for name in IVR_FILES:
        golden = (IVR_GOLDEN / name).read_text(encoding="utf-8")
        assert rendered[name] == golden, f"ivr/{name} differs from its golden file"


def test_given_a_queue_that_keeps_callers_waiting_then_app_queue_lets_them_join_empty(
    example: ContactCenter,
) -> None:
    queues = tuple(q.model_copy(update={"no_agents": WaitAction(action="wait")})
                   if q.id == "vaxel" else q for q in example.queues)
    cc = example.model_copy(update={"queues": queues})

    rendered = render_config(cc, fixed_secrets_for(cc))

    assert setting(rendered["queues.conf"], "vaxel", "joinempty") == ["no"]
    assert setting(rendered["queues.conf"], "bygglov", "joinempty") == [
        "unavailable,invalid,unknown"]
    assert not any(line.startswith("noagents,") for line in setting(
        rendered["extensions.conf"], "ccctl-queue-vaxel", "exten"))


def test_given_an_identify_step_then_the_agi_hop_never_fails_the_call(
    example: ContactCenter,
) -> None:
    step = IdentifyAction(action="identify", method="personnummer", directory="invanare",
                          tries=3, prompt="huvudmeny",
                          then=QueueAction(action="queue", queue="socialtjanst"))
    menus = tuple(m.model_copy(update={"options": {**m.options, "3": step}})
                  if m.id == "huvudmeny" else m for m in example.menus)
    cc = example.model_copy(update={"menus": menus})

    lines = _option(render_config(cc, fixed_secrets_for(cc))["extensions.conf"],
                    "huvudmeny", "3")

    assert ("same => n,AGI(agi://127.0.0.1:4573/identify/personnummer?directory=invanare"
            "&tries=3&prompt=huvudmeny)") in lines
    assert ('same => n,ExecIf($["${AGISTATUS}" != "SUCCESS" | "${CCCTL_ID_STATUS}" = ""]'
            "?Set(__CCCTL_ID_STATUS=unidentified))") in lines
    # A directory record may send the caller to another queue; a wrong id is ignored.
    assert ('same => n,GotoIf($["${CCCTL_ID_QUEUE}" != "" & ${DIALPLAN_EXISTS(ccctl-queue-'
            "${CCCTL_ID_QUEUE},s,1)}]?ccctl-queue-${CCCTL_ID_QUEUE},s,1)") in lines
    assert lines[-1] == "same => n,Goto(ccctl-queue-socialtjanst,s,1)"


def test_given_a_number_lookup_at_the_entry_then_a_language_from_caller_data_skips_the_menu(
    example: ContactCenter,
) -> None:
    entries = tuple(e.model_copy(update={"anumber_directory": "invanare"})
                    if e.id == "huvudnummer" else e for e in example.entry_points)
    cc = example.model_copy(update={"entry_points": entries})

    entry = setting(render_config(cc, fixed_secrets_for(cc))["extensions.conf"],
                    "ccctl-entry-huvudnummer", "same")

    lookup = entry.index("n,AGI(agi://127.0.0.1:4573/identify/anumber?directory=invanare)")
    greeting = entry.index("n,Playback(${CCCTL_PROMPTS}/${CHANNEL(language)}/valkommen)")
    skip = entry.index('n,GotoIf($["${CHANNEL(language)}" != "${CCCTL_NUMBER_LANGUAGE}"]?menu,1)')
    assert lookup < greeting < skip < entry.index("n,Goto(ccctl-menu-sprakval,s,1)")
