"""The config-key reference in ``docs/config.md``, generated from the models.

``python -m ccctl.config.reference docs/config.md`` rewrites the part of the
file between the markers; a test fails when the file and the models disagree.
"""

from __future__ import annotations

import json
import sys
import types
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from ccctl.config import models
from ccctl.config.messages import unwrap

BEGIN = "<!-- BEGIN GENERATED REFERENCE (python -m ccctl.config.reference docs/config.md) -->"
END = "<!-- END GENERATED REFERENCE -->"


def _named_patterns() -> dict[str, str]:
    names = {"id": models.Id, "language code": models.LanguageCode,
             "number": models.DialString, "extension": models.Extension}
    found: dict[str, str] = {}
    for name, alias in names.items():
        for meta in get_args(alias)[1:]:
            for constraint in getattr(meta, "metadata", ()):
                pattern = getattr(constraint, "pattern", None)
                if isinstance(pattern, str):
                    found[pattern] = name
    return found


def _bounds(metadata: list[Any]) -> str:
    low = high = ""
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low = f"{item.ge}" if isinstance(item, annotated_types.Ge) else f">{item.gt}"
        if isinstance(item, annotated_types.Le | annotated_types.Lt):
            high = f"{item.le}" if isinstance(item, annotated_types.Le) else f"<{item.lt}"
    return f" ({low}–{high})" if low or high else ""


def _describe_type(annotation: Any, metadata: list[Any]) -> str:
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(members) == 1:
        return _describe_type(members[0], metadata) + " or null"
    if get_origin(annotation) is Annotated:  # an alias such as Id inside a list or dict
        inside = [c for meta in get_args(annotation)[1:] for c in getattr(meta, "metadata", ())]
        metadata = [*metadata, *inside]
    patterns = _named_patterns()
    named = next((patterns[p] for m in metadata
                  if isinstance(p := getattr(m, "pattern", None), str) and p in patterns), "")
    return named or _structure(unwrap(annotation), metadata)


def _structure(inner: Any, metadata: list[Any]) -> str:
    if get_origin(inner) is tuple:
        return "list of " + _describe_type(get_args(inner)[0], [])
    if get_origin(inner) is dict:
        key, value = get_args(inner)
        return f"mapping {_describe_type(key, [])} → {_describe_type(value, [])}"
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return f"mapping ([{inner.__name__}](#{inner.__name__.lower()}))"
    if _model_members(inner):  # a union of models, e.g. an action chosen by 'action:'
        return "one of " + ", ".join(f"[{m.__name__}](#{m.__name__.lower()})"
                                     for m in _model_members(inner))
    if get_origin(inner) in (Union, types.UnionType):
        return " or ".join(_describe_type(arg, []) for arg in get_args(inner))
    if isinstance(inner, type) and issubclass(inner, Enum):
        return "one of " + ", ".join(f"`{member.value}`" for member in inner)
    plain = {int: "integer", float: "number", bool: "true/false", str: "text"}
    return plain.get(inner, str(inner)) + _bounds(metadata)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
    if value is PydanticUndefined:
        return ""
    text = json.dumps(to_jsonable_python(value), ensure_ascii=False)
    if isinstance(value, BaseModel) and len(text) > 60:
        return "each key at its default"
    return f"`{text}`"


def _models_in_order(root: type[BaseModel]) -> dict[type[BaseModel], list[str]]:
    """Every model reachable from ``root``, with the YAML paths where it appears."""
    found: dict[type[BaseModel], list[str]] = {}

    def visit(model: type[BaseModel], path: str) -> None:
        seen = model in found
        found.setdefault(model, []).append(path)
        if seen:  # recursive models (an action's 'then' is an action) are listed once
            return
        for name, info in model.model_fields.items():
            inner = unwrap(info.annotation)
            suffix = ""
            while get_origin(inner) in (tuple, dict):
                suffix += "[]" if get_origin(inner) is tuple else ".*"
                inner = unwrap(get_args(inner)[-1 if get_origin(inner) is dict else 0])
            for member in _model_members(inner) or [inner]:
                if isinstance(member, type) and issubclass(member, BaseModel):
                    visit(member, f"{path}.{name}{suffix}".lstrip("."))

    visit(root, "")
    return found


def _model_members(annotation: Any) -> list[type[BaseModel]]:
    """The models of a union of several models (``Action``), else an empty list."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return []
    members = [unwrap(arg) for arg in get_args(annotation) if arg is not type(None)]
    models_only = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models_only if len(models_only) == len(members) else []


def render() -> str:
    """The generated reference: one table per model, in the order a file is read."""
    lines = [BEGIN, ""]
    for model, paths in _models_in_order(models.ContactCenter).items():
        where = ", ".join(f"`{p}`" for p in paths if p) or "top level of the file"
        lines += [f"### {model.__name__}", "", f"Where: {where}.", ""]
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += [doc, ""] if doc else []
        lines += ["| Key | Type | Default | Meaning |", "|---|---|---|---|"]
        for name, info in model.model_fields.items():
            kind = _describe_type(info.annotation, list(info.metadata))
            meaning = (info.description or "").replace("|", "\\|")
            lines.append(f"| `{name}` | {kind} | {_default(info)} | {meaning} |")
        lines.append("")
    return "\n".join([*lines, END])


def rewrite(document: str) -> str:
    """``document`` with the text between the markers replaced by :func:`render`."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + render() + tail


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path("docs/config.md")
    target.write_text(rewrite(target.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
