"""Outbound calls (transfers), the transfer directory and the agents' phone codes."""

from __future__ import annotations

from ccctl.config import load
from tests.config.config_helpers import MINIMAL, Write, only_problem, position

TRUNK = """\
trunks:
  - id: operator
    host: sbc.operator.example
    auth: true
"""


def test_given_a_directory_number_that_outbound_calls_may_not_reach_then_it_is_an_error(
    write: Write,
) -> None:
    text = MINIMAL + TRUNK + (
        "directory:\n"
        "  - id: betaltjanst\n    name: {sv: Betaltjänst}\n    number: \"+46900123456\"\n")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "directory[0].number"
    assert (problem.line, problem.column) == position(text, '"+46900123456"')
    assert "+46900123456 is not a number outbound calls may reach" in problem.message
    assert "outbound.allow" in (problem.hint or "")


def test_given_an_outbound_trunk_without_a_host_then_the_error_names_the_trunks_that_have_one(
    write: Write,
) -> None:
    text = MINIMAL + TRUNK + (
        "  - id: inbound-only\n    match: [\"192.0.2.20/32\"]\n"
        "outbound:\n  trunk: inbound-only\n")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "outbound.trunk"
    assert "(defined: operator)" in (problem.hint or "")


def test_given_no_outbound_section_then_swedish_numbers_are_allowed_but_premium_rate_is_not(
    write: Write,
) -> None:
    outbound = load(write("ccctl.yaml", MINIMAL + TRUNK)).config.outbound

    assert outbound.permits("+46846500490")
    assert not outbound.permits("+46900123456")  # 0900: premium rate
    assert not outbound.permits("+4420790000")  # abroad


def test_given_two_phone_codes_that_are_the_same_then_the_error_says_they_must_differ(
    write: Write,
) -> None:
    text = MINIMAL + "pbx:\n  agent_codes: {login: \"*50\", logout: \"*50\"}\n"
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path.startswith("pbx.agent_codes")
    assert "agent codes must differ" in problem.message
