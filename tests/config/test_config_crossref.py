"""Cross-references: every name used is defined, ids/extensions/numbers are unique."""

from __future__ import annotations

from ccctl.config import Severity, load
from tests.config.config_helpers import MINIMAL, Write, only_problem, position, problems_of

SECOND_AGENT = """\
  - id: bodil
    name: Bodil Exempel
    extension: "2002"
    skills: {vaxel: 2}
"""


def _with_second_agent(text: str, agent: str = SECOND_AGENT) -> str:
    return text.replace("queues:\n", agent + "queues:\n")


def test_given_a_queue_naming_an_undefined_skill_then_the_error_points_at_that_key(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 1}", "    skills: {vaxel: 1, bygglov: 2}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "bygglov")
    assert problem.path == "queues[0].skills.bygglov"
    assert problem.message == "skill 'bygglov' is not defined"
    assert problem.hint == "define it under 'skills:' (defined: vaxel)"


def test_given_an_agent_with_a_misspelt_skill_then_the_hint_suggests_the_defined_one(
    write: Write,
) -> None:
    text = MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxl: 3}")
    problems = problems_of(write("ccctl.yaml", text))

    assert [p.path for p in problems] == ["agents[0].skills.vaxl"]
    assert problems[0].hint == "did you mean 'vaxel'?"


def test_given_an_agent_in_an_undefined_group_then_the_error_points_at_the_group(
    write: Write,
) -> None:
    text = MINIMAL.replace("groups: [kontaktcenter]", "groups: [kontaktcenter, bygg]")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "bygg]")
    assert problem.path == "agents[0].groups[1]"
    assert problem.message == "group 'bygg' is not defined"


def test_given_an_entry_point_to_an_unknown_queue_then_the_error_points_at_the_queue(
    write: Write,
) -> None:
    text = MINIMAL.replace("destination: {queue: vaxel}", "destination: {queue: vaxeln}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "vaxeln")
    assert problem.path == "entry_points[0].destination.queue"
    assert problem.hint == "did you mean 'vaxel'?"


def test_given_two_skills_with_one_id_then_the_second_is_an_error_naming_the_first(
    write: Write,
) -> None:
    text = MINIMAL.replace("  - id: vaxel\ngroups", "  - id: vaxel\n  - id: vaxel\ngroups")
    path = write("ccctl.yaml", text)

    problem = only_problem(path)

    line, column = position(text, "vaxel")
    assert (problem.line, problem.column) == position(text, "vaxel", occurrence=2)
    assert problem.path == "skills[1].id"
    assert problem.message == f"id 'vaxel' is already used at {path}:{line}:{column}"


def test_given_two_agents_with_one_extension_then_the_second_is_an_error(write: Write) -> None:
    text = _with_second_agent(MINIMAL, SECOND_AGENT.replace('"2002"', "2001"))
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "2001", occurrence=2)
    assert problem.path == "agents[1].extension"
    assert problem.message.startswith("extension '2001' is already used at ")


def test_given_a_number_on_two_entry_points_then_the_second_is_an_error(write: Write) -> None:
    text = MINIMAL + ("  - id: english\n    numbers: [+46846500411, +46846500410]\n"
                      "    destination: {queue: vaxel}\n")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "+46846500410]")
    assert problem.path == "entry_points[1].numbers[1]"


def test_given_one_number_in_two_forms_on_two_entry_points_then_the_second_is_an_error(
    write: Write,
) -> None:
    text = MINIMAL + ("  - id: english\n    numbers: [0846500410]\n"
                      "    destination: {queue: vaxel}\n")
    path = write("ccctl.yaml", text)

    problem = only_problem(path)

    line, column = position(text, '"+46846500410"')
    assert (problem.line, problem.column) == position(text, "0846500410]")
    assert problem.message == f"number '0846500410' is already used at {path}:{line}:{column}"


def test_given_one_entry_point_listing_its_number_in_two_forms_then_it_loads(
    write: Write,
) -> None:
    # Operators deliver the dialled number as +46… or 0…; both must match.
    text = MINIMAL.replace('numbers: ["+46846500410"]', "numbers: [+46846500410, 0846500410]")

    config = load(write("ccctl.yaml", text)).config

    assert config.entry_points[0].numbers == ("+46846500410", "0846500410")


def test_given_a_language_the_site_does_not_offer_then_agents_and_entries_are_errors(
    write: Write,
) -> None:
    text = (MINIMAL.replace("    groups: [kontaktcenter]", "    groups: [kontaktcenter]\n"
                            "    languages: [sv, fi]")
            .replace("    destination: {queue: vaxel}", "    language: de\n"
                     "    destination: {queue: vaxel}"))
    problems = problems_of(write("ccctl.yaml", text))

    assert [(p.path, (p.line, p.column)) for p in problems] == [
        ("agents[0].languages[1]", position(text, "fi]")),
        ("entry_points[0].language", position(text, "de\n")),
    ]
    assert problems[1].hint == "add it to site.languages or use one of sv, en"


def test_given_a_queue_no_agent_can_serve_then_it_loads_with_a_located_warning(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 1}", "    skills: {vaxel: 4}")

    loaded = load(write("ccctl.yaml", text))

    assert loaded.config.queues[0].skills == {"vaxel": 4}
    [warning] = loaded.warnings
    assert warning.severity is Severity.WARNING
    assert (warning.line, warning.column) == position(text, "{vaxel: 4}")
    assert warning.message == "no agent can serve queue 'vaxel' (needs vaxel ≥ 4)"
    assert ": warning: queues[0].skills: " in str(warning)


def test_given_only_a_second_agent_has_the_level_then_the_queue_has_no_warning(
    write: Write,
) -> None:
    text = (MINIMAL.replace("    skills: {vaxel: 1}", "    skills: {vaxel: 2}")
            .replace("skills: {vaxel: 3}", "skills: {vaxel: 1}"))
    assert len(load(write("alone.yaml", text)).warnings) == 1

    assert load(write("ccctl.yaml", _with_second_agent(text))).warnings == ()
