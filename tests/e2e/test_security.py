"""sipvicious against the sandbox: nothing enumerated, nothing cracked.

With no anonymous endpoint, Asterisk answers a known and an unknown user with
the same 401, so `svwar` cannot tell them apart; generated passwords are long
and random, so `svcrack` with a common-password list gets nowhere. A control
case plants a weak password to show the crack test can fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.pbx import Pbx

pytestmark = pytest.mark.pbx

COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt"
TOOLS = Path(sys.executable).parent


def _tool(name: str, pbx: Pbx, *args: str) -> str:
    port = pbx.rendered().config.pbx.sip.port
    result = subprocess.run(
        [str(TOOLS / f"sipvicious_{name}"), *args, "-b", "127.0.0.1", "-p", str(port),
         "127.0.0.1"],
        capture_output=True, text=True, timeout=120, check=False)
    return result.stdout + result.stderr


def _names(pbx: Pbx) -> list[str]:
    cc = pbx.rendered().config
    configured = [a.id for a in cc.agents] + [a.extension for a in cc.agents]
    configured += [t.id for t in cc.trunks]
    return [*configured, "admin", "100", "1000", "2000", "test", "guest", "nobody-here"]


@pytest.mark.parametrize("method", ["REGISTER", "INVITE", "OPTIONS"])
def test_given_configured_and_unknown_names_when_svwar_scans_then_nothing_is_enumerated(
    pbx: Pbx, method: str,
) -> None:
    dictionary = pbx.workdir / "names.txt"
    dictionary.write_text("\n".join(_names(pbx)) + "\n")

    output = _tool("svwar", pbx, "--force", "-m", method, "-d", str(dictionary))

    assert "found nothing" in output, output
    assert "| Extension" not in output, output


def _crack(pbx: Pbx, user: str) -> str:
    words = pbx.workdir / "words.txt"
    cc = pbx.rendered().config
    local = [a.id for a in cc.agents] + [a.extension for a in cc.agents] + [cc.site.name]
    words.write_text(COMMON_PASSWORDS.read_text() + "\n".join(local) + "\n")
    return _tool("svcrack", pbx, "-u", user, "-d", str(words))


def test_given_generated_passwords_when_svcrack_tries_common_ones_then_nothing_is_cracked(
    pbx: Pbx,
) -> None:
    cc = pbx.rendered().config
    for user in [a.id for a in cc.agents] + [t.id for t in cc.trunks]:
        output = _crack(pbx, user)
        assert "found nothing" in output, f"{user}: {output}"
        assert "| Password" not in output


def test_given_a_planted_weak_password_when_svcrack_tries_then_it_is_cracked(pbx: Pbx) -> None:
    # Control: proves the crack test above would notice a weak password.
    strong = json.loads(pbx.secrets.read_text())["agents"]["bertil"]
    pjsip = pbx.box.etc / "pjsip.conf"
    pjsip.write_text(pjsip.read_text().replace(strong, "letmein"))
    pbx.box.rx("module reload res_pjsip.so")

    output = _crack(pbx, "bertil")

    assert "letmein" in output, output
