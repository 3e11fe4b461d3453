"""FastAGI wire format: the request headers, commands and responses; no sockets.

Asterisk opens a TCP connection per ``AGI(agi://...)`` and sends ``agi_*:
value`` lines ended by an empty line. Then the server sends one command per
line and reads one response per command, ``200 result=<r> [(<data>)]
[endpos=<n>]``; errors are ``510``, ``511`` (dead channel) and a ``520``
block. When the caller hangs up Asterisk also sends a bare ``HANGUP`` line.

Everything is parsed strictly. Error messages describe the shape of bad input
(its length, which header), never its content: a response to ``GET DATA``
carries the caller's digits.

>>> request = parse_request(["agi_network: yes", "agi_network_script: identify/pin?tries=2",
...     "agi_uniqueid: 1732520000.7", "agi_channel: PJSIP/operator-00000001",
...     "agi_language: sv", "agi_callerid: 0701740605"])
>>> request.step, request.params, request.uniqueid
('pin', {'tries': '2'}, '1732520000.7')
>>> parse_response("200 result=1 (sv)").data
'sv'
>>> encode_command("SET", "VARIABLE", "__CCCTL_ID_NAME", 'Alva "Test" Testsson')
b'SET VARIABLE __CCCTL_ID_NAME "Alva \\\\"Test\\\\" Testsson"\\n'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "HANGUP", "MAX_HEADER_LINES", "AgiCommandError", "AgiProtocolError", "AgiRequest",
    "AgiResponse", "encode_command", "parse_request", "parse_response",
]

HANGUP = "HANGUP"
MAX_HEADER_LINES = 64
MAX_LINE = 4096
_HEADER = re.compile(r"^(agi_[a-z0-9_]+): ?(.*)$")
_RESPONSE = re.compile(
    r"^200 result=(?P<result>\S*)(?: \((?P<data>.*)\))?(?: endpos=(?P<endpos>-?[0-9]+))?$")
_ERROR = re.compile(r"^(?P<code>5[0-9]{2})[ -]")
_STEP = re.compile(r"^/?identify/(?P<step>[a-z]+)$")
_REQUIRED = ("agi_network_script", "agi_uniqueid", "agi_channel", "agi_language",
             "agi_callerid")


class AgiProtocolError(ValueError):
    """Input that is not FastAGI. The message never contains the input itself."""


class AgiCommandError(RuntimeError):
    """Asterisk refused a command (510 unknown, 511 dead channel, 520 bad syntax)."""

    def __init__(self, code: int, command: str) -> None:
        super().__init__(f"Asterisk answered {code} to AGI {command}")
        self.code = code


@dataclass(frozen=True)
class AgiRequest:
    """The headers of one FastAGI request, and the step and parameters of its URL."""

    headers: dict[str, str] = field(repr=False)  # agi_callerid is personal data
    step: str
    params: dict[str, str]

    @property
    def uniqueid(self) -> str:
        return self.headers["agi_uniqueid"]

    @property
    def channel(self) -> str:
        return self.headers["agi_channel"]

    @property
    def language(self) -> str:
        return self.headers["agi_language"]

    @property
    def callerid(self) -> str:
        return self.headers["agi_callerid"]


@dataclass(frozen=True)
class AgiResponse:
    """A ``200`` response. ``result`` and ``data`` may be the caller's digits: not in repr."""

    result: str = field(repr=False)
    data: str | None = field(default=None, repr=False)
    endpos: int | None = None


def parse_request(lines: list[str]) -> AgiRequest:
    """Parse the header lines (without the final empty line) of a FastAGI request."""
    if len(lines) > MAX_HEADER_LINES:
        raise AgiProtocolError(f"AGI request has more than {MAX_HEADER_LINES} header lines")
    headers: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if match is None:
            raise AgiProtocolError(f"AGI request header line {number} is not 'agi_<name>: "
                                   f"<value>' ({len(line)} characters)")
        headers[match[1]] = match[2]
    missing = [name for name in _REQUIRED if name not in headers]
    if missing:
        raise AgiProtocolError(f"AGI request lacks header(s) {', '.join(missing)}")
    if not re.fullmatch(r"[0-9]+\.[0-9]+", headers["agi_uniqueid"]):
        raise AgiProtocolError("AGI request header agi_uniqueid is not '<seconds>.<n>'")
    url = urlsplit(headers["agi_network_script"])
    step = _STEP.match(url.path)
    if step is None:
        raise AgiProtocolError(f"AGI request for unknown path {url.path[:60]!r}; ccctl "
                               "serves /identify/<anumber|personnummer|pin|number>")
    try:
        params = dict(parse_qsl(url.query, strict_parsing=bool(url.query)))
    except ValueError:
        raise AgiProtocolError("AGI request URL has a malformed query string") from None
    return AgiRequest(headers, step["step"], params)


def parse_response(line: str, command: str = "command") -> AgiResponse:
    """Parse one response line to ``command`` (its verb, e.g. ``GET DATA``).

    5xx raise AgiCommandError with the code; anything else unexpected raises
    AgiProtocolError.
    """
    match = _RESPONSE.match(line)
    if match is not None:
        endpos = match["endpos"]
        return AgiResponse(match["result"], match["data"],
                           int(endpos) if endpos is not None else None)
    error = _ERROR.match(line)
    if error is not None:
        raise AgiCommandError(int(error["code"]), command)
    raise AgiProtocolError(f"malformed AGI response to {command} ({len(line)} characters)")


def _quote(word: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in word):
        raise AgiProtocolError("AGI command argument contains a control character; refused")
    if word and not any(c in word for c in ' "\\\t'):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_command(*words: str) -> bytes:
    """One command line; arguments with spaces or quotes are quoted as Asterisk parses them."""
    return (" ".join(_quote(word) for word in words) + "\n").encode()
