"""Run SIPp scenarios against a PBX on loopback and read back what happened.

Only loopback targets are accepted: load and security tests never leave the
machine.
"""

from __future__ import annotations

import csv
import ipaddress
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


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

    def command(self, workdir: Path) -> list[str]:
        if not ipaddress.ip_address(self.host).is_loopback:
            raise SippError(f"refusing to send SIP to {self.host}: tests target loopback only")
        sipp = shutil.which("sipp")
        if sipp is None:
            raise SippError("sipp is not installed; run 'make deps' (Debian package sip-tester)")
        scenario = workdir / self.scenario
        scenario.write_text((SCENARIOS / self.scenario).read_text().replace(
            "__HOLD_MS__", str(self.duration_ms)))
        return [
            sipp, f"{self.host}:{self.port}", "-sf", str(scenario),
            "-s", self.number, "-au", self.from_user, "-ap", self.password,
            "-set", "from_user", self.from_user,
            "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "0",
            "-m", str(self.calls), "-r", str(self.rate), "-d", str(self.duration_ms),
            "-timeout", f"{self.timeout_s}s", "-timeout_error", "-nostdin",
            "-trace_stat", "-stf", str(workdir / "stat.csv"), "-fd", "1",
            "-trace_err", "-error_file", str(workdir / "errors.log"),
            "-recv_timeout", "10s",
            "-trace_logs", "-log_file", str(workdir / "actions.log"),
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
    """A SIPp phone that answers every call, listening on ``127.0.0.1:port`` until stopped."""

    def __init__(self, port: int, scenario: str = "agent.xml") -> None:
        sipp = shutil.which("sipp")
        if sipp is None:
            raise SippError("sipp is not installed; run 'make deps' (Debian package sip-tester)")
        self.port = port
        self._dir = Path(tempfile.mkdtemp(prefix="ccctl-agent-"))
        self._proc = subprocess.Popen(
            [sipp, "-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-mi", "127.0.0.1",
             "-p", str(port), "-nostdin", "-trace_stat", "-stf", str(self._dir / "stat.csv"),
             "-fd", "1", "-trace_err", "-error_file", str(self._dir / "errors.log")],
            cwd=self._dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)

    @property
    def contact(self) -> str:
        return f"sip:agent@127.0.0.1:{self.port}"

    def stop(self) -> SippResult:
        self._proc.terminate()
        try:
            _, stderr = self._proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            _, stderr = self._proc.communicate()
        result = _read_result(self._dir, self._proc.returncode, stderr.decode(errors="replace"))
        shutil.rmtree(self._dir, ignore_errors=True)
        return result
