"""E-mail notices of voicemail: the text (Swedish or English), the MIME message with the
recording attached, and sending it through the configured SMTP relay (aiosmtplib).

:func:`notice_mail` is pure; :class:`SmtpMailer` is the only part that talks to the
network. A failed send raises :class:`MailError`, which says whether trying again
later may help (no connection, a 4xx answer) or not (a 5xx refusal, a bad login).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosmtplib

from ccctl.voicemail.config import SmtpConfig

log = logging.getLogger(__name__)


class MailError(Exception):
    """A notice could not be mailed; ``transient`` when a later attempt may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class CredentialError(MailError):
    """A credential reference points at nothing; the message says which and how to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


@dataclass(frozen=True)
class MailNotice:
    """What one agent is told of one message."""

    message_id: str  # ccctl's id of the voicemail
    recipient_name: str
    recipient: str  # address
    mailbox_name: str  # the queue's or entry point's name, in the agent's language
    organisation: str
    caller: str  # "" when withheld
    caller_name: str
    received_at: float
    duration_s: int
    language: str  # "sv" or "en" (anything else gets Swedish)


_TEXTS: Mapping[str, Mapping[str, str]] = {
    "sv": {"subject": "Röstmeddelande i {mailbox} från {caller}",
           "withheld": "okänt nummer",
           "body": "Hej {name}!\n\nEtt nytt röstmeddelande har lämnats i {mailbox} "
                   "({organisation}).\n\nFrån:   {caller_long}\nTid:    {date} kl. {time}\n"
                   "Längd:  {duration} s\nId:     {id}\n\nInspelningen är bifogad. Ta "
                   "meddelandet i ccctl, så ser dina kolleger att det är taget.\n\n"
                   "-- \nDetta meddelande skickades automatiskt av ccctl.\n"},
    "en": {"subject": "Voicemail in {mailbox} from {caller}",
           "withheld": "a withheld number",
           "body": "Hello {name},\n\nA new voicemail was left in {mailbox} ({organisation})."
                   "\n\nFrom:     {caller_long}\nTime:     {date} {time}\n"
                   "Length:   {duration} s\nId:       {id}\n\nThe recording is attached. "
                   "Claim the message in ccctl so that your colleagues see it is taken.\n\n"
                   "-- \nThis message was sent automatically by ccctl.\n"},
}


def notice_text(notice: MailNotice, timezone: str) -> tuple[str, str]:
    """(subject, body) in the notice's language."""
    texts = _TEXTS.get(notice.language, _TEXTS["sv"])
    local = dt.datetime.fromtimestamp(notice.received_at, ZoneInfo(timezone))
    caller = notice.caller or texts["withheld"]
    long = f"{caller} ({notice.caller_name})" if notice.caller_name else caller
    values = {"mailbox": notice.mailbox_name, "caller": caller, "caller_long": long,
              "name": notice.recipient_name.split(" ")[0], "organisation": notice.organisation,
              "date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"),
              "duration": notice.duration_s, "id": notice.message_id}
    return texts["subject"].format(**values), texts["body"].format(**values)


def notice_mail(notice: MailNotice, *, sender: str, sender_name: str, timezone: str,
                audio: bytes | None, audio_name: str) -> EmailMessage:
    """The whole message: plain text, the recording attached as ``audio/wav``.

    Its Message-ID is derived from the voicemail and the agent, so a notice sent
    twice (the relay took it, then ccctl crashed before recording that) is one
    message to mail clients that drop duplicates.
    """
    subject, body = notice_text(notice, timezone)
    message = EmailMessage()
    message["From"] = email.utils.formataddr((sender_name, sender))
    message["To"] = email.utils.formataddr((notice.recipient_name, notice.recipient))
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(notice.received_at, localtime=False)
    domain = sender.rpartition("@")[2]
    message["Message-ID"] = f"<voicemail.{notice.message_id}.{_safe(notice.recipient)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(body, charset="utf-8")
    if audio is not None:
        message.add_attachment(audio, maintype="audio", subtype="wav", filename=audio_name)
    return message


def _safe(address: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in address.partition("@")[0])[:40]


def load_secret_group(path: Path, group: str) -> dict[str, str]:
    """The ``group`` object of the secrets file (read only; ccctl never writes it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as exc:
        raise CredentialError(f"{path}: cannot read the secrets file ({type(exc).__name__})"
                              ) from None
    values = data.get(group, {}) if isinstance(data, dict) else None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise CredentialError(f"{path}: \"{group}\" must be an object of name → string")
    return dict(values)


def resolve_secret(reference: str, field: str, secrets: Mapping[str, str],
                   environ: Mapping[str, str]) -> str:
    """The value behind ``secret:NAME`` or ``env:NAME``; never shown in an error."""
    kind, _, name = reference.partition(":")
    if kind == "secret":
        value = secrets.get(name)
        where = f"the secrets file has no \"smtp\": {{\"{name}\": …}}; add it there"
    else:
        value = environ.get(name)
        where = f"the environment variable {name} is not set; set it for the ccctl service"
    if not value:
        raise CredentialError(f"smtp.{field} = {reference}: {where}")
    return value


class SmtpMailer:
    """Sends through one relay; a connection per message (notices are rare)."""

    def __init__(self, config: SmtpConfig, secrets: Mapping[str, str],
                 environ: Mapping[str, str] | None = None) -> None:
        self.config = config
        env = os.environ if environ is None else environ
        self._password = (resolve_secret(config.password, "password", secrets, env)
                          if config.password is not None else None)

    async def send(self, message: EmailMessage) -> None:
        c = self.config
        try:
            await aiosmtplib.send(
                message, hostname=c.host, port=c.port, username=c.username,
                password=self._password, timeout=c.timeout_seconds,
                use_tls=c.security == "tls", start_tls=c.security == "starttls")
        except aiosmtplib.SMTPResponseException as exc:
            # 4xx: the relay asks us to come back later; 5xx: it will not take this.
            raise MailError(f"{c.host}:{c.port} answered {exc.code} {exc.message}",
                            transient=400 <= exc.code < 500) from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise MailError(f"{c.host}:{c.port} refused the recipient ({codes})",
                            transient=all(400 <= code < 500 for code in codes)) from None
        except aiosmtplib.SMTPNotSupported as exc:
            raise MailError(f"{c.host}:{c.port}: {exc}; check smtp.security",
                            transient=False) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailError(f"{c.host}:{c.port}: {type(exc).__name__}: {exc}",
                            transient=True) from None
