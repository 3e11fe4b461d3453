"""Mistakes in menus, hours and their references are reported where they are written."""

from __future__ import annotations

from ccctl.config import load_config
from tests.config.config_helpers import MINIMAL, Write, only_problem, position

MENUS = MINIMAL.replace("    destination: {queue: vaxel}\n", "    menu: huvudmeny\n") + """\
prompts:
  - id: huvudmeny
    text: {sv: Tryck 1 för växeln.}
menus:
  - id: huvudmeny
    prompt: huvudmeny
    options:
      1: {action: queue, queue: vaxel}
"""


def test_given_an_option_to_an_unknown_queue_then_the_error_points_at_it_with_a_suggestion(
    write: Write,
) -> None:
    text = MENUS.replace("1: {action: queue, queue: vaxel}", "1: {action: queue, queue: vaxl}")

    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "vaxl}")
    assert problem.path == "menus[0].options.1.queue"
    assert "queue 'vaxl' is not defined" in problem.message
    assert "did you mean 'vaxel'?" in problem.hint


def test_given_an_unquoted_key_then_it_is_the_key_pressed(write: Write) -> None:
    config = load_config(write("ccctl.yaml", MENUS))

    assert list(config.menus[0].options) == ["1"]


def test_given_a_menu_prompt_that_does_not_exist_then_it_says_where_to_define_it(
    write: Write,
) -> None:
    text = MENUS.replace("    prompt: huvudmeny\n", "    prompt: huvudmenyn\n")

    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "menus[0].prompt"
    assert "prompt 'huvudmenyn' is not defined" in problem.message


def test_given_hours_without_a_closed_action_then_the_entry_point_is_rejected(
    write: Write,
) -> None:
    text = MENUS.replace("    menu: huvudmeny\n", "    menu: huvudmeny\n    hours: kontorstid\n")

    problem = only_problem(write("ccctl.yaml", text))

    assert "has hours but no 'closed' action" in problem.message


def test_given_a_closed_action_that_cannot_close_then_the_allowed_ones_are_named(
    write: Write,
) -> None:
    text = MENUS.replace("    menu: huvudmeny\n",
                         "    menu: huvudmeny\n    closed: {action: menu, menu: huvudmeny}\n")

    problem = only_problem(write("ccctl.yaml", text))

    assert "'menu' is not possible as closed" in problem.message
    assert "message, voicemail, callback, transfer" in problem.message


def test_given_an_entry_point_with_an_unknown_schedule_then_it_is_reported(write: Write) -> None:
    text = MENUS.replace("    menu: huvudmeny\n", "    menu: huvudmeny\n    hours: kontorstid\n"
                         "    closed: {action: message, prompt: huvudmeny}\n")

    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "entry_points[0].hours"
    assert "schedule 'kontorstid' is not defined" in problem.message
    assert "hours:" in problem.hint


def test_given_reduced_hours_that_end_before_they_start_then_the_value_is_explained(
    write: Write,
) -> None:
    text = MENUS + """\
hours:
  - id: kontorstid
    weekly: {mon: ["16:30-08:00"]}
"""
    problem = only_problem(write("ccctl.yaml", text))

    assert "ends before it starts" in problem.message
