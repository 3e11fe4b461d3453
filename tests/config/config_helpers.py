"""Helpers shared by the config tests: a minimal valid config, positions, problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccctl.config import ConfigError, Problem, load

# A small but complete configuration; tests change one thing in it.
MINIMAL = """\
site:
  name: Testkommun
  languages: [sv, en]
  default_language: sv
skills:
  - id: vaxel
groups:
  - id: kontaktcenter
agents:
  - id: agda
    name: Agda Påhittad
    extension: "2001"
    skills: {vaxel: 3}
    groups: [kontaktcenter]
queues:
  - id: vaxel
    skills: {vaxel: 1}
entry_points:
  - id: huvudnummer
    numbers: ["+46846500410"]
    destination: {queue: vaxel}
"""

Write = Callable[[str, str], Path]


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the n-th occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def problems_of(path: Path) -> tuple[Problem, ...]:
    """The problems loading ``path`` reports; fails the test if it loads."""
    with pytest.raises(ConfigError) as caught:
        load(path)
    return caught.value.problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]
