"""Checks that span objects: references, uniqueness, and queues nobody can serve.

Run after the models are built. Each problem is located at the node that holds
the bad reference or the second occurrence of a duplicate, and names the first
occurrence, so that an administrator can jump straight to both.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Protocol

import phonenumbers

from ccctl.config.errors import Problem, Severity, format_path
from ccctl.config.models import ContactCenter, Queue
from ccctl.config.sourcemap import FieldPath, SourceMap
from ccctl.menus.crossref import check as check_ivr
from ccctl.menus.plan import mailboxes
from ccctl.voicemail.config import VoicemailNotify


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


class _Checker:
    def __init__(self, config: ContactCenter, sources: SourceMap) -> None:
        self.config = config
        self.sources = sources
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: FieldPath, message: str, hint: str = "", *, key: bool = False) -> None:
        where = self.sources.key(path) if key else self.sources.value(path)
        self.errors.append(Problem.at(where, format_path(path), message, hint))

    def warn(self, path: FieldPath, message: str, hint: str = "") -> None:
        where = self.sources.value(path)
        self.warnings.append(
            Problem.at(where, format_path(path), message, hint, Severity.WARNING)
        )

    def unique(self, what: str, values: Iterable[tuple[FieldPath, str]]) -> None:
        """Report every value after its first occurrence, naming where it first was."""
        first: dict[str, FieldPath] = {}
        for path, value in values:
            if value in first:
                self.already(path, what, value, first[value])
            else:
                first[value] = path

    def already(self, path: FieldPath, what: str, value: str, first: FieldPath) -> None:
        self.error(path, f"{what} {value!r} is already used at {self.sources.value(first)}",
                   f"give each a different {what}")

    def known(self, path: FieldPath, kind: str, name: str, defined: Iterable[str],
              *, key: bool = False, section: str = "") -> None:
        names = list(defined)
        if name in names:
            return
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}?" if close
                else f"define it under '{section or kind + 's'}:'"
                + (f" (defined: {', '.join(names)})" if names else ""))
        self.error(path, f"{kind} {name!r} is not defined", hint, key=key)


def check(config: ContactCenter, sources: SourceMap) -> tuple[list[Problem], list[Problem]]:
    """Cross-reference ``config``; returns ``(errors, warnings)``, each located via ``sources``."""
    checker = _Checker(config, sources)
    _unique_ids(checker)
    _agents(checker)
    _queues(checker)
    _entry_points(checker)
    _outbound(checker)
    _voicemail(checker)
    check_ivr(checker)
    return checker.errors, checker.warnings


def _unique_ids(checker: _Checker) -> None:
    config = checker.config
    lists: dict[str, tuple[_HasId, ...]] = {
        "skills": config.skills, "groups": config.groups, "agents": config.agents,
        "queues": config.queues, "entry_points": config.entry_points, "trunks": config.trunks,
        "directory": config.directory,
    }
    for name, items in lists.items():
        checker.unique("id", (((name, index, "id"), item.id) for index, item in enumerate(items)))
    checker.unique("extension", ((("agents", index, "extension"), agent.extension)
                                 for index, agent in enumerate(config.agents)))


def _agents(checker: _Checker) -> None:
    config = checker.config
    skills = [skill.id for skill in config.skills]
    groups = [group.id for group in config.groups]
    for index, agent in enumerate(config.agents):
        for skill in agent.skills:
            checker.known(("agents", index, "skills", skill), "skill", skill, skills, key=True)
        for position, group in enumerate(agent.groups):
            checker.known(("agents", index, "groups", position), "group", group, groups)
        for position, language in enumerate(agent.languages):
            _offered(checker, ("agents", index, "languages", position), language)


def _queues(checker: _Checker) -> None:
    config = checker.config
    skills = [skill.id for skill in config.skills]
    for index, queue in enumerate(config.queues):
        for skill in queue.skills:
            checker.known(("queues", index, "skills", skill), "skill", skill, skills, key=True)
        if queue.callback is not None and queue.callback.hours is not None:
            checker.known(("queues", index, "callback", "hours"), "hours schedule",
                          queue.callback.hours, [s.id for s in config.hours], section="hours")
        if not any(_can_serve(agent.skills, queue) for agent in config.agents):
            required = ", ".join(f"{s} ≥ {level}" for s, level in queue.skills.items())
            checker.warn(("queues", index, "skills"),
                         f"no agent can serve queue {queue.id!r}"
                         + (f" (needs {required})" if required else " (there are no agents)"),
                         "give at least one agent these skills at these levels")
    for index, tile in enumerate(config.wallboard.tiles):
        checker.known(("wallboard", "tiles", index), "queue", tile,
                      [q.id for q in config.queues], section="queues")


def _can_serve(agent_skills: Mapping[str, int], queue: Queue) -> bool:
    return all(agent_skills.get(skill, 0) >= level for skill, level in queue.skills.items())


def _entry_points(checker: _Checker) -> None:
    config = checker.config
    queues = [queue.id for queue in config.queues]
    for index, entry in enumerate(config.entry_points):
        if entry.destination is not None:
            checker.known(("entry_points", index, "destination", "queue"), "queue",
                          entry.destination.queue, queues)
        if entry.language is not None:
            _offered(checker, ("entry_points", index, "language"), entry.language)
    _numbers_once(checker)


def _outbound(checker: _Checker) -> None:
    config = checker.config
    if config.outbound.trunk is not None:
        trunks = [trunk.id for trunk in config.trunks if trunk.host]
        checker.known(("outbound", "trunk"), "trunk with a host", config.outbound.trunk,
                      trunks, section="trunks")
    for index, entry in enumerate(config.directory):
        if not config.outbound.permits(entry.number):
            checker.error(("directory", index, "number"),
                          f"{entry.number} is not a number outbound calls may reach",
                          "add its prefix to outbound.allow, or remove it from outbound.deny")


def _voicemail(checker: _Checker) -> None:
    """Who is told of a mailbox's messages: known agents, reachable as configured."""
    config = checker.config
    owners: list[tuple[FieldPath, str, VoicemailNotify | None]] = [
        (("queues", i), q.id, q.voicemail) for i, q in enumerate(config.queues)]
    owners += [(("entry_points", i), e.id, e.voicemail)
               for i, e in enumerate(config.entry_points)]
    used = {box.id for box in mailboxes(config)}
    for path, owner, notify in owners:
        if notify is None:
            if owner in used:
                checker.warn((*path, "id"), f"messages left in mailbox {owner!r} notify "
                             "nobody; only supervisors see them",
                             "add voicemail: {notify: [agent ids]} here")
            continue
        _notify(checker, (*path, "voicemail"), notify)
        if owner not in used:
            checker.warn((*path, "voicemail"), f"no action leaves voicemail in mailbox "
                         f"{owner!r}, so nobody will be notified",
                         f"send callers there with {{action: voicemail, mailbox: {owner}}} "
                         "(no_agents, closed or a menu option), or remove this")


def _notify(checker: _Checker, path: FieldPath, notify: VoicemailNotify) -> None:
    config = checker.config
    agents = {agent.id: agent for agent in config.agents}
    if notify.sms and config.sms is None:
        checker.error((*path, "sms"), "SMS notices need an 'sms:' section (the provider)",
                      "add one (see docs/sms.md), or set sms: false")
    if notify.email and config.smtp is None:
        checker.error((*path, "email"), "e-mail notices need an 'smtp:' section (the relay)",
                      "add one (see docs/voicemail.md), or set email: false")
    checker.unique("agent", (((*path, "notify", i), agent)
                             for i, agent in enumerate(notify.notify)))
    for position, agent_id in enumerate(notify.notify):
        where: FieldPath = (*path, "notify", position)
        checker.known(where, "agent", agent_id, agents)
        agent = agents.get(agent_id)
        if agent is not None and notify.sms and agent.mobile is None:
            checker.warn(where, f"agent {agent_id!r} has no mobile number, so gets no SMS",
                         "add mobile: +46… to the agent")
        if agent is not None and notify.email and agent.email is None:
            checker.warn(where, f"agent {agent_id!r} has no e-mail address, so gets no "
                         "e-mail", "add email: … to the agent")


def _numbers_once(checker: _Checker) -> None:
    """A number reaches one entry point; ``0846500400`` and ``+46846500400`` are one number.

    One entry point may list a number in several forms, since operators deliver
    the dialled number differently; two entry points may not share it.
    """
    first: dict[str, tuple[int, str, FieldPath]] = {}
    for index, entry in enumerate(checker.config.entry_points):
        for position, number in enumerate(entry.numbers):
            path: FieldPath = ("entry_points", index, "numbers", position)
            seen = first.setdefault(_e164(number), (index, number, path))
            if seen[2] != path and (seen[0] != index or seen[1] == number):
                checker.already(path, "number", number, seen[2])


def _e164(number: str, region: str = "SE") -> str:
    """``0846500400`` and ``+46846500400`` are one number; short numbers stay as written."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _offered(checker: _Checker, path: FieldPath, language: str) -> None:
    offered = checker.config.site.languages
    if language not in offered:
        checker.error(path, f"language {language!r} is not one of site.languages",
                      f"add it to site.languages or use one of {', '.join(offered)}")
