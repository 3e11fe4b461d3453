"""SMS configuration: providers, credential references, templates, and building from it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ccctl.sms import (
    CallbackUnreachable,
    MemoryLedger,
    SmsMessage,
    SmsTemplates,
    TemplateError,
    VoicemailNotice,
    load_sms_secrets,
    open_sms,
    resolve_secret,
)
from ccctl.sms.config import ElksConfig, SmsConfig, TwilioConfig, WebhookConfig
from ccctl.sms.factory import CredentialError
from tests.sms.fakes import FakeElks
from tests.sms.harness import CITIZEN

TWILIO = {"kind": "twilio", "account_sid": "AC" + "0123456789abcdef" * 2,
          "auth_token": "env:CCCTL_TWILIO_TOKEN"}
ELKS = {"kind": "46elks", "username": FakeElks.USERNAME, "password": "secret:elks_password"}
WEBHOOK = {"kind": "webhook", "url": "https://sms.example.se/send",
           "auth_value": "secret:gateway_auth"}


def config(**overrides: Any) -> SmsConfig:
    return SmsConfig.model_validate({"provider": ELKS, "sender": "Kommunen", **overrides})


@pytest.mark.parametrize(("provider", "kind"), [(TWILIO, TwilioConfig), (ELKS, ElksConfig),
                                                (WEBHOOK, WebhookConfig)])
def test_given_each_provider_kind_then_its_model_is_chosen(provider: dict[str, str],
                                                           kind: type) -> None:
    assert isinstance(config(provider=provider).provider, kind)


def test_given_a_literal_password_in_the_yaml_then_the_error_says_where_it_belongs() -> None:
    with pytest.raises(ValidationError, match=r"credentials are never written in the "
                       r"configuration.*secret:NAME.*env:NAME") as caught:
        config(provider={**ELKS, "password": "hunter2hunter2"})
    assert caught.value.errors()[0]["loc"] == ("provider", "46elks", "password")
    assert "hunter2hunter2" not in str(caught.value).split("input_value")[0]


def test_given_an_unknown_provider_kind_then_the_known_ones_are_named() -> None:
    with pytest.raises(ValidationError, match=r"'twilio', '46elks', 'webhook'"):
        config(provider={"kind": "carrier-pigeon"})


def test_given_a_sender_with_a_space_then_the_config_is_refused() -> None:
    with pytest.raises(ValidationError, match="sender 'Min Kommun'"):
        config(sender="Min Kommun")


def test_given_a_template_with_an_unknown_variable_then_the_error_names_template_and_variable(
) -> None:
    with pytest.raises(ValidationError, match=r"SMS template voicemail\.sv: unknown variable"
                       r"\(s\) quue; known: caller, date, duration, organisation, queue, time"):
        config(templates={"voicemail": {"sv": "Nytt meddelande i {{ quue }}"}})


def test_given_a_template_syntax_error_then_the_error_names_template_and_line() -> None:
    with pytest.raises(ValidationError, match=r"SMS template callback_unreachable\.en, line 2:"):
        config(templates={"callback_unreachable": {"sv": "Hej", "en": "Hi\n{{ queue "}})


def test_given_a_template_without_the_default_language_then_the_config_says_what_to_add(
) -> None:
    with pytest.raises(ValidationError, match=r"add templates\.voicemail\.sv"):
        config(templates={"voicemail": {"en": "Voicemail in {{ queue }}"}})


def test_given_an_unknown_kind_of_template_then_the_known_kinds_are_listed() -> None:
    with pytest.raises(ValidationError, match="known: callback_unreachable, voicemail"):
        config(templates={"birthday": {"sv": "Grattis"}})


def test_given_the_built_in_templates_then_both_kinds_render_in_swedish_and_english() -> None:
    cfg = config()
    templates = SmsTemplates(cfg.effective_templates(), default_language="sv",
                             timezone="Europe/Stockholm")
    asked = datetime(2025, 3, 6, 8, 30, tzinfo=UTC)  # 09:30 in Stockholm
    callback = CallbackUnreachable("Socialtjänsten", "Exempelby kommun", asked, 3)
    sv = templates.render(callback, "sv")
    assert "Exempelby kommun (Socialtjänsten)" in sv and "kl. 09:30" in sv and "3 gånger" in sv
    assert "We tried 3 times" in templates.render(callback, "en")
    voicemail = VoicemailNotice("Växeln", "Exempelby kommun", "", asked, 42)
    assert "från okänt nummer" in templates.render(voicemail, "sv")
    assert "(42 s)" in templates.render(voicemail, "fi")  # no Finnish text: Swedish
    for text in (sv, templates.render(voicemail, "sv")):
        SmsMessage(CITIZEN, "Kommunen", text, "k")  # fits in an SMS


def test_given_a_template_that_fails_at_render_time_then_the_error_names_it() -> None:
    templates = SmsTemplates({"voicemail": {"sv": "{{ duration // 0 }}"}},
                             default_language="sv", timezone="Europe/Stockholm")
    notice = VoicemailNotice("Växeln", "Exempelby kommun", "", datetime.now(UTC), 5)
    with pytest.raises(TemplateError, match=r"SMS template voicemail\.sv failed to render"):
        templates.render(notice, "sv")


def test_given_a_template_reaching_for_internals_then_the_sandbox_stops_it() -> None:
    templates = SmsTemplates({"voicemail": {"sv": "{{ queue.__class__.__mro__ }}"}},
                             default_language="sv", timezone="Europe/Stockholm")
    notice = VoicemailNotice("Växeln", "Exempelby kommun", "", datetime.now(UTC), 5)
    with pytest.raises(TemplateError, match=r"voicemail\.sv"):
        templates.render(notice, "sv")


def test_given_references_then_secrets_come_from_the_file_or_the_environment() -> None:
    assert resolve_secret("secret:elks_password", "provider.password",
                          {"elks_password": "s3cret-value"}, {}) == "s3cret-value"
    assert resolve_secret("env:TOKEN", "provider.auth_token", {}, {"TOKEN": "t0ken"}) == "t0ken"


def test_given_a_reference_to_nothing_then_the_error_names_the_field_and_the_fix() -> None:
    with pytest.raises(CredentialError, match=r"sms\.provider\.password = secret:elks_password: "
                       r"the secrets file has no \"sms\""):
        resolve_secret("secret:elks_password", "provider.password", {}, {})
    with pytest.raises(CredentialError, match=r"CCCTL_TWILIO_TOKEN is not set"):
        resolve_secret("env:CCCTL_TWILIO_TOKEN", "provider.auth_token", {}, {})


def test_given_a_secrets_file_then_its_sms_object_is_read(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"version": 1, "ami": "x" * 20, "sms": {"elks_password": "p"}}))
    assert load_sms_secrets(path) == {"elks_password": "p"}
    assert load_sms_secrets(tmp_path / "missing.json") == {}
    path.write_text(json.dumps({"sms": {"elks_password": 1}}))
    with pytest.raises(CredentialError, match="name → string"):
        load_sms_secrets(path)


def test_given_a_config_then_open_sms_builds_a_sender_that_reaches_the_provider() -> None:
    async def main() -> None:
        async with FakeElks() as fake:
            cfg = config(provider={**ELKS, "api_url": f"{fake.url}/a1"},
                         retry={"attempts": 2, "base_delay_seconds": 0.01})
            secrets = {"elks_password": FakeElks.PASSWORD}
            async with open_sms(cfg, secrets, MemoryLedger(), environ={}) as sms:
                result = await sms.send(SmsMessage(CITIZEN, cfg.sender, "Hej", "k-1"))
            assert result.provider == "46elks" and len(fake.messages) == 1

    asyncio.run(main())


def test_given_retry_delays_in_the_wrong_order_then_the_config_is_refused() -> None:
    with pytest.raises(ValidationError, match="longer than max_delay_seconds"):
        config(retry={"base_delay_seconds": 30, "max_delay_seconds": 10})
