"""Where each value of the merged configuration was written.

After includes are merged, the tree is flattened into plain Python values for
pydantic, and a :class:`SourceMap` from field path — ``('queues', 2,
'service_level', 'percent')`` — to the location of the value and of its key.
Paths match pydantic's error locations and the indices of the built models.
"""

from __future__ import annotations

from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field

from ccctl.config.errors import Location
from ccctl.config.yamltree import Node, Scalar, Sequence

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class SourceMap:
    root: Location
    values: AbcMapping[FieldPath, Location] = field(default_factory=dict)
    keys: AbcMapping[FieldPath, Location] = field(default_factory=dict)

    def value(self, path: FieldPath) -> Location:
        """Where the value at ``path`` was written; else its nearest written parent."""
        for end in range(len(path), 0, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return self.root

    def key(self, path: FieldPath) -> Location:
        """Where the key of ``path`` was written (for unknown or misspelt keys)."""
        return self.keys.get(path) or self.value(path)

    def has(self, path: FieldPath) -> bool:
        return path in self.values


def flatten(tree: Node | None, root: Location) -> tuple[object, SourceMap]:
    """The plain value of ``tree`` (dicts, lists, str, None) and where each part lives."""
    values: dict[FieldPath, Location] = {}
    keys: dict[FieldPath, Location] = {}

    def walk(node: Node, path: FieldPath) -> object:
        values[path] = node.loc
        if isinstance(node, Scalar):
            return node.value
        if isinstance(node, Sequence):
            return [walk(item, (*path, index)) for index, item in enumerate(node.items)]
        plain: dict[str, object] = {}
        for name, entry in node.items.items():
            keys[(*path, name)] = entry.key_loc
            plain[name] = walk(entry.value, (*path, name))
        return plain

    if tree is None:
        return None, SourceMap(root)
    plain = walk(tree, ())
    return plain, SourceMap(root, values, keys)

