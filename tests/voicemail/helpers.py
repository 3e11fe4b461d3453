"""Test data for voicemail: a spool laid out as app_voicemail leaves it, a mail sink."""

from __future__ import annotations

import asyncio
import io
import wave
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

ORIGTIME = 1_764_068_400  # 2025-11-25 11:00 UTC (12:00 in Stockholm)
CALLER = "+46701740605"  # PTS's fiction range


def wav_bytes(seconds: float = 0.5) -> bytes:
    """A real 8 kHz 16-bit mono WAV of silence, as Asterisk's 'wav' format writes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))
    return buffer.getvalue()


def description(msg_id: str, *, origtime: int = ORIGTIME, duration: int = 7,
                callerid: str = f'"Agda Påhittad" <{CALLER}>', mailbox: str = "socialtjanst"
                ) -> str:
    """A msgNNNN.txt as app_voicemail (Asterisk 22) writes it."""
    return (";\n; Message Information file\n;\n[message]\n"
            f"origmailbox={mailbox}\ncontext=ccctl-queue-{mailbox}\nmacrocontext=\n"
            "exten=noagents\nrdnis=unknown\npriority=2\n"
            "callerchan=PJSIP/operator-00000001\n"
            f"callerid={callerid}\norigdate=Tue Nov 25 11:00:00 AM UTC 2025\n"
            f"origtime={origtime}\ncategory=\nmsg_id={msg_id}\nflag=\n"
            f"duration={duration}\n")


def leave(spool: Path, mailbox: str, number: int, msg_id: str, *, folder: str = "INBOX",
          audio: bool = True, **fields: Any) -> Path:
    """Put message ``number`` into ``<spool>/ccctl/<mailbox>/<folder>/``; returns the .txt."""
    directory = spool / "ccctl" / mailbox / folder
    directory.mkdir(parents=True, exist_ok=True)
    if audio:
        (directory / f"msg{number:04d}.wav").write_bytes(wav_bytes())
    txt = directory / f"msg{number:04d}.txt"
    txt.write_text(description(msg_id, mailbox=mailbox, **fields))
    return txt


@dataclass
class MailSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 in the running loop, keeping each mail.

    ``refuse`` makes it answer DATA with that reply (e.g. ``"451 try later"``) instead.
    """

    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    async def __aenter__(self) -> MailSink:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: SMTP(self), "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
