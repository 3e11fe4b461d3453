"""Configuration problems located at file:line:column, for people to fix.

A :class:`Problem` is one thing wrong (or, for warnings, suspicious) in the
YAML; a :class:`ConfigError` carries every error found in one load, so that an
administrator sees them all at once instead of fixing them one run at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a YAML file; line and column are 1-based, as editors show them."""

    file: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning, located at the YAML node it concerns.

    ``path`` is the field path in the merged configuration, such as
    ``queues[2].service_level.percent`` (empty for whole-file problems).
    """

    file: Path
    line: int
    column: int
    path: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @classmethod
    def at(
        cls,
        location: Location,
        path: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        return cls(location.file, location.line, location.column, path, message, hint, severity)

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: "
        kind = "warning: " if self.severity is Severity.WARNING else ""
        field = f"{self.path}: " if self.path else ""
        hint = f" — hint: {self.hint}" if self.hint else ""
        return f"{where}{kind}{field}{self.message}{hint}"


def _sort_key(problem: Problem) -> tuple[str, int, int]:
    return (str(problem.file), problem.line, problem.column)


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists every error, in file order."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        if not problems:
            raise ValueError("ConfigError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(sorted(problems, key=_sort_key))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def format_path(path: tuple[str | int, ...]) -> str:
    """``('queues', 2, 'service_level', 'percent')`` → ``queues[2].service_level.percent``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
