"""One FastAGI connection seen as a channel: commands in, parsed responses out.

Transcripts recorded from Asterisk 22 exercise it in
tests/ident/test_agi_protocol.py.
"""

from __future__ import annotations

import asyncio

from ccctl.ident.agiprotocol import (
    HANGUP,
    MAX_HEADER_LINES,
    MAX_LINE,
    AgiProtocolError,
    AgiRequest,
    AgiResponse,
    encode_command,
    parse_request,
    parse_response,
)

__all__ = ["AgiChannel", "CallerHungUp", "read_request"]


class CallerHungUp(Exception):  # noqa: N818 - an event, not a fault
    """The channel hung up while ccctl was talking to it."""


async def _read_line(reader: asyncio.StreamReader, wait_s: float) -> str:
    try:
        raw = await asyncio.wait_for(reader.readline(), wait_s)
    except TimeoutError:
        raise AgiProtocolError(f"no line from Asterisk within {wait_s:.0f} s") from None
    except ValueError:  # the StreamReader limit
        raise AgiProtocolError(f"AGI line longer than {MAX_LINE} bytes") from None
    if not raw.endswith(b"\n"):
        raise AgiProtocolError("Asterisk closed the AGI connection")
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise AgiProtocolError(f"AGI line is not UTF-8 ({len(raw)} bytes)") from None


async def read_request(reader: asyncio.StreamReader, wait_s: float = 10.0) -> AgiRequest:
    """Read and parse the request headers up to the empty line."""
    lines: list[str] = []
    while (line := await _read_line(reader, wait_s)) != "":
        lines.append(line)
        if len(lines) > MAX_HEADER_LINES:
            break
    return parse_request(lines)


class AgiChannel:
    """Commands for one call. Every response is parsed strictly; never logged."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 request: AgiRequest, *, command_timeout: float = 120.0) -> None:
        self._reader = reader
        self._writer = writer
        self.request = request
        self._timeout = command_timeout
        self.hung_up = False

    async def command(self, *words: str) -> AgiResponse:
        """Send one command; raise CallerHungUp on a dead channel."""
        verb = " ".join(words[:2])
        self._writer.write(encode_command(*words))
        await self._writer.drain()
        while True:
            line = await _read_line(self._reader, self._timeout)
            if line == HANGUP:
                # Asterisk announces the hangup, then still answers the command.
                self.hung_up = True
                continue
            if line.startswith("520-"):
                await self._skip_usage()
            if line.startswith("511 "):
                self.hung_up = True
                raise CallerHungUp()
            return parse_response("520 " if line.startswith("520-") else line, verb)

    async def _skip_usage(self) -> None:
        for _ in range(MAX_HEADER_LINES):
            if (await _read_line(self._reader, self._timeout)).startswith("520 "):
                return
        raise AgiProtocolError("AGI 520 usage block does not end")

    async def get_variable(self, name: str) -> str | None:
        """A channel variable or dialplan function value; None when unset."""
        response = await self.command("GET", "FULL", "VARIABLE", "${" + name + "}")
        if response.result == "1":
            return response.data or ""
        if response.result == "0":
            return None
        raise AgiProtocolError("GET FULL VARIABLE answered a result other than 0 or 1")

    async def set_variable(self, name: str, value: str) -> None:
        response = await self.command("SET", "VARIABLE", name, value)
        if response.result != "1":
            raise AgiProtocolError(f"SET VARIABLE {name} was not accepted")

    async def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> str:
        """Play ``prompt`` and collect up to ``max_digits`` digits (``#`` ends early).

        Returns the digits, possibly none (timeout). Raises CallerHungUp.
        """
        response = await self.command("GET", "DATA", prompt, str(timeout_ms), str(max_digits))
        if response.result == "-1":
            self.hung_up = True
            raise CallerHungUp()
        if not all(c in "0123456789*" for c in response.result):
            raise AgiProtocolError("GET DATA answered something other than digits")
        if response.data not in (None, "timeout"):
            raise AgiProtocolError("GET DATA answered an unknown qualifier")
        return response.result
