"""How the generated pjsip.conf recognises a call from an operator's trunk.

Asterisk tries the identifiers of ``endpoint_identifier_order`` in turn, but an
endpoint is found only by the methods its own ``identify_by`` allows (default
``username,ip``). A trunk without a password must therefore allow ``ip`` alone,
or a request from anywhere whose From user names the trunk would be let in; a
trunk with a password must allow ``auth_username``, or a call whose From
carries the caller's number (as operators send it) is never matched to it and
fails with "Failed to authenticate".
"""

from __future__ import annotations

from collections.abc import Callable

from ccctl.config.models import ContactCenter, Trunk
from ccctl.dialplan import Secrets, render_config

Setting = Callable[[str, str, str], list[str]]


def _pjsip(cc: ContactCenter, secrets_for: Callable[[ContactCenter], Secrets]) -> str:
    return render_config(cc, secrets_for(cc))["pjsip.conf"]


def test_given_a_trunk_without_password_then_only_its_source_addresses_identify_it(
    example_cc: ContactCenter, secrets_for: Callable[[ContactCenter], Secrets],
    conf_setting: Setting,
) -> None:
    sbc = Trunk(id="sbc", match=("198.51.100.7/32",), auth=False)
    cc = example_cc.model_copy(update={"trunks": (*example_cc.trunks, sbc)})

    pjsip = _pjsip(cc, secrets_for)

    assert conf_setting(pjsip, "sbc", "identify_by") == ["ip"]
    assert conf_setting(pjsip, "sbc", "auth") == []
    assert conf_setting(pjsip, "sbc", "match") == ["198.51.100.7/32"]
    assert conf_setting(pjsip, "sbc", "context") == ["ccctl-inbound"]


def test_given_a_trunk_with_password_then_the_digest_user_identifies_it_too(
    example_cc: ContactCenter, secrets_for: Callable[[ContactCenter], Secrets],
    conf_setting: Setting,
) -> None:
    pjsip = _pjsip(example_cc, secrets_for)

    assert conf_setting(pjsip, "operator", "identify_by") == ["ip,username,auth_username"]
    assert conf_setting(pjsip, "operator", "auth") == ["operator"]


def test_given_any_trunk_then_the_operators_asserted_identity_is_the_caller_id(
    example_cc: ContactCenter, secrets_for: Callable[[ContactCenter], Secrets],
    conf_setting: Setting,
) -> None:
    sbc = Trunk(id="sbc", match=("198.51.100.7/32",), auth=False)
    cc = example_cc.model_copy(update={"trunks": (*example_cc.trunks, sbc)})

    pjsip = _pjsip(cc, secrets_for)

    for trunk in ("operator", "sbc"):
        assert conf_setting(pjsip, trunk, "trust_id_inbound") == ["yes"]
    for agent in cc.agents:  # phones do not get to say who they are
        assert conf_setting(pjsip, agent.id, "trust_id_inbound") == []
