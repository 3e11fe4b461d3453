"""Set, clear and list storm messages in AstDB over AMI.

One key per entry point (or ``all``) in family ``ccctl-storm``, so that a set
or a clear is one atomic ``DBPut``/``DBDel``. The value is
``<from-epoch>|<until-epoch>|<mode>|<prompt id>``; until 0 means no expiry.
The dialplan ignores a message before its from time and after its until time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum

from ccctl.ami import AmiClient, AmiError

log = logging.getLogger(__name__)

FAMILY = "ccctl-storm"
ALL = "all"


class Mode(StrEnum):
    CONTINUE = "continue"  # then the normal menu
    HANGUP = "hangup"  # the call ends after the message


@dataclass(frozen=True)
class StormMessage:
    prompt: str
    mode: Mode = Mode.CONTINUE
    start: int = 0  # epoch seconds; 0 = now
    until: int = 0  # epoch seconds; 0 = until cleared

    def encode(self) -> str:
        return f"{self.start}|{self.until}|{self.mode.value}|{self.prompt}"

    @classmethod
    def decode(cls, value: str) -> StormMessage:
        start, until, mode, prompt = value.split("|", 3)
        return cls(prompt, Mode(mode), int(start), int(until))

    def describe(self, now: dt.datetime) -> str:
        def when(epoch: int) -> str:
            return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="minutes")

        state = "in force"
        if self.start and self.start > now.timestamp():
            state = f"from {when(self.start)}"
        if self.until and self.until < now.timestamp():
            state = "expired"
        until = f" until {when(self.until)}" if self.until else ""
        return f"prompt {self.prompt}, then {self.mode.value}; {state}{until}"


async def set_message(ami: AmiClient, key: str, message: StormMessage) -> None:
    await ami.action("DBPut", Family=FAMILY, Key=key, Val=message.encode())
    log.info("storm message for %s set: %s", key, message.encode())


async def clear(ami: AmiClient, key: str) -> bool:
    """Remove the message for ``key``; False when there was none."""
    try:
        await ami.action("DBDel", Family=FAMILY, Key=key)
    except AmiError as exc:
        if "not found" in str(exc).lower() or "failed" in str(exc).lower():
            return False
        raise
    log.info("storm message for %s cleared", key)
    return True


async def show(ami: AmiClient, keys: list[str]) -> dict[str, StormMessage]:
    """The messages stored for ``keys`` (entry ids and ``all``)."""
    found: dict[str, StormMessage] = {}
    for key in keys:
        value = await get(ami, FAMILY, key)
        if value:
            found[key] = StormMessage.decode(value)
    return found


async def get(ami: AmiClient, family: str, key: str) -> str | None:
    """One AstDB value, or None when the key does not exist."""
    try:
        events = await ami.action_list("DBGet", Family=family, Key=key)
    except AmiError as exc:
        if "not found" in str(exc).lower():
            return None
        raise
    return next((e.get("Val") for e in events if e.get("Val") is not None), None)
