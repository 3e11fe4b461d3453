"""YAML files (with includes) → a validated, frozen :class:`ContactCenter`.

Loading happens in four steps, each adding located problems to one list:

1. read the root file and, depth first, every file its ``include:`` names
   (paths relative to the including file; a cycle or a second inclusion of
   the same file is an error at the ``include:`` entry);
2. merge the files: a top-level list (``agents:``, ``queues:`` …) may be split
   across files and is concatenated in reading order; any other top-level key
   written in two files is an error naming both places;
3. validate the merged tree against the models, mapping every pydantic error
   back to the file:line:column of the node it concerns;
4. check cross-references (:mod:`ccctl.config.crossref`).

Every error found is reported at once in one :class:`ConfigError`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ccctl.config import crossref
from ccctl.config.errors import ConfigError, Location, Problem
from ccctl.config.messages import is_noise, problem_for
from ccctl.config.models import ContactCenter
from ccctl.config.sourcemap import SourceMap, flatten
from ccctl.config.yamltree import Entry, Mapping, Scalar, Sequence, UnreadableYamlError, parse_file

log = logging.getLogger(__name__)

INCLUDE_KEY = "include"


@dataclass(frozen=True, slots=True)
class Loaded:
    """A valid configuration, its warnings, and where each of its values was written."""

    config: ContactCenter
    warnings: tuple[Problem, ...]
    sources: SourceMap


def load(path: Path) -> Loaded:
    """Load ``path`` and its includes. Raises :class:`ConfigError` listing every error."""
    root = Location(path, 1, 1)
    reader = _Reader()
    parts = reader.read(path, root, ())
    merged = _merge(parts, root, reader.problems)
    if reader.incomplete:  # validating half a configuration would only add noise
        raise ConfigError(reader.problems)
    raw, sources = flatten(merged, root)
    raw = {} if raw is None else raw  # an empty file: report the missing sections
    try:
        config = ContactCenter.model_validate(raw)
    except ValidationError as exc:
        reader.problems.extend(
            problem_for(e, sources, ContactCenter) for e in exc.errors() if not is_noise(e)
        )
        raise ConfigError(reader.problems) from None
    if reader.problems:
        raise ConfigError(reader.problems)
    errors, warnings = crossref.check(config, sources)
    if errors:
        raise ConfigError(errors)
    return Loaded(config, tuple(warnings), sources)


def load_config(path: Path) -> ContactCenter:
    """Load and validate a configuration; warnings are logged, errors raise :class:`ConfigError`."""
    loaded = load(path)
    for warning in loaded.warnings:
        log.warning("%s", warning)
    return loaded.config


@dataclass
class _Reader:
    problems: list[Problem] = field(default_factory=list)
    seen: dict[Path, Location] = field(default_factory=dict)
    incomplete: bool = False

    def fail(self, where: Location, message: str, hint: str = "", path: str = INCLUDE_KEY) -> None:
        self.problems.append(Problem.at(where, path, message, hint))
        self.incomplete = True

    def read(self, path: Path, included_at: Location, stack: tuple[Path, ...]) -> list[Mapping]:
        """``path``'s top-level mapping followed by those of the files it includes."""
        self.seen[path.resolve()] = included_at
        try:
            tree, problems = parse_file(path)
        except UnreadableYamlError as exc:
            self.problems.extend(exc.problems)
            self.incomplete = True
            return []
        self.problems.extend(problems)
        if tree is None:
            return []
        if not isinstance(tree, Mapping):
            self.fail(tree.loc, "the top level of a config file must be a mapping "
                      "(key: value lines)", "start with a key such as 'site:' or 'agents:'",
                      path="")
            return []
        own = {key: entry for key, entry in tree.items.items() if key != INCLUDE_KEY}
        parts = [Mapping(own, tree.loc)]
        include = tree.items.get(INCLUDE_KEY)
        if include is not None:
            for target, where in self._targets(include, path):
                parts.extend(self._include(target, where, (*stack, path)))
        return parts

    def _targets(self, include: Entry, path: Path) -> list[tuple[Path, Location]]:
        node = include.value
        if isinstance(node, Sequence):
            targets = [(path.parent / item.value, item.loc) for item in node.items
                       if isinstance(item, Scalar) and item.value]
            if len(targets) == len(node.items):
                return targets
        self.fail(node.loc, "'include' must be a list of file names",
                  "write e.g. 'include: [agents.yaml, queues.yaml]'")
        return []

    def _include(self, target: Path, where: Location, stack: tuple[Path, ...]) -> list[Mapping]:
        resolved = target.resolve()
        if resolved in (p.resolve() for p in stack):
            chain = " → ".join(p.name for p in (*stack, target))
            self.fail(where, f"include cycle: {chain}", "remove one of these includes")
            return []
        if resolved in self.seen:
            first = self.seen[resolved]
            self.fail(where, f"{target} is already included at {first}",
                      "include each file once")
            return []
        if not target.is_file():
            self.fail(where, f"included file {target} does not exist",
                      "include paths are relative to the file that names them")
            return []
        return self.read(target, where, stack)


def _merge(parts: list[Mapping], root: Location, problems: list[Problem]) -> Mapping | None:
    """Concatenate top-level lists across files; any other key may be written only once."""
    if not parts:
        return None
    merged: dict[str, Entry] = {}
    for part in parts:
        for key, entry in part.items.items():
            first = merged.get(key)
            if first is None:
                merged[key] = entry
            elif isinstance(first.value, Sequence) and isinstance(entry.value, Sequence):
                items = first.value.items + entry.value.items
                merged[key] = Entry(first.key_loc, Sequence(items, first.value.loc))
            else:
                problems.append(Problem.at(
                    entry.key_loc, key, f"{key!r} is also defined at {first.key_loc}",
                    "write each top-level key in one file; only lists such as 'agents:' "
                    "may be split across files"))
    return Mapping(merged, parts[0].loc if parts else root)
