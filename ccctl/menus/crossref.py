"""Cross-references of the IVR: menus, opening hours, prompts, identification.

Called by :func:`ccctl.config.crossref.check`; every problem points at the
YAML node holding the bad reference, like the rest of the checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from ccctl.config.sourcemap import FieldPath
from ccctl.menus.models import Action, IdentifyAction, MessageAction

if TYPE_CHECKING:  # a real import would be circular
    from ccctl.config.models import ContactCenter


class Checker(Protocol):
    config: ContactCenter

    def error(self, path: FieldPath, message: str, hint: str = "", *,
              key: bool = False) -> None: ...

    def unique(self, what: str, values: Iterable[tuple[FieldPath, str]]) -> None: ...

    def known(self, path: FieldPath, kind: str, name: str, defined: Iterable[str],
              *, key: bool = False, section: str = "") -> None: ...


def check(checker: Checker) -> None:
    config = checker.config
    ids: dict[str, list[str]] = {
        "menus": [m.id for m in config.menus], "hours": [h.id for h in config.hours],
        "prompts": [p.id for p in config.prompts],
        "directories": [d.id for d in config.directories],
        "number_rules": [r.id for r in config.number_rules],
    }
    for name, values in ids.items():
        checker.unique("id", (((name, index, "id"), value) for index, value in enumerate(values)))
    _entries(checker)
    _menus(checker)
    for index, queue in enumerate(config.queues):
        if queue.no_agents is not None:
            path: FieldPath = ("queues", index, "no_agents")
            _action(checker, path, queue.no_agents, in_menu=False)
            if getattr(queue.no_agents, "queue", None) == queue.id:
                checker.error((*path, "queue"), f"queue {queue.id!r} overflows to itself",
                              "name another queue, or use {action: wait}")


def _entries(checker: Checker) -> None:
    config = checker.config
    menus = [menu.id for menu in config.menus]
    for index, entry in enumerate(config.entry_points):
        path: FieldPath = ("entry_points", index)
        if entry.hours is not None:
            checker.known((*path, "hours"), "schedule", entry.hours,
                          [s.id for s in config.hours], section="hours")
        if entry.closed is not None:
            _action(checker, (*path, "closed"), entry.closed, in_menu=False)
        if entry.anumber_directory is not None:
            checker.known((*path, "anumber_directory"), "directory", entry.anumber_directory,
                          [d.id for d in config.directories], section="directories")
        if entry.greeting is not None:
            _prompt(checker, (*path, "greeting"), entry.greeting)
        if entry.language_menu is not None:
            checker.known((*path, "language_menu"), "menu", entry.language_menu, menus)
        if isinstance(entry.menu, str):
            checker.known((*path, "menu"), "menu", entry.menu, menus)
        elif entry.menu is not None:
            for language, menu in entry.menu.items():
                _offered(checker, (*path, "menu", language), language, key=True)
                checker.known((*path, "menu", language), "menu", menu, menus)
            if config.site.default_language not in entry.menu:
                checker.error((*path, "menu"), "no menu for the default language "
                              f"{config.site.default_language!r}",
                              "add one: it also serves languages without their own menu")
        if entry.menu is None and entry.language_menu is not None:
            checker.error((*path, "language_menu"), "a language menu needs a 'menu' to follow",
                          "add menu: <id> (or one per language)")


def _menus(checker: Checker) -> None:
    for index, menu in enumerate(checker.config.menus):
        path: FieldPath = ("menus", index)
        _prompt(checker, (*path, "prompt"), menu.prompt)
        for field in ("invalid_prompt", "timeout_prompt"):
            value = getattr(menu, field)
            if value is not None:
                _prompt(checker, (*path, field), value)
        for key, option in menu.options.items():
            _action(checker, (*path, "options", key), option, in_menu=True)
        _action(checker, (*path, "final"), menu.final, in_menu=False)


def _action(checker: Checker, path: FieldPath, action: Action, *, in_menu: bool) -> None:
    """Check what ``action`` names; ``in_menu``: it is a menu option (can return to it)."""
    config = checker.config
    queues = [q.id for q in config.queues]
    entries = [e.id for e in config.entry_points]
    match action.action:
        case "queue" | "callback":
            checker.known((*path, "queue"), "queue", action.queue, queues)
        case "menu":
            checker.known((*path, "menu"), "menu", action.menu,
                          [m.id for m in config.menus])
        case "entry":
            checker.known((*path, "entry"), "entry point", action.entry,
                          entries, section="entry_points")
        case "voicemail":
            checker.known((*path, "mailbox"), "mailbox (queue or entry point id)",
                          action.mailbox, queues + entries,
                          section="queues' or 'entry_points")
        case "transfer":
            _transfer(checker, path, action.trunk)
        case "language":
            _offered(checker, (*path, "language"), action.language)
        case _:
            pass
    for skill in getattr(action, "skills", {}):
        checker.known((*path, "skills", skill), "skill", skill,
                      [s.id for s in config.skills], key=True)
    for field in ("prompt", "unavailable_prompt"):
        value = getattr(action, field, None)
        if value is not None:
            _prompt(checker, (*path, field), value)
    if isinstance(action, MessageAction) and action.then == "menu" and not in_menu:
        checker.error((*path, "then"), "'then: menu' only works for a menu option",
                      "use then: hangup here")
    if isinstance(action, IdentifyAction):
        _identify(checker, path, action)


def _transfer(checker: Checker, path: FieldPath, trunk: str | None) -> None:
    trunks = checker.config.trunks
    if trunk is not None:
        checker.known((*path, "trunk"), "trunk", trunk, [t.id for t in trunks])
    elif not any(t.host for t in trunks):
        checker.error(path, "a transfer needs a trunk with a 'host' to dial out through",
                      "add host: to a trunk, or name one with trunk: <id>")


def _identify(checker: Checker, path: FieldPath, action: IdentifyAction) -> None:
    config = checker.config
    if action.method == "number":
        if action.rule is None:
            checker.error(path, "method 'number' needs 'rule: <number rule id>'")
        else:
            checker.known((*path, "rule"), "number rule", action.rule,
                          [r.id for r in config.number_rules], section="number_rules")
    elif action.directory is None:
        checker.error(path, f"method {action.method!r} needs 'directory: <directory id>'")
    else:
        checker.known((*path, "directory"), "directory", action.directory,
                      [d.id for d in config.directories], section="directories")
    _action(checker, (*path, "then"), action.then, in_menu=False)


def _prompt(checker: Checker, path: FieldPath, prompt: str) -> None:
    checker.known(path, "prompt", prompt, [p.id for p in checker.config.prompts])


def _offered(checker: Checker, path: FieldPath, language: str, *, key: bool = False) -> None:
    offered = checker.config.site.languages
    if language not in offered:
        checker.error(path, f"language {language!r} is not one of site.languages",
                      f"add it to site.languages or use one of {', '.join(offered)}", key=key)
