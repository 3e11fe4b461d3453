"""Configuration of shared voicemail: who hears of a message, and the SMTP relay.

A queue or an entry point whose mailbox callers leave messages in (a ``voicemail``
action names it) says who is told, and how::

    queues:
      - id: socialtjanst
        no_agents: {action: voicemail, mailbox: socialtjanst}
        voicemail: {notify: [agnes, bertil], sms: true, email: true}

    smtp:
      host: smtp.exempelkommun.example
      port: 587
      security: starttls
      from_address: noreply@exempelkommun.example
      username: ccctl
      password: secret:smtp_password

Credentials are references, as for SMS: ``secret:NAME`` (the ``"smtp"`` object of
the secrets file) or ``env:VARIABLE``; :func:`ccctl.voicemail.mail.resolve_secret`
reads them at start. This module imports only pydantic and :mod:`ccctl.config.types`,
so :mod:`ccctl.config.models` can import it without a cycle.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ccctl.config.types import Id, Port

_REFERENCE = re.compile(r"(env|secret):[A-Za-z_][A-Za-z0-9_.-]{0,63}")
# Deliberately simple: one @, no spaces or angle brackets, a host name with a dot.
# Good enough to catch a typo or a pasted display name; the relay has the last word.
_EMAIL = re.compile(r"[^@\s<>\"(),;:]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                    r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an e-mail address; write only the address, "
                         "e.g. agnes@exempelkommun.example")
    return value


def _reference(value: str) -> str:
    if not _REFERENCE.fullmatch(value):
        raise ValueError("credentials are never written in the configuration: put the value "
                         "in the secrets file's \"smtp\" object and write secret:NAME, or in "
                         "an environment variable and write env:NAME")
    return value


EmailAddress = Annotated[str, AfterValidator(_email),
                         Field(description="An e-mail address: name@example.se")]
SmtpSecretRef = Annotated[
    str, AfterValidator(_reference),
    Field(description="Where a credential is: secret:NAME (secrets file, \"smtp\" object) "
                      "or env:VARIABLE"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class VoicemailNotify(_Model):
    """Who is told of a message left in this mailbox (the queue's or entry point's id).

    The agents listed see the mailbox's messages in the API and may claim them;
    supervisors see every mailbox.
    """

    notify: tuple[Id, ...] = Field(
        min_length=1, description="Agent ids: they see the messages and are told of new ones")
    sms: bool = Field(default=False, description="Send each an SMS (to the agent's mobile; "
                      "needs the sms: section)")
    email: bool = Field(default=False, description="Send each an e-mail with the recording "
                        "attached (to the agent's email; needs the smtp: section)")


class SmtpConfig(_Model):
    """The mail relay that voicemail notices go out through."""

    host: str = Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.:\[\]-]+$",
                      description="Relay host name or address")
    port: Port = Field(default=587, description="587 for starttls, 465 for tls, 25 for none")
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls: upgrade after connecting; tls: TLS from the "
        "start; none: plain text (for a relay on this machine; a password is refused for "
        "any other host)")
    from_address: EmailAddress = Field(description="Sender address of the notices")
    from_name: str | None = Field(default=None, max_length=100,
                                  description="Sender name; default: site.name")
    username: str | None = Field(default=None, min_length=1, max_length=200,
                                 description="Login name, if the relay wants one")
    password: SmtpSecretRef | None = Field(default=None, description="Login password")
    timeout_seconds: float = Field(default=30.0, gt=0, le=300,
                                   description="Time limit of one connection to the relay")

    @model_validator(mode="after")
    def _credentials(self) -> SmtpConfig:
        if (self.username is None) != (self.password is None):
            raise ValueError("smtp needs both username and password, or neither")
        if self.security == "none" and self.username is not None and not _loopback(self.host):
            raise ValueError(f"security: none would send the password to {self.host} in "
                             "clear; use starttls or tls, or a relay on 127.0.0.1")
        return self


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
