"""Configuration of the SMS gateway: frozen pydantic models, wired into the main config later.

Credentials are never written in the YAML: a credential field holds a
reference, ``secret:NAME`` (the ``"sms"`` object of the secrets file) or
``env:VARIABLE``; :func:`ccctl.sms.factory.resolve_secret` reads it at start.
This module imports only :mod:`ccctl.config.types` from the configuration
package, so :mod:`ccctl.config.models` can import it without a cycle.

Example::

    sms:
      sender: Kommunen
      provider:
        kind: 46elks
        username: u0123456789abcdef0123456789abcdef
        password: secret:elks_password
        callback_url: https://ccctl.example.se/sms/delivery
      templates:
        callback_unreachable:
          sv: "Vi har sökt dig från {{ queue }} kl. {{ time }}. Ring oss gärna igen."
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ccctl.config.types import LanguageCode
from ccctl.sms.elks_provider import DEFAULT_API_URL
from ccctl.sms.errors import InvalidMessageError, TemplateError
from ccctl.sms.models import validate_sender
from ccctl.sms.templates import DEFAULT_TEMPLATES, check_template

_REFERENCE = re.compile(r"(env|secret):[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_URL = r"^https?://[^\s/$.?#][^\s]*$"


def _reference(value: str) -> str:
    if not _REFERENCE.fullmatch(value):
        raise ValueError("credentials are never written in the configuration: put the value "
                         "in the secrets file's \"sms\" object and write secret:NAME, or in "
                         "an environment variable and write env:NAME")
    return value


SecretRef = Annotated[
    str,
    AfterValidator(_reference),
    Field(description="Where a credential is: secret:NAME (secrets file, \"sms\" object) "
                      "or env:VARIABLE"),
]
Url = Annotated[str, Field(pattern=_URL, description="An http(s) URL")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TwilioConfig(Model):
    """Twilio Programmable Messaging, through the official twilio package."""

    kind: Literal["twilio"] = Field(description="twilio")
    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$",
                             description="Account SID (AC…), from the Twilio console")
    auth_token: SecretRef = Field(description="Auth token: also checks callback signatures")
    status_callback_url: Url | None = Field(
        default=None, description="Public URL of ccctl's delivery-status callback for Twilio")
    api_base_url: Url | None = Field(
        default=None, description="Send API requests here instead of https://api.twilio.com "
        "(a forward proxy or a test double)")


class ElksConfig(Model):
    """46elks' SMS API (https://46elks.com/docs/send-sms)."""

    kind: Literal["46elks"] = Field(description="46elks")
    username: str = Field(min_length=1, max_length=100,
                          description="API username (not secret; the password is)")
    password: SecretRef = Field(description="API password")
    api_url: Url = Field(default=DEFAULT_API_URL, description="API base URL (…/a1)")
    callback_url: Url | None = Field(
        default=None, description="Public URL of ccctl's delivery-report callback "
        "(sent as whendelivered)")
    callback_secret: SecretRef | None = Field(
        default=None, description="Basic-auth password 46elks must present on callbacks")


class WebhookConfig(Model):
    """Any HTTP gateway that speaks ccctl's JSON contract (docs/sms.md)."""

    kind: Literal["webhook"] = Field(description="webhook")
    url: Url = Field(description="Where to POST each message as JSON")
    auth_header: str = Field(default="Authorization", pattern=r"^[A-Za-z0-9-]{1,64}$",
                             description="Header that carries the credential")
    auth_value: SecretRef | None = Field(
        default=None, description="The header's whole value, e.g. 'Bearer …'")
    callback_url: Url | None = Field(
        default=None, description="Public URL of ccctl's delivery callback (sent as "
        "status_callback)")
    callback_secret: SecretRef | None = Field(
        default=None, description="HMAC-SHA256 key the gateway signs callbacks with")


class RetryConfig(Model):
    """Retries of transient failures (no connection, 5xx, 429)."""

    attempts: int = Field(default=5, ge=1, le=10, description="Attempts in all, the first "
                          "included")
    base_delay_seconds: float = Field(default=1.0, ge=0, le=60,
                                      description="Wait after the first failure; doubles")
    max_delay_seconds: float = Field(default=60.0, gt=0, le=3600,
                                     description="Longest wait between attempts; a longer "
                                     "Retry-After ends the retries")

    @model_validator(mode="after")
    def _ordered(self) -> RetryConfig:
        if self.base_delay_seconds > self.max_delay_seconds:
            raise ValueError(f"base_delay_seconds ({self.base_delay_seconds}) is longer than "
                             f"max_delay_seconds ({self.max_delay_seconds})")
        return self


Templates = dict[str, dict[LanguageCode, str]]


class SmsConfig(Model):
    """The SMS gateway: provider, sender id, message templates, retries."""

    provider: TwilioConfig | ElksConfig | WebhookConfig = Field(
        discriminator="kind", description="Which gateway, and its credentials")
    sender: str = Field(description="Sender id: E.164 number, or 3-11 letters/digits "
                        "starting with a letter")
    default_language: LanguageCode = Field(default="sv", description="Language used when a "
                                           "template lacks the recipient's")
    templates: Templates = Field(
        default_factory=dict,
        description="kind (callback_unreachable, voicemail) → language → Jinja text; a kind "
        "left out keeps the built-in Swedish and English texts")
    timeout_seconds: float = Field(default=15.0, gt=0, le=120,
                                   description="Time limit of one request to the provider")
    retry: RetryConfig = Field(default_factory=RetryConfig, description="Retry policy")
    delivery: Literal["at_least_once", "at_most_once"] = Field(
        default="at_least_once", description="When a send's outcome is unknown (timeout, "
        "crash): resend (a rare duplicate) or never (a rare loss)")

    def effective_templates(self) -> Templates:
        """The configured templates over the built-in ones, kind by kind."""
        return {**{k: dict(v) for k, v in DEFAULT_TEMPLATES.items()}, **self.templates}

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        try:
            return validate_sender(value)
        except InvalidMessageError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _templates(self) -> SmsConfig:
        for name, texts in self.effective_templates().items():
            for language, source in texts.items():
                try:
                    check_template(name, language, source)
                except TemplateError as exc:
                    raise ValueError(str(exc)) from None
            if self.default_language not in texts:
                raise ValueError(f"SMS template {name} has no text in the default language "
                                 f"{self.default_language!r}; add templates.{name}."
                                 f"{self.default_language}")
        return self
