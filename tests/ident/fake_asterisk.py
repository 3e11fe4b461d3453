"""A fake Asterisk channel that speaks the real FastAGI wire format over TCP.

It sends the request headers Asterisk 22 sends (recorded, see
test_agi_protocol.py), then answers each command as Asterisk does: channel
variables and functions, ``STAT(e,...)`` from a set of existing files,
``GET DATA`` from the digits the "caller" types next. Tests assert on what
ccctl did to the channel: the variables it set and the commands it sent.
"""

from __future__ import annotations

import asyncio
import re
import shlex
from dataclasses import dataclass, field

RECORDED_HEADERS = {
    "agi_network": "yes",
    "agi_network_script": "identify/number?rule=kundnummer&tries=2&prompt=beep",
    "agi_request": "agi://127.0.0.1:54241/identify/number?rule=kundnummer&tries=2&prompt=beep",
    "agi_channel": "PJSIP/operator-00000000",
    "agi_language": "en",
    "agi_type": "PJSIP",
    "agi_uniqueid": "1795589228.0",
    "agi_version": "22.10.1+dfsg+~cs6.17.60671434-1",
    "agi_callerid": "operator",
    "agi_calleridname": "unknown",
    "agi_callingpres": "0",
    "agi_callingani2": "0",
    "agi_callington": "0",
    "agi_callingtns": "0",
    "agi_dnid": "+46846500499",
    "agi_rdnis": "unknown",
    "agi_context": "ccctl-inbound",
    "agi_extension": "+46846500499",
    "agi_priority": "3",
    "agi_enhanced": "0.0",
    "agi_accountcode": "",
    "agi_threadid": "140506162050752",
}


@dataclass
class FakeChannel:
    """One call: what the caller types, which files exist, what ccctl did."""

    script: str  # e.g. "identify/personnummer?directory=kunder&tries=2"
    typed: list[str] = field(default_factory=list)  # one entry per GET DATA
    callerid: str = "operator"
    language: str = "en"
    variables: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    hang_up_at_get_data: bool = False
    raw_replies: dict[str, str] = field(default_factory=dict)  # command prefix → reply line
    commands: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)

    def headers(self) -> bytes:
        headers = dict(RECORDED_HEADERS, agi_network_script=self.script,
                       agi_request=f"agi://127.0.0.1:4573/{self.script}",
                       agi_callerid=self.callerid, agi_language=self.language)
        return "".join(f"{k}: {v}\n" for k, v in headers.items()).encode() + b"\n"

    def set_by_ccctl(self) -> dict[str, str]:
        """Variables ccctl set (names without the inheritance prefix)."""
        return {k.lstrip("_"): v for k, v in self.variables.items() if k.startswith("__")}

    def answer(self, line: str) -> list[str]:
        self.commands.append(line)
        for prefix, reply in self.raw_replies.items():
            if line.startswith(prefix):
                return [reply]
        words = shlex.split(line)
        verb = " ".join(words[:3])
        if verb == "GET FULL VARIABLE":
            return [f"200 result=1 ({self._expand(words[3])})"]
        if verb.startswith("SET VARIABLE"):
            self.variables[words[2]] = words[3]
            return ["200 result=1"]
        if verb.startswith("GET DATA"):
            return self._get_data(words)
        return ["510 Invalid or unknown command"]

    def _expand(self, expression: str) -> str:
        match = re.fullmatch(r"\$\{(.*)\}", expression)
        assert match, f"GET FULL VARIABLE of {expression!r}"
        inner = match[1]
        stat = re.fullmatch(r"STAT\(e,(.*)\)", inner)
        if stat:
            return "1" if stat[1] in self.files else "0"
        return self.variables.get(inner, self.variables.get("__" + inner, ""))

    def _get_data(self, words: list[str]) -> list[str]:
        assert len(words) == 5 and words[3].isdigit() and words[4].isdigit(), words
        self.prompts.append(words[2])
        if self.hang_up_at_get_data:
            return ["HANGUP", "200 result=-1"]
        if not self.typed:
            return ["200 result= (timeout)"]
        digits = self.typed.pop(0)[: int(words[4])]
        return [f"200 result={digits}"]


async def call(port: int, channel: FakeChannel, *, wait_s: float = 10.0) -> None:
    """Connect to ccctl as Asterisk would and play ``channel`` until ccctl hangs up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(channel.headers())
        await writer.drain()
        while line := await asyncio.wait_for(reader.readline(), wait_s):
            for reply in channel.answer(line.decode().rstrip("\n")):
                writer.write(reply.encode() + b"\n")
            await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()
