"""Pydantic validation errors → located problems written for administrators."""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ccctl.config import models
from ccctl.config.errors import Problem, format_path
from ccctl.config.sourcemap import FieldPath, SourceMap

_KEY = "[key]"


def unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to the type that holds values."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return unwrap(members[0])
    return annotation


def type_at(root: type[BaseModel], path: FieldPath) -> Any:
    """The (unwrapped) type expected at ``path``, or ``None`` if the path is not in the model."""
    current: Any = root
    for part in path:
        current = unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
        elif get_origin(current) in (tuple, dict):
            current = get_args(current)[-1 if get_origin(current) is dict else 0]
        else:
            return None
    return unwrap(current)


def description_at(root: type[BaseModel], path: FieldPath) -> str:
    """The description of the field, or of the list/dict item type, at ``path``."""
    if not path:
        return ""
    parent = type_at(root, path[:-1])
    annotation: Any = None
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        info = parent.model_fields.get(str(path[-1]))
        if info is None:
            return ""
        if info.description:
            return info.description
        annotation = info.annotation
    elif get_origin(parent) in (tuple, dict):
        annotation = get_args(parent)[-1 if get_origin(parent) is dict else 0]
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, FieldInfo) and meta.description:
                return meta.description
    return ""


def _pattern_hints() -> dict[str, str]:
    hints: dict[str, str] = {}
    for alias in (models.Id, models.LanguageCode, models.DialString, models.Extension):
        for meta in get_args(alias)[1:]:
            if isinstance(meta, FieldInfo) and meta.description:
                for constraint in meta.metadata:
                    pattern = getattr(constraint, "pattern", None)
                    if isinstance(pattern, str):
                        hints[pattern] = meta.description
    return hints


def _keys_hint(model: Any, written: str) -> str:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return ""
    names = list(model.model_fields)
    close = difflib.get_close_matches(written, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "allowed keys: " + ", ".join(names)


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else _number(value)


def _number(value: object) -> str:
    """``100.0`` → ``100``: bounds read as the administrator wrote them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(error: ErrorDetails, path: FieldPath, root: type[BaseModel]) -> tuple[str, str]:
    kind, ctx, got = error["type"], error.get("ctx", {}), error.get("input")
    about = description_at(root, path)
    expected = type_at(root, path)
    bounds: dict[str, Callable[[], str]] = {
        "less_than_equal": lambda: f"must be at most {_number(ctx.get('le'))} (got {got})",
        "less_than": lambda: f"must be less than {_number(ctx.get('lt'))} (got {got})",
        "greater_than_equal": lambda: f"must be at least {_number(ctx.get('ge'))} (got {got})",
        "greater_than": lambda: f"must be more than {_number(ctx.get('gt'))} (got {got})",
    }
    if kind in bounds:
        return bounds[kind](), about
    if kind == "missing":
        return f"required key {path[-1]!r} is missing", about
    if kind == "extra_forbidden":
        return f"unknown key {path[-1]!r}", _keys_hint(type_at(root, path[:-1]), str(path[-1]))
    if kind == "string_pattern_mismatch":
        hint = _pattern_hints().get(str(ctx.get("pattern")), about)
        return f"{_shown(got)} is not valid here", hint or f"must match {ctx.get('pattern')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), about
    return _describe_shape(error, expected, about)


def _describe_shape(error: ErrorDetails, expected: Any, about: str) -> tuple[str, str]:
    """Messages for a value of the wrong kind: text for a number, a scalar for a list…"""
    kind, ctx, got = error["type"], error.get("ctx", {}), error.get("input")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (got {_shown(got)})", about
    if kind in ("float_parsing", "float_type"):
        return f"must be a number (got {_shown(got)})", about
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false (got {_shown(got)})", about
    if kind == "enum" and isinstance(expected, type) and issubclass(expected, Enum):
        allowed = ", ".join(str(member.value) for member in expected)
        return f"must be one of {allowed} (got {_shown(got)})", about
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        keys = _keys_hint(expected, "")
        return "must be a mapping (key: value lines)", keys or about
    if kind in ("tuple_type", "list_type"):
        return "must be a list", "write '[a, b]' or one '- item' per line"
    if kind in ("too_short", "string_too_short"):
        return ("must not be empty" if ctx.get("min_length") == 1
                else f"needs at least {ctx.get('min_length')} entries"), about
    if kind in ("too_long", "string_too_long"):
        return f"is too long (at most {ctx.get('max_length')})", about
    if kind == "string_type":
        return "must be text", "write the value after the key, e.g. 'name: Växel'"
    return error["msg"], about


def is_noise(error: ErrorDetails) -> bool:
    """A list's "too short after validation" when its items failed: the items say why."""
    written = error.get("input")
    minimum = error.get("ctx", {}).get("min_length", 0)
    return error["type"] == "too_short" and isinstance(written, list) and len(written) >= minimum


def problem_for(error: ErrorDetails, sources: SourceMap, root: type[BaseModel]) -> Problem:
    """Locate one pydantic error at the node it concerns and say it in plain words."""
    loc: FieldPath = tuple(error["loc"])
    is_key = bool(loc) and loc[-1] == _KEY
    path = loc[:-1] if is_key else loc
    message, hint = _describe(error, path, root)
    if is_key or error["type"] == "extra_forbidden":
        where = sources.key(path)
    else:
        where = sources.value(path)
    return Problem.at(where, format_path(path), message, hint)
