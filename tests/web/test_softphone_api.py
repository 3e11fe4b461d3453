"""The browser softphone gets its SIP password from the server, and only for its own
WebRTC agent."""

from __future__ import annotations

from pathlib import Path

from ccctl.config import load_config
from ccctl.dialplan import Secrets
from ccctl.web.api_softphone import SOFTPHONE, SoftphoneServices
from tests.web.harness import make_api, request

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example" / "ccctl.yaml"


def _api(tmp_path: Path):  # type: ignore[no-untyped-def]
    api = make_api(tmp_path)
    secrets = Secrets("ami", "ari", agents={"elin": "elins-sip-secret",
                                            "fredrik": "fredriks-sip-secret"})
    api.app[SOFTPHONE] = SoftphoneServices(load_config(EXAMPLE), secrets)
    return api


def test_given_a_webrtc_agent_then_its_own_session_gets_the_websocket_and_password(
    tmp_path: Path,
) -> None:
    api = _api(tmp_path)
    status, body, headers = request(api, "GET", "/api/agents/elin/softphone",
                                    api.token["supervisor"])
    assert status == 200
    assert body["ws_url"].startswith("ws://127.0.0.1:") and body["ws_url"].endswith("/ws")
    assert (body["sip_uri"], body["password"]) == ("sip:elin@127.0.0.1", "elins-sip-secret")
    assert headers["Cache-Control"] == "no-store"


def test_given_a_desk_phone_agent_then_no_password_is_handed_to_a_browser(
    tmp_path: Path,
) -> None:
    api = _api(tmp_path)
    status, body, _ = request(api, "GET", "/api/agents/fredrik/softphone", api.token["fredrik"])
    assert status == 404 and "no WebRTC softphone" in body["error"]
    assert "fredriks-sip-secret" not in str(body)


def test_given_another_agents_token_then_403(tmp_path: Path) -> None:
    api = _api(tmp_path)
    status, _, _ = request(api, "GET", "/api/agents/elin/softphone", api.token["fredrik"])
    assert status == 403
