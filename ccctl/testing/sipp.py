"""Run SIPp scenarios against a PBX on loopback and read back what happened.

Only loopback targets are accepted: load and security tests never leave the
machine.
"""

from __future__ import annotations

import csv
import ipaddress
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ccctl.testing import pcap
from ccctl.testing.ports import free_port

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


DtmfMethod = Literal["info", "rfc4733"]


class SippError(RuntimeError):
    """SIPp is missing or was asked to target something that is not loopback."""


@dataclass(frozen=True)
class SippResult:
    returncode: int
    successful: int
    failed: int
    retransmissions: int
    errors: str  # unexpected messages SIPp logged, for assertion messages
    pbx_hung_up: bool = False  # caller_answered.xml: the PBX ended the call first

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.failed == 0


@dataclass(frozen=True)
class Call:
    """One run of a caller scenario: ``calls`` calls at ``rate`` per second."""

    host: str
    port: int
    number: str
    from_user: str
    password: str
    calls: int = 1
    rate: float = 1.0
    duration_ms: int = 500
    timeout_s: int = 30
    scenario: str = "caller.xml"
    caller: str = ""  # the caller's number in From (default: the auth user)
    # Where SIPp sends from (SIP and media): another loopback address such as
    # 127.0.0.2 plays a trunk that the PBX recognises by its source address.
    local_ip: str = "127.0.0.1"
    # Send every RTP packet received back to where it came from: the far end (a
    # browser softphone, say) then hears its own audio, which proves media both ways.
    rtp_echo: bool = False

    def command(self, workdir: Path) -> list[str]:
        if not ipaddress.ip_address(self.host).is_loopback:
            raise SippError(f"refusing to send SIP to {self.host}: tests target loopback only")
        if not ipaddress.ip_address(self.local_ip).is_loopback:
            raise SippError(f"refusing to send SIP from {self.local_ip}: tests use loopback only")
        sipp = shutil.which("sipp")
        if sipp is None:
            raise SippError("sipp is not installed; run 'make deps' (Debian package sip-tester)")
        scenario = workdir / self.scenario
        scenario.write_text((SCENARIOS / self.scenario).read_text().replace(
            "__HOLD_MS__", str(self.duration_ms)))
        return [
            sipp, f"{self.host}:{self.port}", "-sf", str(scenario),
            "-s", self.number, "-au", self.from_user, "-ap", self.password,
            "-set", "from_user", self.caller or self.from_user,
            # An explicit free port: SIPp's own default would take 5060 when it is free,
            # i.e. the port a `make run` sandbox wants.
            "-i", self.local_ip, "-mi", self.local_ip,
            "-p", str(free_port(socket.SOCK_DGRAM, self.local_ip)),
            "-m", str(self.calls), "-r", str(self.rate), "-d", str(self.duration_ms),
            "-timeout", f"{self.timeout_s}s", "-timeout_error", "-nostdin",
            "-trace_stat", "-stf", str(workdir / "stat.csv"), "-fd", "1",
            "-trace_err", "-error_file", str(workdir / "errors.log"),
            "-recv_timeout", "10s",
            "-trace_logs", "-log_file", str(workdir / "actions.log"),
            *(["-rtp_echo"] if self.rtp_echo else []),
        ]


class Running:
    """A SIPp run in the background: start it, do something, then ``wait()``."""

    def __init__(self, call: Call) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="ccctl-sipp-"))
        cmd = call.command(self._dir)
        self._proc = subprocess.Popen(cmd, cwd=self._dir, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._timeout = call.timeout_s + 15

    def wait(self) -> SippResult:
        try:
            _, stderr = self._proc.communicate(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            _, stderr = self._proc.communicate()
        result = _read_result(self._dir, self._proc.returncode, stderr.decode(errors="replace"))
        shutil.rmtree(self._dir, ignore_errors=True)
        return result


def run(call: Call) -> SippResult:
    """Run a caller scenario to the end."""
    return Running(call).wait()


def _read_result(workdir: Path, returncode: int, stderr: str) -> SippResult:
    successful = failed = retrans = 0
    stat = workdir / "stat.csv"
    if stat.exists():
        rows = list(csv.DictReader(stat.read_text().splitlines(), delimiter=";"))
        if rows:
            last = rows[-1]
            successful = int(last.get("SuccessfulCall(C)", 0) or 0)
            failed = int(last.get("FailedCall(C)", 0) or 0)
            retrans = int(last.get("Retransmissions(C)", 0) or 0)
    errors = _read(workdir / "errors.log")
    hung_up = "pbx-hangup" in _read(workdir / "actions.log")
    return SippResult(returncode, successful, failed, retrans, (stderr + errors)[-4000:],
                      hung_up)


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


class AgentPhone:
    """A SIPp phone on ``127.0.0.1:port`` until stopped; one instance can be the phone
    of many agents (their AORs all point here). ``ring_ms``/``talk_ms`` fill the
    placeholders of ``agent_talk.xml``."""

    def __init__(self, port: int, scenario: str = "agent.xml", *, ring_ms: int = 0,
                 talk_ms: int = 0) -> None:
        sipp = shutil.which("sipp")
        if sipp is None:
            raise SippError("sipp is not installed; run 'make deps' (Debian package sip-tester)")
        self.port = port
        self._result: SippResult | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="ccctl-agent-"))
        path = self._dir / scenario
        path.write_text((SCENARIOS / scenario).read_text()
                        .replace("__RING_MS__", str(ring_ms)).replace("__TALK_MS__", str(talk_ms)))
        self._proc = subprocess.Popen(
            [sipp, "-sf", str(path), "-i", "127.0.0.1", "-mi", "127.0.0.1",
             "-p", str(port), "-nostdin", "-trace_stat", "-stf", str(self._dir / "stat.csv"),
             "-fd", "1", "-trace_err", "-error_file", str(self._dir / "errors.log")],
            cwd=self._dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)

    @property
    def contact(self) -> str:
        return f"sip:agent@127.0.0.1:{self.port}"

    def stop(self) -> SippResult:
        """Stop the phone and read its results (again: the same results)."""
        if self._result is not None:
            return self._result
        self._proc.terminate()
        try:
            _, stderr = self._proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            _, stderr = self._proc.communicate()
        result = _read_result(self._dir, self._proc.returncode, stderr.decode(errors="replace"))
        shutil.rmtree(self._dir, ignore_errors=True)
        self._result = result
        return result


# -- callers that press keys (SIP INFO or RFC 4733) ---------------------------

_INFO = """
  <pause milliseconds="{pause_ms}"/>
  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$from_user]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} INFO
      [routes]
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
"""

_CALLER_HANGS_UP = """
  <pause milliseconds="{pause_ms}"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[$from_user]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} BYE
      [routes]
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""

_PBX_HANGS_UP = """
  <recv request="BYE" timeout="{pause_ms}"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
"""

_PLAY_RTP = """
  <nop>
    <action>
      <exec play_pcap_audio="{pcap}"/>
    </action>
  </nop>
  <pause milliseconds="{pause_ms}"/>
"""

_KEYS = "0123456789*#"
# What caller_dtmf.xml offers: PCMA and telephone-event/8000 as payload type 101.
_AUDIO_TYPE, _EVENT_TYPE = 8, 101


@dataclass(frozen=True)
class Key:
    """Press ``key`` ``after`` seconds (counted from the previous key, or the answer)."""

    key: str
    after: float = 1.5

    def __post_init__(self) -> None:
        if len(self.key) != 1 or self.key not in _KEYS:
            raise SippError(f"{self.key!r} is not a DTMF key (one of {_KEYS})")


def dtmf_scenario(directory: Path, keys: tuple[Key, ...], *, then_wait: float,
                  pbx_hangs_up: bool, caller: str = "", dtmf: DtmfMethod = "info") -> str:
    """Write a caller scenario that presses ``keys``; return its path.

    ``dtmf`` is how the keys travel: ``info`` as SIP INFO requests
    (application/dtmf-relay), ``rfc4733`` as telephone events in the call's
    RTP stream (a pcap written next to the scenario and replayed by SIPp,
    which needs root or CAP_NET_RAW). Afterwards the
    caller stays ``then_wait`` seconds and hangs up; or, with ``pbx_hangs_up``,
    waits up to ``then_wait`` seconds for the PBX's BYE (a call the PBX does
    not end then counts as failed). ``caller`` goes out in an X-Ccctl-Caller
    header, which only test dialplans read.
    """
    if not all(c.isalnum() or c in "+-" for c in caller):
        raise SippError("the caller must be a plain number")
    name = f"caller-{''.join(k.key for k in keys) or 'nokeys'}-{dtmf}"
    if dtmf == "rfc4733":
        presses = _rtp_presses(directory / f"{name}.pcap", keys)
    else:
        presses = "".join(_INFO.format(pause_ms=int(k.after * 1000), cseq=10 + i, key=k.key)
                          for i, k in enumerate(keys))
    ending = (_PBX_HANGS_UP if pbx_hangs_up else _CALLER_HANGS_UP).format(
        pause_ms=int(then_wait * 1000), cseq=10 + len(keys))
    template = (SCENARIOS / "caller_dtmf.xml").read_text()
    path = directory / f"{name}.xml"
    path.write_text(template.replace("<!-- KEYS -->", presses)
                    .replace("<!-- ENDING -->", ending)
                    .replace("__CALLER__", caller or "anonymous"))
    return str(path)


def can_play_pcap() -> bool:
    """Whether SIPp may replay pcaps here: ``play_pcap_audio`` sends through a raw socket,
    which needs root or CAP_NET_RAW (probed with this process's own rights)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP).close()
    except OSError:  # PermissionError without the rights
        return False
    return True


def _rtp_presses(pcap_path: Path, keys: tuple[Key, ...]) -> str:
    """Write ``keys`` into one RTP stream (see :mod:`ccctl.testing.pcap`) and return the
    scenario steps that play it and wait until its last key has been sent."""
    presses, at_ms = [], 0
    for key in keys:
        at_ms += int(key.after * 1000)
        presses.append(pcap.Press(key.key, at_ms))
    stream = pcap.key_stream(presses, audio_type=_AUDIO_TYPE, event_type=_EVENT_TYPE)
    pcap.write_pcap(pcap_path, stream)
    # The pause ends where the INFO presses would have ended: after the last key.
    return _PLAY_RTP.format(pcap=pcap_path.resolve(), pause_ms=max(at_ms, 1))


def trunk_scenario(directory: Path, *, asserted: str = "", then_wait: float = 60.0) -> str:
    """Write a scenario for a call from a trunk the PBX recognises by source address.

    No digest authentication: run it with ``Call(local_ip=...)`` set to the
    trunk's address. From carries ``Call.caller``; ``asserted``, when given, is
    the number in a P-Asserted-Identity header (what operators vouch for). The
    caller then waits up to ``then_wait`` seconds for the PBX to hang up.
    """
    if not all(c.isalnum() or c in "+-" for c in asserted):
        raise SippError("the asserted identity must be a plain number")
    header = (f"      P-Asserted-Identity: <sip:{asserted}@[local_ip];user=phone>\n"
              if asserted else "")
    template = (SCENARIOS / "caller_trunk.xml").read_text()
    path = directory / f"caller-trunk-{asserted or 'from'}.xml"
    path.write_text(template.replace("      __ASSERTED__\n", header)
                    .replace("<!-- ENDING -->",
                             _PBX_HANGS_UP.format(pause_ms=int(then_wait * 1000))))
    return str(path)


def info_dtmf_scenario(workdir: Path, entries: list[str], *, caller: str = "",
                       first_pause_ms: int = 2000, digit_gap_ms: int = 250,
                       entry_gap_ms: int = 2000) -> str:
    """Type each of ``entries`` (e.g. a personnummer, then a PIN) as SIP INFO digits:
    ``digit_gap_ms`` apart, ``entry_gap_ms`` between entries (for a re-prompt), the
    first ``first_pause_ms`` after the answer; then wait for the PBX to hang up."""
    keys: list[Key] = []
    for index, entry in enumerate(entries):
        for position, digit in enumerate(entry):
            gap = (first_pause_ms if index == 0 else entry_gap_ms) if position == 0 \
                else digit_gap_ms
            keys.append(Key(digit, gap / 1000))
    return dtmf_scenario(workdir, tuple(keys), then_wait=60.0, pbx_hangs_up=True,
                         caller=caller)
