"""The four identification steps a FastAGI request can ask for.

Each step talks to one channel, decides an :class:`Outcome` and never lets
the digits it collected leave this module: logs carry the channel's uniqueid
and a reason, the outcome carries the directory record (which holds no
personnummer or PIN) and the dialplan gets only the result variables.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from ccctl.ident import anumber, personnummer
from ccctl.ident.agichannel import AgiChannel
from ccctl.ident.directory import CallerDirectory
from ccctl.ident.models import NumberRule
from ccctl.ident.pin import PinError, verify_pin
from ccctl.ident.records import By, Record
from ccctl.ident.rules import check

log = logging.getLogger(__name__)

Status = Literal["identified", "unidentified", "failed"]
T = TypeVar("T")
FALLBACK_PROMPT = "beep"  # Asterisk core sound, present in every language directory
_PROMPT_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class RequestError(ValueError):
    """The dialplan asked for something ccctl cannot do (unknown directory, bad tries)."""


@dataclass(frozen=True)
class Rejected:
    """Why entered digits were refused, in words that never include them."""

    reason: str


@dataclass(frozen=True)
class Outcome:
    status: Status
    method: str
    record: Record | None = None
    ref: str = ""  # set without a record only for number rules with no directory


@dataclass(frozen=True)
class Steps:
    """What the steps need: the open directories, the rules, and the date of today."""

    directories: Mapping[str, CallerDirectory]
    rules: Mapping[str, NumberRule]
    today: Callable[[], date]
    digit_timeout_ms: int = 6000

    def handler(self, step: str) -> Callable[[AgiChannel], Awaitable[Outcome]]:
        table: dict[str, Callable[[AgiChannel], Awaitable[Outcome]]] = {
            "anumber": self.anumber, "personnummer": self.personnummer,
            "pin": self.pin, "number": self.number,
        }
        if step not in table:
            raise RequestError(f"unknown identification step {step!r}")
        return table[step]

    def _directory(self, channel: AgiChannel) -> tuple[str, CallerDirectory]:
        name = channel.request.params.get("directory", "")
        if name not in self.directories:
            raise RequestError(f"directory {name!r} is not configured (directories:)")
        return name, self.directories[name]

    async def _lookup(self, channel: AgiChannel, by: By, value: str, method: str) -> Outcome:
        name, directory = self._directory(channel)
        record = await directory.lookup(by, value)
        uid = channel.request.uniqueid
        if record is None:
            log.info("%s: %s: no record in directory %s", uid, method, name)
            return Outcome("unidentified", method)
        log.info("%s: %s: identified as record %s of directory %s", uid, method, record.id, name)
        return Outcome("identified", method, record)

    async def anumber(self, channel: AgiChannel) -> Outcome:
        uid = channel.request.uniqueid
        try:
            number = anumber.normalise(channel.request.callerid)
        except anumber.CallerIdError as exc:
            log.info("%s: anumber: %s", uid, exc)
            return Outcome("unidentified", "anumber")
        if number is None:
            log.info("%s: anumber: caller ID withheld or absent", uid)
            return Outcome("unidentified", "anumber")
        return await self._lookup(channel, "phone", number, "anumber")

    async def personnummer(self, channel: AgiChannel) -> Outcome:
        self._directory(channel)  # fail before asking the caller for anything

        def valid(digits: str) -> personnummer.Personnummer | Rejected:
            try:
                return personnummer.parse(digits, today=self.today())
            except personnummer.PersonnummerError as exc:
                return Rejected(str(exc))

        pnr = await self._collect(channel, "personnummer", 12, valid)
        if pnr is None:
            return Outcome("unidentified", "personnummer")
        return await self._lookup(channel, "personnummer", pnr.canonical(), "personnummer")

    async def pin(self, channel: AgiChannel) -> Outcome:
        uid = channel.request.uniqueid
        name, directory = self._directory(channel)
        ref = await channel.get_variable("CCCTL_ID_REF")
        record = await directory.lookup("id", ref) if ref else None
        if record is None or record.pin_hash is None:
            log.info("%s: pin: no identified caller with a PIN in directory %s; a PIN step "
                     "must follow an identifying step", uid, name)
            return Outcome("unidentified", "pin")
        stored = record.pin_hash

        def valid(digits: str) -> bool | Rejected:
            try:
                return True if verify_pin(digits, stored) else Rejected("PIN does not match")
            except PinError as exc:
                return Rejected(str(exc))

        if await self._collect(channel, "pin", 8, valid) is None:
            log.warning("%s: pin: every try failed for record %s", uid, record.id)
            return Outcome("failed", "pin")
        log.info("%s: pin: record %s authenticated", uid, record.id)
        return Outcome("identified", "pin", record)

    async def number(self, channel: AgiChannel) -> Outcome:
        rule_id = channel.request.params.get("rule", "")
        if rule_id not in self.rules:
            raise RequestError(f"number rule {rule_id!r} is not configured (number_rules:)")
        rule, method = self.rules[rule_id], f"number:{rule_id}"

        def valid(digits: str) -> str | Rejected:
            rejection = check(rule, digits)
            return digits if rejection is None else Rejected(f"rejected by rule: {rejection}")

        entered = await self._collect(channel, method, rule.max_length, valid)
        if entered is None:
            return Outcome("unidentified", method)
        if rule.directory is None:
            log.info("%s: %s: number accepted (no directory)", channel.request.uniqueid, method)
            return Outcome("identified", method, ref=entered)
        directory = self.directories.get(rule.directory)
        if directory is None:
            raise RequestError(f"directory {rule.directory!r} of rule {rule_id} is not open")
        record = await directory.lookup("number", entered)
        status: Status = "identified" if record is not None else "unidentified"
        log.info("%s: %s: %s", channel.request.uniqueid, method,
                 f"record {record.id}" if record else "no record")
        return Outcome(status, method, record)

    async def _collect(self, channel: AgiChannel, method: str, max_digits: int,
                       validate: Callable[[str], T | Rejected]) -> T | None:
        """Ask up to ``tries`` times; return the first valid value, or None."""
        uid, params = channel.request.uniqueid, channel.request.params
        tries = params.get("tries", "3")
        if not tries.isdigit() or not 1 <= int(tries) <= 5:
            raise RequestError("tries must be a whole number 1-5")
        prompt = await self._prompt(channel, params.get("prompt"))
        for attempt in range(1, int(tries) + 1):
            digits = await channel.get_data(prompt, self.digit_timeout_ms, max_digits)
            if not digits:
                log.info("%s: %s: try %d: nothing entered", uid, method, attempt)
                continue
            value = validate(digits)
            if not isinstance(value, Rejected):
                return value
            log.info("%s: %s: try %d: %s", uid, method, attempt, value.reason)
        return None

    async def _prompt(self, channel: AgiChannel, prompt_id: str | None) -> str:
        """``${CCCTL_PROMPTS}/<lang>/<id>`` when Asterisk has that file; a beep otherwise."""
        if prompt_id is None:
            return FALLBACK_PROMPT
        if not _PROMPT_ID.fullmatch(prompt_id):
            raise RequestError("prompt must be a prompt id")
        base = await channel.get_variable("CCCTL_PROMPTS")
        language = channel.request.language
        if not base or not re.fullmatch(r"[a-z]{2}", language):
            return FALLBACK_PROMPT
        path = f"{base}/{language}/{prompt_id}"
        if await channel.get_variable(f"STAT(e,{path}.wav)") != "1":
            log.warning("%s: prompt %s/%s.wav not found; playing a beep instead",
                        channel.request.uniqueid, language, prompt_id)
            return FALLBACK_PROMPT
        return path
