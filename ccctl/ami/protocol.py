"""AMI wire format: framing and encoding, with no sockets involved.

An AMI message is a block of ``Key: Value`` lines ended by an empty line
(CRLF line ends). After connecting, Asterisk sends one banner line
(``Asterisk Call Manager/11.0.0``) before the first message.

>>> parser = Parser()
>>> parser.feed(b"Asterisk Call Manager/11.0.0\\r\\nResponse: Success\\r\\nActionID: 1\\r\\n")
[]
>>> [m.get("Response") for m in parser.feed(b"Message: Authentication accepted\\r\\n\\r\\n")]
['Success']
>>> parser.banner
'Asterisk Call Manager/11.0.0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class ProtocolError(ValueError):
    """Bytes that are not AMI, or an action that cannot be encoded safely."""


@dataclass(frozen=True)
class Message:
    """One AMI message. Keys may repeat (``Output:``, ``ChanVariable:``), so order is kept."""

    fields: tuple[tuple[str, str], ...]

    def get(self, key: str, default: str | None = None) -> str | None:
        lowered = key.lower()
        for name, value in self.fields:
            if name.lower() == lowered:
                return value
        return default

    def getall(self, key: str) -> list[str]:
        lowered = key.lower()
        return [value for name, value in self.fields if name.lower() == lowered]

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    @property
    def is_event(self) -> bool:
        return self.get("Event") is not None

    @property
    def is_response(self) -> bool:
        return self.get("Response") is not None

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")


def encode_action(action: str, action_id: str, fields: Mapping[str, str | Iterable[str]]) -> bytes:
    """Encode one action. Values that would break framing are refused, not escaped.

    >>> encode_action("Ping", "7", {})
    b'Action: Ping\\r\\nActionID: 7\\r\\n\\r\\n'
    >>> encode_action("DBPut", "8", {"Val": "a\\r\\nAction: Command"})
    Traceback (most recent call last):
    ...
    ccctl.ami.protocol.ProtocolError: AMI field 'Val' contains a line break; refused
    """
    lines = [f"Action: {action}", f"ActionID: {action_id}"]
    for key, value in fields.items():
        values = [value] if isinstance(value, str) else list(value)
        for item in values:
            if any(c in item for c in "\r\n") or any(c in key for c in "\r\n:"):
                raise ProtocolError(f"AMI field {key!r} contains a line break; refused")
            lines.append(f"{key}: {item}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Parser:
    """Incremental parser: feed it bytes as they arrive, get whole messages back."""

    def __init__(self) -> None:
        self._buffer = b""
        self.banner: str | None = None

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        if self.banner is None:
            line, sep, rest = self._buffer.partition(b"\r\n")
            if not sep:
                return []
            self.banner = line.decode(errors="replace")
            if not self.banner.startswith("Asterisk Call Manager/"):
                raise ProtocolError(f"not an AMI server: banner {self.banner[:60]!r}")
            self._buffer = rest
        messages: list[Message] = []
        while True:
            block, sep, rest = self._buffer.partition(b"\r\n\r\n")
            if not sep:
                return messages
            self._buffer = rest
            if block.strip():
                messages.append(_parse_block(block))


def _parse_block(block: bytes) -> Message:
    fields = []
    for raw in block.decode(errors="replace").split("\r\n"):
        key, sep, value = raw.partition(":")
        if sep:
            fields.append((key.strip(), value.strip()))
        elif raw.strip():
            # Older "Command" responses carry bare output lines.
            fields.append(("Output", raw))
    return Message(tuple(fields))
