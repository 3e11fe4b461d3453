"""One YAML file → a tree of nodes that remember where they were written.

PyYAML's composer keeps a mark (line, column) on every node; this module turns
its node graph into :class:`Mapping`/:class:`Sequence`/:class:`Scalar` nodes
with a :class:`Location` each, and rejects what would surprise an administrator:

* a key written twice in one mapping (PyYAML silently keeps the last);
* merge keys (``<<``) and tags other than YAML's standard ones;
* more than one document in a file.

YAML 1.1 resolves plain scalars eagerly: ``no`` becomes ``False``, ``0700``
an octal 448, ``+46846500400`` loses its ``+``. We never let it: every plain
scalar except ``null``/``~``/empty stays the exact text written, and the models
convert text to numbers or booleans only where a field asks for one. Quoting
is therefore never needed, and never wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ccctl.config.errors import Location, Problem

_STD = "tag:yaml.org,2002:"
_NULL = _STD + "null"
_SCALAR_TAGS = frozenset(
    _STD + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str | None
    loc: Location


@dataclass(frozen=True, slots=True)
class Entry:
    key_loc: Location
    value: Node


@dataclass(frozen=True, slots=True)
class Mapping:
    items: dict[str, Entry]
    loc: Location


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    loc: Location


Node = Scalar | Mapping | Sequence


class UnreadableYamlError(Exception):
    """Raised by :func:`parse_file` when the file cannot be turned into a tree."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def parse_file(path: Path) -> tuple[Node | None, list[Problem]]:
    """Read one YAML file: its tree (``None`` if empty) and the surprises found in it.

    Raises :class:`UnreadableYamlError` when the file cannot be read or parsed at all.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(path, 1, 1, "", f"cannot read the file: {exc}")
        raise UnreadableYamlError([problem]) from None
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> tuple[Node | None, list[Problem]]:
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"invalid YAML: {exc.problem or exc.context}"
        raise UnreadableYamlError([Problem(path, line, column, "", message)]) from None
    except yaml.YAMLError as exc:
        raise UnreadableYamlError([Problem(path, 1, 1, "", f"invalid YAML: {exc}")]) from None
    documents = [doc for doc in documents if doc is not None]
    if not documents:
        return None, []
    builder = _Builder(path)
    if len(documents) > 1:
        builder.problem(documents[1], "a file may hold one YAML document only",
                        "remove the '---' line, or move the second document to its own file "
                        "and name it under 'include:'")
    tree = builder.build(documents[0], ())
    return tree, builder.problems


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: yaml.Node, message: str, hint: str = "") -> None:
        self.problems.append(Problem.at(self.loc(node), "", message, hint))

    def build(self, node: yaml.Node, parents: tuple[int, ...]) -> Node:
        if id(node) in parents:  # an alias that contains itself: &a [*a]
            self.problem(node, "a YAML alias refers to a node that contains it")
            return Scalar(None, self.loc(node))
        parents = (*parents, id(node))
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, _STD + "map")
            return self._mapping(node, parents)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _STD + "seq")
            items = tuple(self.build(item, parents) for item in node.value)
            return Sequence(items, self.loc(node))
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            self._check_tag(node, _STD + "str")
        if node.style is None and node.tag == _NULL:
            return Scalar(None, self.loc(node))
        return Scalar(str(node.value), self.loc(node))

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            self.problem(node, f"the YAML tag {node.tag!r} is not supported",
                         "remove the '!…' tag; write plain YAML")

    def _mapping(self, node: yaml.MappingNode, parents: tuple[int, ...]) -> Mapping:
        items: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                self.problem(key_node, "YAML merge keys ('<<') are not supported",
                             "write the keys out in full; merges hide where a value comes from")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in items:
                first = items[key].key_loc
                self.problem(key_node, f"key {key!r} is written twice in this mapping "
                             f"(first on line {first.line})",
                             "remove one of them; YAML would silently keep only the last")
                continue
            items[key] = Entry(self.loc(key_node), self.build(value_node, parents))
        return Mapping(items, self.loc(node))

