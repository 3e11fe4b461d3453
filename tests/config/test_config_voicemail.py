"""Voicemail in the YAML: who is notified (agents that exist and can be reached), the
SMTP relay (credentials only as references), agents' e-mail and mobile — every problem
at its file:line."""

from __future__ import annotations

import pytest

from ccctl.config import load
from tests.config.config_helpers import MINIMAL, Write, only_problem, position

# MINIMAL's queue sends callers to its mailbox when nobody is logged in.
WITH_MAILBOX = MINIMAL.replace("    skills: {vaxel: 1}\n", "    skills: {vaxel: 1}\n"
                               "    no_agents: {action: voicemail, mailbox: vaxel}\n")
SMTP = ("smtp:\n  host: smtp.testkommun.example\n  from_address: ccctl@testkommun.example\n"
        "  username: ccctl\n  password: secret:smtp_password\n")
SMS = ("sms:\n  sender: Kommunen\n  provider:\n    kind: 46elks\n    username: u1\n"
       "    password: secret:elks\n")


def _notify(text: str, notify: str) -> str:
    return text.replace("    no_agents: {action: voicemail, mailbox: vaxel}\n",
                        "    no_agents: {action: voicemail, mailbox: vaxel}\n"
                        f"    voicemail: {notify}\n")


def _agent(text: str, extra: str) -> str:
    return text.replace("    groups: [kontaktcenter]\n", f"    groups: [kontaktcenter]\n{extra}")


def test_given_a_complete_voicemail_setup_then_it_loads_without_warnings(write: Write) -> None:
    text = _agent(_notify(WITH_MAILBOX, "{notify: [agda], sms: true, email: true}"),
                  "    email: agda@testkommun.example\n    mobile: \"+46701740605\"\n")
    loaded = load(write("ccctl.yaml", text + SMTP + SMS))

    assert loaded.warnings == ()
    queue = loaded.config.queues[0]
    assert queue.voicemail is not None and queue.voicemail.notify == ("agda",)
    assert loaded.config.agents[0].mobile == "+46701740605"
    assert loaded.config.smtp is not None and loaded.config.smtp.port == 587


def test_given_an_unknown_agent_to_notify_then_the_error_points_at_it(write: Write) -> None:
    text = _notify(WITH_MAILBOX, "{notify: [agd]}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "agd]")
    assert problem.path == "queues[0].voicemail.notify[0]"
    assert problem.message == "agent 'agd' is not defined"
    assert problem.hint == "did you mean 'agda'?"


@pytest.mark.parametrize(("flag", "needs"), [("sms", "an 'sms:' section"),
                                             ("email", "an 'smtp:' section")])
def test_given_a_channel_without_its_section_then_an_error_at_the_flag(
    write: Write, flag: str, needs: str,
) -> None:
    text = _notify(WITH_MAILBOX, f"{{notify: [agda], {flag}: true}}")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == f"queues[0].voicemail.{flag}"
    assert (problem.line, problem.column) == position(text, "true}")
    assert needs in problem.message


def test_given_agents_without_mobile_or_email_then_warnings_say_who_gets_nothing(
    write: Write,
) -> None:
    text = _notify(WITH_MAILBOX, "{notify: [agda], sms: true, email: true}") + SMTP + SMS
    loaded = load(write("ccctl.yaml", text))

    assert [w.message for w in loaded.warnings] == [
        "agent 'agda' has no mobile number, so gets no SMS",
        "agent 'agda' has no e-mail address, so gets no e-mail"]
    assert all(w.path == "queues[0].voicemail.notify[0]" for w in loaded.warnings)


def test_given_a_mailbox_nobody_is_notified_for_then_a_warning_at_its_queue(
    write: Write,
) -> None:
    loaded = load(write("ccctl.yaml", WITH_MAILBOX))

    [warning] = loaded.warnings
    assert warning.path == "queues[0].id"
    assert "notify nobody" in warning.message


def test_given_notify_on_an_entry_point_no_action_leads_to_then_a_warning(
    write: Write,
) -> None:
    text = MINIMAL.replace("    destination: {queue: vaxel}\n",
                           "    destination: {queue: vaxel}\n    voicemail: {notify: [agda]}\n")
    [warning] = load(write("ccctl.yaml", text)).warnings

    assert warning.path == "entry_points[0].voicemail"
    assert "no action leaves voicemail in mailbox 'huvudnummer'" in warning.message


@pytest.mark.parametrize(("line", "path", "says"), [
    ("    email: agda at testkommun\n", "agents[0].email", "is not an e-mail address"),
    ("    mobile: \"0701740605\"\n", "agents[0].mobile", "E.164, e.g. +46701740605"),
    ("    mobile: \"+4612\"\n", "agents[0].mobile", "E.164, e.g. +46701740605"),
    ("    mobile: \"+46123456789012\"\n", "agents[0].mobile", "not a valid number"),
])
def test_given_a_malformed_agent_address_then_the_error_names_the_field(
    write: Write, line: str, path: str, says: str,
) -> None:
    problem = only_problem(write("ccctl.yaml", _agent(MINIMAL, line)))
    assert problem.path == path and says in problem.message + problem.hint


@pytest.mark.parametrize(("change", "says"), [
    ("  password: secret:smtp_password\n", "  password: hunter2\n"),
    ("  username: ccctl\n", ""),
])
def test_given_smtp_credentials_written_wrongly_then_an_error_says_how(
    write: Write, change: str, says: str,
) -> None:
    text = MINIMAL + SMTP.replace(change, says)
    problem = only_problem(write("ccctl.yaml", text))
    assert problem.path.startswith("smtp")
    assert ("never written in the configuration" in problem.message
            or "both username and password" in problem.message)


def test_given_a_password_sent_in_clear_to_another_host_then_an_error(write: Write) -> None:
    text = MINIMAL + SMTP + "  security: none\n"
    problem = only_problem(write("ccctl.yaml", text))
    assert "in clear" in problem.message
    local = MINIMAL + SMTP.replace("smtp.testkommun.example", "127.0.0.1") + "  security: none\n"
    assert load(write("local.yaml", local)).config.smtp is not None
