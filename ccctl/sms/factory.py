"""Build the SMS gateway from its configuration: credentials, provider, sender.

The daemon calls :func:`open_sms` once, inside its task group's lifetime::

    ledger = SqliteLedger(state_dir / "sms.db")
    async with open_sms(cc.sms, load_sms_secrets(secrets_path), ledger) as sms:
        ...
        await sms.send(SmsMessage(to, cc.sms.sender, text, f"callback-{task_id}"))
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import aiohttp

from ccctl.sms.config import ElksConfig, SmsConfig, TwilioConfig, WebhookConfig
from ccctl.sms.elks_provider import ElksProvider
from ccctl.sms.errors import SmsError
from ccctl.sms.ledger import SendLedger
from ccctl.sms.provider import SmsProvider
from ccctl.sms.retry import RetryPolicy
from ccctl.sms.sender import SmsSender
from ccctl.sms.twilio_provider import TwilioProvider
from ccctl.sms.webhook_provider import WebhookProvider


class CredentialError(SmsError):
    """A credential reference points at nothing; the message says which and how to fix."""


def resolve_secret(reference: str, field: str, secrets: Mapping[str, str],
                   environ: Mapping[str, str]) -> str:
    """The value behind ``secret:NAME`` or ``env:NAME``; never shown in an error."""
    kind, _, name = reference.partition(":")
    if kind == "secret":
        value = secrets.get(name)
        where = f"the secrets file has no \"sms\": {{\"{name}\": …}}; add it there"
    elif kind == "env":
        value = environ.get(name)
        where = f"the environment variable {name} is not set; set it for the ccctl service"
    else:
        raise CredentialError(f"sms.{field}: {reference!r} is not secret:NAME or env:NAME")
    if not value:
        raise CredentialError(f"sms.{field} = {reference}: {where}")
    return value


def load_sms_secrets(path: Path) -> dict[str, str]:
    """The ``"sms"`` object of the secrets file (read only; ccctl never writes it).

    The secrets file keeps keys it does not manage, so the operator adds e.g.
    ``"sms": {"elks_password": "…"}`` by hand.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as exc:
        raise CredentialError(f"{path}: cannot read the secrets file ({type(exc).__name__})"
                              ) from None
    group = data.get("sms", {}) if isinstance(data, dict) else None
    if not isinstance(group, dict) or not all(isinstance(v, str) for v in group.values()):
        raise CredentialError(f"{path}: \"sms\" must be an object of name → string")
    return dict(group)


def build_provider(config: SmsConfig, session: aiohttp.ClientSession,
                   secrets: Mapping[str, str], environ: Mapping[str, str]) -> SmsProvider:
    """The provider the configuration names, with its credentials resolved."""
    p, timeout = config.provider, config.timeout_seconds

    def secret(reference: str, field: str) -> str:
        return resolve_secret(reference, f"provider.{field}", secrets, environ)

    def optional(reference: str | None, field: str) -> str | None:
        return secret(reference, field) if reference is not None else None

    if isinstance(p, TwilioConfig):
        return TwilioProvider(session, p.account_sid, secret(p.auth_token, "auth_token"),
                              status_callback_url=p.status_callback_url,
                              api_base_url=p.api_base_url, timeout_seconds=timeout)
    if isinstance(p, ElksConfig):
        return ElksProvider(session, p.username, secret(p.password, "password"),
                            api_url=p.api_url, callback_url=p.callback_url,
                            callback_secret=optional(p.callback_secret, "callback_secret"),
                            timeout_seconds=timeout)
    assert isinstance(p, WebhookConfig)
    return WebhookProvider(session, p.url, auth_header=p.auth_header,
                           auth_value=optional(p.auth_value, "auth_value"),
                           callback_url=p.callback_url,
                           callback_secret=optional(p.callback_secret, "callback_secret"),
                           timeout_seconds=timeout)


def retry_policy(config: SmsConfig) -> RetryPolicy:
    return RetryPolicy(config.retry.attempts, config.retry.base_delay_seconds,
                       config.retry.max_delay_seconds)


@contextlib.asynccontextmanager
async def open_sms(config: SmsConfig, secrets: Mapping[str, str], ledger: SendLedger,
                   environ: Mapping[str, str] | None = None) -> AsyncIterator[SmsSender]:
    """An :class:`SmsSender` with its own HTTP session, closed on exit."""
    async with aiohttp.ClientSession() as session:
        provider = build_provider(config, session, secrets,
                                  os.environ if environ is None else environ)
        yield SmsSender(provider, ledger, retry_policy(config),
                        at_most_once=config.delivery == "at_most_once")
