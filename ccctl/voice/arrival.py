"""What the dialplan tells the daemon about a caller, as ``Stasis`` arguments.

``Stasis(app,queue,QUEUE,SKILLS,PRIORITY,PROMPTS,ID_STATUS,ID_METHOD,ID_NAME,ID_REF,PATH)``
with the free-text fields URI-encoded by the generated dialplan (skills
contain commas). Missing trailing fields are fine: an older dialplan, or a
test, may send only the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

_FIELDS = ("skills", "priority", "prompts", "id_status", "id_method", "id_name", "id_ref",
           "menu_path")


@dataclass(frozen=True)
class Arrival:
    queue: str
    skills: dict[str, int] = field(default_factory=dict)
    priority: int = 0
    prompts: str = ""
    identification: dict[str, str] = field(default_factory=dict, repr=False)
    menu_path: str = ""


def parse_args(args: tuple[str, ...] | list[str]) -> Arrival:
    """``("queue", QUEUE, …)`` → :class:`Arrival` (the leading "queue" included)."""
    values = dict(zip(_FIELDS, (unquote(a) for a in args[2:]), strict=False))
    identification = {k.removeprefix("id_"): v for k, v in values.items()
                      if k.startswith("id_") and v}
    return Arrival(queue=args[1], skills=parse_skills(values.get("skills", "")),
                   priority=_int(values.get("priority", "")), prompts=values.get("prompts", ""),
                   identification=identification, menu_path=values.get("menu_path", ""))


def parse_skills(text: str) -> dict[str, int]:
    """``bygglov:3,engelska:2`` (set by the menus) → {"bygglov": 3, "engelska": 2}."""
    skills: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, level = part.partition(":")
        skills[name] = min(5, max(1, _int(level) or 1))
    return skills


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
