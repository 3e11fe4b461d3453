"""Production mode: ccctl's files #included by a site's own, hand-written Asterisk config."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccctl.dialplan import Layout
from ccctl.pbx import service
from ccctl.testing import sipp
from tests.e2e.pbx import DIRECT_NUMBER, Pbx, destroy, prepare

pytestmark = pytest.mark.pbx


def _site_files(pbx: Pbx) -> dict[str, str]:
    """What an admin already has: their own transport, a reception phone, their dialplan."""
    cc = pbx.rendered().config
    p = cc.pbx
    return {
        "pjsip.conf": (
            "[global]\ntype = global\nendpoint_identifier_order = ip,username,auth_username\n\n"
            f"[site-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:{p.sip.port}\n\n"
            "[site-ws]\ntype = transport\nprotocol = ws\nbind = 127.0.0.1\n\n"
            "[reception]\ntype = endpoint\ncontext = site-internal\ndisallow = all\n"
            "allow = alaw\nauth = reception\naors = reception\n"
            "[reception]\ntype = auth\nauth_type = userpass\nusername = reception\n"
            "password = Site-Own-Long-Password-0123456789\n"
            "[reception]\ntype = aor\nmax_contacts = 1\n\n"
            '#include "ccctl-pjsip.conf"\n'),
        "extensions.conf": (
            "[general]\nstatic = yes\nwriteprotect = yes\n\n"
            "[site-internal]\nexten => 900,1,Answer()\n same => n,Hangup()\n\n"
            '#include "ccctl-extensions.conf"\n'),
        "queues.conf": '[general]\nshared_lastcall = yes\n\n#include "ccctl-queues.conf"\n',
        "manager.conf": (f"[general]\nenabled = yes\nbindaddr = 127.0.0.1\nport = {p.ami.port}\n\n"
                         '#include "ccctl-manager.conf"\n'),
        "ari.conf": '[general]\nenabled = yes\nallowed_origins =\n\n#include "ccctl-ari.conf"\n',
        "http.conf": f"[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = {p.http.port}\n",
        "rtp.conf": f"[general]\nrtpstart = {p.rtp_start}\nrtpend = {p.rtp_end}\n",
    }


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Pbx]:
    handle = prepare(tmp_path)
    included = service.render(handle.config, handle.secrets, layout=Layout.INCLUDE).files
    handle.box.install({**_site_files(handle), **included})
    handle.box.start(handle.rendered().config.pbx)
    try:
        yield handle
    finally:
        destroy(handle)


def _ami_ini(pbx: Pbx) -> Path:
    ini = pbx.workdir / "ami.ini"
    ami = pbx.rendered().config.pbx.ami
    secret = json.loads(pbx.secrets.read_text())["ami"]
    ini.write_text(f"[ami]\nhost = 127.0.0.1\nport = {ami.port}\nusername = ccctl\n"
                   f"secret = {secret}\n")
    os.chmod(ini, 0o600)
    return ini


def test_given_a_site_config_that_includes_ccctl_then_both_load_without_errors(
    site: Pbx,
) -> None:
    assert site.box.log_lines("ERROR") == []
    assert site.missing() == []
    assert "reception" in site.box.rx("pjsip show endpoints")
    assert "site-internal" in site.box.rx("dialplan show site-internal")


def test_given_an_edit_when_reloaded_with_the_include_layout_then_site_objects_are_untouched(
    site: Pbx,
) -> None:
    site.edit("e2e.yaml", f'"{DIRECT_NUMBER}"', f'"{DIRECT_NUMBER}", "+46846500403"')
    own_pjsip = (site.box.etc / "pjsip.conf").read_text()

    result = site.ccctl("reload", str(site.config), "--layout", "include",
                        "--target", str(site.box.etc), "--ami-credentials", str(_ami_ini(site)))

    assert result.returncode == 0, result.stderr
    assert (site.box.etc / "pjsip.conf").read_text() == own_pjsip
    assert "+46846500403" in (site.box.etc / "ccctl-extensions.conf").read_text()
    assert site.missing() == []
    assert "reception" in site.box.rx("pjsip show endpoints")
    with site.agent_phone("fredrik") as phone:
        assert sipp.run(site.call("+46846500403", seconds=0.5)).ok
        assert phone.stop().successful >= 1
