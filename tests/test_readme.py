"""The README documents every command and option the CLI has, and only make targets that exist."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from ccctl.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (command path, parser), the top-level parser included as ()."""
    yield prefix, parser
    for name, sub in _subparsers(parser).items():
        yield from _commands(sub, (*prefix, name))


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def _leaf_commands() -> list[str]:
    return [" ".join(path) for path, parser in _commands(build_parser())
            if path and not _subparsers(parser)]


def test_given_the_cli_parser_then_every_command_is_in_the_readme() -> None:
    commands = _leaf_commands()
    assert commands, "the parser defines no commands"
    missing = [c for c in commands if f"ccctl {c}" not in README]
    assert missing == [], f"README.md does not mention: {', '.join('ccctl ' + c for c in missing)}"


def test_given_the_cli_parser_then_every_long_option_is_in_the_readme() -> None:
    missing = sorted(
        f"{' '.join(path) or '(top level)'} {option}"
        for path, parser in _commands(build_parser())
        for option in _long_options(parser)
        if not re.search(re.escape(option) + r"(?![\w-])", README)
    )
    assert missing == [], f"README.md does not mention these options: {missing}"


def test_given_the_readme_then_it_names_the_two_set_up_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_given_make_targets_named_in_the_readme_then_each_exists_in_the_makefile() -> None:
    targets = set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", MAKEFILE, re.MULTILINE))
    named = set(re.findall(r"\bmake ([a-z][\w-]*)", README))
    assert named, "README.md names no make targets"
    assert named - targets == set(), f"README.md names make targets the Makefile lacks: " \
                                     f"{sorted(named - targets)}"
