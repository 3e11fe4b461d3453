"""Asterisk's voicemail spool, read: the messages app_voicemail leaves in the files.

app_voicemail (file storage) records into ``<spool>/<context>/<mailbox>/tmp/`` and,
once the recording is over, renames the audio and then the description into a
folder: ``INBOX/msg0000.wav`` and ``INBOX/msg0000.txt``. So a ``.txt`` found in a
folder is complete. Numbers are reused (the first free one) and change when a
message moves folder, so a message is known by its ``msg_id`` (Asterisk 11+), not
by its file name.

The description is an INI-like file::

    [message]
    origmailbox=socialtjanst
    callerid="Agda Påhittad" <+46701740605>
    origtime=1764068400
    msg_id=1764068400-00000000
    duration=7

>>> info = parse_description("[message]\\ncallerid=\\"Agda\\" <0701740605>\\n"
...                          "origtime=1764068400\\nmsg_id=1764068400-00000000\\nduration=7\\n")
>>> info.caller, info.caller_name, info.received_at, info.duration_s, info.msg_id
('+46701740605', 'Agda', 1764068400.0, 7, '1764068400-00000000')
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

log = logging.getLogger(__name__)

DEFAULT_SPOOL = "/var/spool/asterisk/voicemail"
SANDBOX_PREFIX = "sandbox:"
_CALLERID = re.compile(r'^\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^<]*?))\s*<(?P<number>[^>]*)>\s*$')
_AUDIO = (".wav", ".WAV")  # "wav" is 16-bit PCM, "WAV" GSM in a WAV container (wav49)


class SpoolFormatError(ValueError):
    """A description file that is not (yet) a complete message; says which and why."""


@dataclass(frozen=True)
class Description:
    """What a ``msgNNNN.txt`` says about one message."""

    msg_id: str
    received_at: float  # origtime, epoch seconds
    duration_s: int
    caller: str  # E.164 when it parses as a number, as delivered otherwise; "" withheld
    caller_name: str


@dataclass(frozen=True)
class SpoolMessage:
    """A complete message found in the spool."""

    id: str  # "<mailbox>-<msg_id>": stable while Asterisk renumbers
    mailbox: str
    audio: str  # the recording, relative to the spool
    info: Description
    description: Path  # the .txt, and its (size, mtime) when read: see SpoolScanner.mark
    stamp: tuple[int, int] = (0, 0)


def parse_description(text: str, region: str = "SE") -> Description:
    """The ``[message]`` section of a description; :class:`SpoolFormatError` if incomplete."""
    values: dict[str, str] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "message" and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    try:
        received_at = float(values["origtime"])
        duration = int(values["duration"])
    except KeyError as exc:
        raise SpoolFormatError(f"no {exc.args[0]}= line in [message]") from None
    except ValueError as exc:
        raise SpoolFormatError(f"origtime or duration is not a number: {exc}") from None
    msg_id = values.get("msg_id") or ""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", msg_id):
        # Before Asterisk 11 there was no msg_id: the original time and caller stand in.
        digest = hashlib.sha256(f"{received_at}|{values.get('callerid', '')}".encode())
        msg_id = f"t{digest.hexdigest()[:16]}"
    name, number = parse_callerid(values.get("callerid", ""))
    return Description(msg_id, received_at, max(0, duration), normalise_number(number, region),
                       name)


def parse_callerid(value: str) -> tuple[str, str]:
    """``"Name" <number>`` → (name, number); ``Unknown`` and the like → ("", "").

    >>> parse_callerid('"Agda" <+46701740605>'), parse_callerid("<0701740605>")
    (('Agda', '+46701740605'), ('', '0701740605'))
    >>> parse_callerid("Unknown"), parse_callerid("+46701740605")
    (('', ''), ('', '+46701740605'))
    """
    match = _CALLERID.match(value)
    if match:
        name = (match.group("quoted") if match.group("quoted") is not None
                else match.group("bare") or "")
        return name.strip(), match.group("number").strip()
    bare = value.strip()
    return ("", bare) if re.fullmatch(r"\+?[0-9]{2,20}", bare) else ("", "")


def normalise_number(number: str, region: str = "SE") -> str:
    """E.164 when ``number`` is a valid number; digits as delivered otherwise; "" if none.

    >>> normalise_number("08-465 004 80"), normalise_number("1234"), normalise_number("anonymous")
    ('+46846500480', '1234', '')
    """
    if not any(c.isdigit() for c in number):
        return ""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"[^0-9+]", "", number)
    if phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"[^0-9+]", "", number)


def resolve_spool(setting: str, config_dir: Path) -> Path:
    """``pbx.voicemail_spool`` as a host path: absolute, relative to the config, or
    ``sandbox:NAME`` — the spool of the sandbox instance NAME (``ccctl pbx up --name``)."""
    if setting.startswith(SANDBOX_PREFIX):
        from ccctl.pbx.service import sandbox  # noqa: PLC0415 - only for the sandbox form

        return sandbox(setting.removeprefix(SANDBOX_PREFIX)).home / "var/spool/voicemail"
    path = Path(setting)
    return path if path.is_absolute() else config_dir / path


def _folders(mailbox_dir: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(mailbox_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        # tmp/ holds recordings in progress; everything else is a folder of messages.
        if entry.is_dir() and entry.name != "tmp":
            yield Path(entry.path)


def audio_beside(description: Path) -> Path | None:
    """The recording that belongs to ``msgNNNN.txt``, if one is there."""
    for suffix in _AUDIO:
        candidate = description.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


class SpoolScanner:
    """Finds complete messages under ``<spool>/<context>/<mailbox>/<folder>/``.

    A description is read again on every scan until the caller :meth:`mark` s it as
    taken care of (recorded); then only when its size or mtime changes. So a poll of
    an unchanged spool costs a directory listing per folder and no file reads, and a
    message whose recording failed is found again next time.
    """

    def __init__(self, spool: Path, context: str, mailboxes: tuple[str, ...],
                 region: str = "SE") -> None:
        self.spool, self.context, self.mailboxes, self.region = spool, context, mailboxes, region
        self._seen: dict[Path, tuple[int, int]] = {}
        self._bad: set[Path] = set()  # logged once, not on every poll

    @property
    def known(self) -> int:
        """How many messages now in the spool have been marked."""
        return len(self._seen)

    def mark(self, message: SpoolMessage) -> None:
        """``message`` is taken care of: do not return it again while its file is unchanged."""
        self._seen[message.description] = message.stamp

    def scan(self) -> list[SpoolMessage]:
        """Every complete message not marked, or changed since it was marked."""
        found: list[SpoolMessage] = []
        present: set[Path] = set()
        for mailbox in self.mailboxes:
            for folder in _folders(self.spool / self.context / mailbox):
                for description in sorted(folder.glob("msg[0-9]*.txt")):
                    present.add(description)
                    message = self._read(mailbox, description)
                    if message is not None:
                        found.append(message)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        self._bad &= present
        return found

    def find(self, mailbox: str, msg_id: str) -> Path | None:
        """The recording of message ``msg_id`` wherever it is now in ``mailbox``."""
        for folder in _folders(self.spool / self.context / mailbox):
            for description in sorted(folder.glob("msg[0-9]*.txt")):
                try:
                    text = description.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if f"msg_id={msg_id}" in text.splitlines():
                    return audio_beside(description)
        return None

    def _read(self, mailbox: str, description: Path) -> SpoolMessage | None:
        try:
            stat = description.stat()
        except FileNotFoundError:
            return None
        stamp = (stat.st_size, stat.st_mtime_ns)
        if self._seen.get(description) == stamp:
            return None
        audio = audio_beside(description)
        try:
            if audio is None:
                raise SpoolFormatError("no recording beside it")
            info = parse_description(description.read_text(encoding="utf-8", errors="replace"),
                                     self.region)
        except (OSError, SpoolFormatError) as exc:
            # A message being moved in is read again next time; logged once.
            if description not in self._bad:
                log.info("voicemail %s: not (yet) a complete message: %s", description, exc)
                self._bad.add(description)
            return None
        self._bad.discard(description)
        return SpoolMessage(f"{mailbox}-{info.msg_id}", mailbox,
                            str(audio.relative_to(self.spool)), info, description, stamp)
