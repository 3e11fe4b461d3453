"""Shared voicemail with a real Asterisk: a SIPp caller reaches a closed entry point and
leaves a message (RTP from a pcap, ended with #); the daemon finds it in the sandbox's
spool, tells the configured agents by SMS (a fake 46elks speaking its documented API)
and by e-mail (a real SMTP server, aiosmtpd, on loopback), and one agent claims it over
the API while the other is told who has it; the WAV downloads."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from ccctl.testing import sipp
from ccctl.testing.ports import free_port
from ccctl.web.tokens import Role, TokenFile
from tests.e2e.daemon import DaemonProcess, running_daemon
from tests.e2e.pbx import Pbx, destroy, prepare, start
from tests.sms.fakes import FakeElks, fake_elks

pytestmark = pytest.mark.pbx

NUMBER = "+46846500452"  # the closed entry point whose callers leave voicemail
CALLER = "+46846500480"  # fiction range: the caller's number in From
MAILBOX = "e2e-vm"


@dataclass
class Inbox:
    """aiosmtpd's handler: every mail the relay accepts, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        with self.lock:
            self.messages.append(cast(EmailMessage, message_from_bytes(envelope.content,
                                                                       policy=default)))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


@dataclass
class Setup:
    pbx: Pbx
    elks: FakeElks
    inbox: Inbox


@pytest.fixture
def voicemail_pbx(tmp_path: Path) -> Iterator[Setup]:
    """The example plus an always-closed entry point whose callers leave voicemail in its
    own mailbox; Agnes and Bertil are told by SMS and e-mail; the daemon reads the
    sandbox's spool (pbx.voicemail_spool: sandbox:NAME)."""
    inbox = Inbox()
    relay = Controller(inbox, hostname="127.0.0.1", port=free_port())
    relay.start()
    try:
        with fake_elks() as elks:
            handle = prepare(tmp_path)
            config = handle.config.parent
            (config / "e2e-voicemail.yaml").write_text(
                "hours:\n  - id: e2e-never\n    weekly: {}\n"
                f"entry_points:\n  - id: {MAILBOX}\n    name: Röstbrevlådan\n"
                f"    numbers: [\"{NUMBER}\"]\n    destination: {{queue: vaxel}}\n"
                f"    hours: e2e-never\n    closed: {{action: voicemail, mailbox: {MAILBOX}}}\n"
                "    voicemail: {notify: [agnes, bertil], sms: true, email: true}\n"
                "sms:\n  sender: Kommunen\n  provider:\n    kind: 46elks\n"
                f"    username: {FakeElks.USERNAME}\n    password: secret:elks_password\n"
                f"    api_url: {elks.url}/a1\n"
                f"smtp:\n  host: 127.0.0.1\n  port: {relay.port}\n  security: none\n"
                "  from_address: ccctl@exempelkommun.example\n")
            handle.edit("ccctl.yaml", "include:\n", "include:\n  - e2e-voicemail.yaml\n")
            with (config / "e2e.yaml").open("a") as e2e:  # its last section is pbx:
                e2e.write(f"  voicemail_spool: sandbox:{handle.box.name}\n")
            start(handle)
            secrets = json.loads(handle.secrets.read_text())
            secrets["sms"] = {"elks_password": FakeElks.PASSWORD}
            handle.secrets.write_text(json.dumps(secrets))
            try:
                yield Setup(handle, elks, inbox)
            finally:
                destroy(handle)
    finally:
        relay.stop()


def _leave_message(pbx: Pbx, *, talk_s: float) -> sipp.SippResult:
    """Call the closed entry point, stay through the greeting and the beep, send RTP for
    ``talk_s`` seconds in all, press # (ends the recording) and wait for the hang-up."""
    scenario = sipp.dtmf_scenario(pbx.workdir, (sipp.Key("#", talk_s),), then_wait=20.0,
                                  pbx_hangs_up=True, dtmf="rfc4733")
    call = replace(pbx.call(NUMBER, seconds=60.0), scenario=scenario, caller=CALLER,
                   timeout_s=60)
    return sipp.Running(call).wait()


def _wait(pbx: Pbx, daemon: DaemonProcess, predicate: Callable[[], bool], what: str,
          timeout: float = 20.0) -> None:
    """``pbx.wait_for``, failing with what the daemon logged about voicemail."""
    try:
        pbx.wait_for(predicate, what, timeout)
    except AssertionError as exc:
        lines = [line for line in daemon.log().splitlines() if "voicemail" in line.lower()]
        raise AssertionError(f"{exc}; the daemon's voicemail log:\n" + "\n".join(lines)
                             ) from None


def _get(daemon: DaemonProcess, path: str, token: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{daemon.port}{path}",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_given_a_caller_leaves_a_voicemail_then_the_agents_are_told_and_one_claims_it(
    voicemail_pbx: Setup,
) -> None:
    pbx, elks, inbox = voicemail_pbx.pbx, voicemail_pbx.elks, voicemail_pbx.inbox
    if not sipp.can_play_pcap():
        pytest.skip("SIPp needs root or CAP_NET_RAW to send the caller's RTP")
    with running_daemon(pbx) as daemon:
        tokens = TokenFile(daemon.tokens_path)
        agnes = tokens.create("agnes-desk", Role.AGENT, "agnes")
        bertil = tokens.create("bertil-desk", Role.AGENT, "bertil")
        fredrik = tokens.create("fredrik-desk", Role.AGENT, "fredrik")

        result = _leave_message(pbx, talk_s=16.0)
        assert result.ok, result.errors
        _wait(pbx, daemon, lambda: f"left in mailbox {MAILBOX}" in daemon.log(),
              "the daemon to find the message", timeout=15)
        _wait(pbx, daemon, lambda: len(elks.messages) == 2 and inbox.count() == 2,
              "two SMS and two e-mails")

        status, listing = daemon.request("GET", "/api/voicemail", token=agnes)
        assert status == 200, listing
        [message] = listing["messages"]
        claimed = daemon.request("POST", f"/api/voicemail/{message['id']}/claim", token=agnes)
        taken = daemon.request("POST", f"/api/voicemail/{message['id']}/claim", token=bertil)
        audio = _get(daemon, message["audio"], bertil)
        outsider = _get(daemon, message["audio"], fredrik)
        log = daemon.log()

    assert message["mailbox"] == MAILBOX and message["caller"] == CALLER
    assert message["duration_s"] >= 1
    assert claimed[0] == 200 and claimed[1]["claimed_by"] == "agnes"
    assert taken[0] == 409 and taken[1]["claimed_by"] == "agnes"
    assert "Agnes Exempelsson (agnes) has it" in taken[1]["error"]
    assert audio[:2] == (200, "audio/wav") and audio[2][:4] == b"RIFF"
    assert outsider[0] == 404  # Fredrik is not notified for this mailbox
    assert {m["to"] for m in elks.messages} == {"+46701740605", "+46701740606"}
    assert all(m["message"].startswith("Nytt röstmeddelande i Röstbrevlådan från "
                                       f"{CALLER}") for m in elks.messages)
    recipients = sorted(str(m["To"]) for m in inbox.messages)
    assert recipients == ["Agnes Exempelsson <agnes@exempelkommun.example>",
                          "Bertil Testberg <bertil@exempelkommun.example>"]
    for mail in inbox.messages:
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_content_type() == "audio/wav"
        assert cast(bytes, attachment.get_content())[:4] == b"RIFF"
    assert "+46701740605" not in log and CALLER not in log  # numbers only masked


def test_given_the_daemon_restarts_then_a_known_message_is_not_notified_again(
    voicemail_pbx: Setup,
) -> None:
    pbx, elks, inbox = voicemail_pbx.pbx, voicemail_pbx.elks, voicemail_pbx.inbox
    if not sipp.can_play_pcap():
        pytest.skip("SIPp needs root or CAP_NET_RAW to send the caller's RTP")
    with running_daemon(pbx) as first:
        result = _leave_message(pbx, talk_s=16.0)
        assert result.ok, result.errors
        _wait(pbx, first, lambda: len(elks.messages) == 2 and inbox.count() == 2,
              "the notices", timeout=30)
        status, listing = first.request("GET", "/api/voicemail")
        assert status == 200
    with running_daemon(pbx) as second:
        _wait(pbx, second, lambda: "voicemail: spool read" in second.log(), "the first poll")
        time.sleep(2.5)  # and one more poll, which would send what the first one found
        status, again = second.request("GET", "/api/voicemail?state=all")
        log = second.log()
    assert [m["id"] for m in again["messages"]] == [m["id"] for m in listing["messages"]]
    assert "left in mailbox" not in log
    assert "spool read: 1 message(s) there, 0 new" in log
    assert (len(elks.messages), inbox.count()) == (2, 2)
