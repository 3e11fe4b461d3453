"""Includes: files merged in order, lists split across files, conflicts and cycles located."""

from __future__ import annotations

from ccctl.config import load, load_config
from tests.config.config_helpers import MINIMAL, Write, only_problem, position

AGENTS = """\
agents:
  - id: bodil
    name: Bodil Exempel
    extension: "2002"
    skills: {vaxel: 2}
"""


def _split(text: str) -> tuple[str, str]:
    """MINIMAL without its agents section, and that section."""
    start = text.index("agents:")
    end = text.index("queues:")
    return text[:start] + text[end:], text[start:end]


def test_given_agents_in_two_files_then_the_lists_are_joined_in_reading_order(
    write: Write,
) -> None:
    write("agents.yaml", AGENTS)
    root = write("ccctl.yaml", "include: [agents.yaml]\n" + MINIMAL)

    config = load_config(root)

    assert [agent.id for agent in config.agents] == ["agda", "bodil"]


def test_given_nested_includes_then_paths_are_relative_to_the_including_file(
    write: Write,
) -> None:
    write("people/more.yaml", AGENTS)
    write("people/agents.yaml", "include: [more.yaml]\n" + _split(MINIMAL)[1])
    root = write("ccctl.yaml", "include: [people/agents.yaml]\n" + _split(MINIMAL)[0])

    loaded = load(root)

    assert [agent.id for agent in loaded.config.agents] == ["agda", "bodil"]
    assert loaded.sources.value(("agents", 1, "id")).file.name == "more.yaml"


def test_given_an_error_in_an_included_file_then_it_is_located_in_that_file(
    write: Write,
) -> None:
    bad = AGENTS.replace("{vaxel: 2}", "{vaxel: 8}")
    agents = write("agents.yaml", bad)
    root = write("ccctl.yaml", "include: [agents.yaml]\n" + MINIMAL)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.column) == (agents, *position(bad, "8}"))
    assert problem.path == "agents[1].skills.vaxel"


def test_given_the_same_id_in_two_files_then_the_error_names_both_places(write: Write) -> None:
    clash = AGENTS.replace("id: bodil", "id: agda")
    agents = write("agents.yaml", clash)
    root_text = "include: [agents.yaml]\n" + MINIMAL
    root = write("ccctl.yaml", root_text)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.column) == (agents, *position(clash, "agda"))
    line, column = position(root_text, "agda")
    assert problem.message == f"id 'agda' is already used at {root}:{line}:{column}"


def test_given_site_in_two_files_then_the_error_names_both_places(write: Write) -> None:
    other_text = "site:\n  name: Annan\n"
    other = write("site.yaml", other_text)
    root = write("ccctl.yaml", "include: [site.yaml]\n" + MINIMAL)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.column) == (other, 1, 1)
    assert problem.message == f"'site' is also defined at {root}:2:1"


def test_given_an_include_cycle_then_the_error_shows_the_chain(write: Write) -> None:
    b_text = "include: [a.yaml]\n"
    b = write("b.yaml", b_text)
    write("a.yaml", "include: [b.yaml]\n")
    root = write("ccctl.yaml", "include: [a.yaml]\n" + MINIMAL)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.column) == (b, *position(b_text, "a.yaml"))
    assert problem.message == "include cycle: ccctl.yaml → a.yaml → b.yaml → a.yaml"
    assert problem.path == "include"


def test_given_a_file_that_includes_itself_then_it_is_a_cycle(write: Write) -> None:
    root = write("ccctl.yaml", "include: [ccctl.yaml]\n" + MINIMAL)

    assert only_problem(root).message == "include cycle: ccctl.yaml → ccctl.yaml"


def test_given_the_same_file_included_twice_then_the_second_is_an_error(write: Write) -> None:
    write("agents.yaml", AGENTS)
    text = "include: [agents.yaml, agents.yaml]\n" + MINIMAL
    root = write("ccctl.yaml", text)

    problem = only_problem(root)

    assert (problem.line, problem.column) == position(text, "agents.yaml", occurrence=2)
    assert problem.message.endswith(f"is already included at {root}:1:11")


def test_given_a_missing_included_file_then_the_include_entry_is_the_location(
    write: Write,
) -> None:
    text = "include:\n  - agenter.yaml\n" + MINIMAL
    root = write("ccctl.yaml", text)

    problem = only_problem(root)

    assert (problem.line, problem.column) == (2, 5)
    assert "agenter.yaml does not exist" in problem.message


def test_given_include_that_is_not_a_list_of_names_then_it_is_an_error(write: Write) -> None:
    root = write("ccctl.yaml", "include: {file: agents.yaml}\n" + MINIMAL)

    problem = only_problem(root)

    assert problem.message == "'include' must be a list of file names"
