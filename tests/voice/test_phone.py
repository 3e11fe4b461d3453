"""Which agent dialled a phone code: the channel's own endpoint, never a digit typed."""

from __future__ import annotations

from ccctl.voice.phone import endpoint_of


def test_given_a_pjsip_channel_name_then_the_agent_is_its_endpoint() -> None:
    assert endpoint_of("PJSIP/fredrik-0000002a") == "fredrik"
    assert endpoint_of("PJSIP/anna-maria-00000001") == "anna-maria"  # ids may hold '-'
