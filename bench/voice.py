"""Voice benchmarks on the real sandbox: ccctl against app_queue, measured in the same run.

Both paths use one Asterisk, one generated configuration and the same SIPp agents:
"ccctl" is the daemon running (callers wait in ccctl's Stasis queue); "app_queue" is
the daemon stopped, so the generated dialplan falls back to app_queue with the same
agents. Runs are interleaved and repeated, because this machine's speed drifts.

Figures:
* ``voice.cps_ccctl`` / ``voice.cps_app_queue`` / ``voice.cps_ratio``: the highest
  call rate (caller → queue → 100 agents, who talk 0.3 s) with 0 failed calls and no
  SIP retransmissions, median of the repeats;
* ``voice.agent_bound_throughput_ratio``: 40 agents that ring 0.5 s and talk 2 s,
  20 calls/s offered: completed calls per second through ccctl ÷ through app_queue;
* ``voice.daemon_rss_mb.waiting_1k`` beside ``voice.asterisk_rss_mb.waiting_1k``:
  memory with 1,000 callers waiting in ccctl's queue.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from ccctl.pbx import service
from ccctl.testing import sipp
from ccctl.testing.ports import free_port

NUMBER = "+46846500400"
RATES = (40, 80, 120, 140, 160, 180, 200, 240, 280)
REPEATS = 3


def _config(directory: Path, agents: int, phone_port: int) -> Path:
    lines = [
        "site: {name: Bench, languages: [sv], default_language: sv}",
        "skills: [{id: bench}]",
        "queues:",
        "  - {id: bench, skills: {bench: 1}, wrap_up_seconds: 0, ring_timeout_seconds: 10}",
        "entry_points:",
        f'  - {{id: bench, numbers: ["{NUMBER}"], destination: {{queue: bench}}}}',
        "trunks: [{id: load, auth: true}]",
        "pbx:",
        f"  sip: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_DGRAM)}}}",
        f"  http: {{bind: 127.0.0.1, port: {free_port()}}}",
        f"  ami: {{bind: 127.0.0.1, port: {free_port()}}}",
        f"  agi: {{bind: 127.0.0.1, port: {free_port()}}}",
        "  rtp_start: 30000",
        "  rtp_end: 35999",
        "agents:",
    ]
    lines += [f'  - {{id: a{i:03d}, name: Agent {i}, extension: "{2000 + i}", '
              f"skills: {{bench: 3}}, contact: 'sip:a{i:03d}@127.0.0.1:{phone_port}'}}"
              for i in range(agents)]
    path = directory / "bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


class Bench:
    """One sandbox, its SIPp agent phones, and the daemon switched on and off.

    By default the configuration is one queue with ``agents`` agents whose phones
    (one SIPp) ring ``ring_ms`` and talk ``talk_ms``. Given ``config``, that
    configuration is used instead, with no agents logged in and no phones;
    ``prompts`` (a build directory) builds and installs its prompts.
    ``manager_extra`` is appended to the generated manager.conf (an observer's
    AMI user, see bench/voice_latency.py).
    """

    def __init__(self, workdir: Path, agents: int = 0, ring_ms: int = 0, talk_ms: int = 0, *,
                 config: Path | None = None, prompts: Path | None = None,
                 manager_extra: str = "") -> None:
        self.workdir = workdir
        self.agents = [f"a{i:03d}" for i in range(agents)] if config is None else []
        self.phone_port = free_port(socket.SOCK_DGRAM)
        self.config = config or _config(workdir, agents, self.phone_port)
        self.secrets = workdir / "secrets.json"
        self.rendered = service.render(self.config, self.secrets)
        if manager_extra:
            files = dict(self.rendered.files)
            files["manager.conf"] += manager_extra
            self.rendered = replace(self.rendered, files=files)
        self.phones = sipp.AgentPhone(self.phone_port, "agent_talk.xml", ring_ms=ring_ms,
                                      talk_ms=talk_ms) if self.agents else None
        try:
            self.box = service.start_sandbox(self.rendered, f"bench-{os.getpid()}",
                                             prompts=prompts)
        except BaseException:
            if self.phones is not None:
                self.phones.stop()
            raise
        for agent in self.agents:
            self.box.rx(f"pjsip qualify {agent}")
        self.daemon: subprocess.Popen[bytes] | None = None
        self.http_port = free_port()
        self.tokens = workdir / "tokens.json"
        self._auth: dict[str, str] = {}

    def close(self) -> None:
        self.daemon_off()
        if self.phones is not None:
            self.phones.stop()
        self.box.stop()
        shutil.rmtree(self.box.home, ignore_errors=True)

    def _api(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}",
                                         method=method, headers=self._auth)
        with urllib.request.urlopen(request, timeout=10) as response:
            data: dict[str, Any] = json.loads(response.read() or b"{}")
            return data

    def daemon_on(self) -> None:
        """A fresh daemon (fresh store) with every agent logged in; a running one is stopped."""
        self.daemon_off()
        if not self._auth:  # a supervisor token, as an operator makes one (never printed)
            token = subprocess.run(
                [sys.executable, "-m", "ccctl", "token", "create", "bench", "--role",
                 "supervisor", "--tokens", str(self.tokens)],
                capture_output=True, text=True, check=True).stdout.strip()
            self._auth = {"Authorization": f"Bearer {token}"}
        store = f"sqlite:///{self.workdir / f'ccctl-{time.monotonic_ns()}.db'}"
        self.daemon = subprocess.Popen(
            [sys.executable, "-m", "ccctl", "run", str(self.config), "--secrets",
             str(self.secrets), "--store", store, "--http", f"127.0.0.1:{self.http_port}",
             "--tokens", str(self.tokens)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self._api("GET", "/health").get("ari") == "connected":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ccctl run did not come up")
            time.sleep(0.1)
        for agent in self.agents:
            self._api("POST", f"/api/agents/{agent}/login")

    def daemon_off(self) -> None:
        if self.daemon is not None:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(timeout=30)
            self.daemon = None
            time.sleep(0.5)  # let Asterisk notice the app is gone

    def callers(self, rate: float, calls: int, hold_ms: int) -> sipp.SippResult:
        return sipp.run(self.call(rate, calls, hold_ms))

    def call(self, rate: float, calls: int, hold_ms: int,
             scenario: str = "caller_answered.xml") -> sipp.Call:
        """SIPp callers through the first trunk to ``NUMBER`` (the bench's, and the
        example's main number); ``hold_ms`` is their longest stay."""
        trunk = self.rendered.plan.trunks[0]
        assert trunk.auth_username is not None
        sip = self.rendered.config.pbx.sip
        return sipp.Call(
            "127.0.0.1", sip.port, NUMBER, trunk.auth_username,
            self.rendered.secrets.trunk(trunk.name), calls=calls, rate=rate,
            duration_ms=hold_ms, timeout_s=int(calls / rate) + hold_ms // 1000 + 60,
            scenario=scenario)

    def rss_mb(self, pid: int, field: str = "VmRSS") -> float:
        """Resident memory now (``VmHWM``: its peak so far) in MB; 0 if the process is gone."""
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return 0.0


def set_mode(bench: Bench, mode: str) -> None:
    """``ccctl``: the daemon runs; ``app_queue``: it does not (the dialplan's fallback)."""
    if mode == "ccctl":
        bench.daemon_on()
    else:
        bench.daemon_off()


def max_cps(bench: Bench, figures: dict[str, list[float]]) -> None:
    """Highest clean rate per mode; modes interleaved at every rate, repeated."""
    for _ in range(REPEATS):
        best = {"ccctl": 0.0, "app_queue": 0.0}
        failed: set[str] = set()
        for rate in RATES:
            for mode in ("ccctl", "app_queue"):
                if mode in failed:
                    continue  # it already failed at a lower rate
                set_mode(bench, mode)
                result = bench.callers(rate, rate * 4, hold_ms=5000)
                clean = result.failed == 0 and result.retransmissions == 0 and result.ok
                print(f"#   {mode:9} {rate:3d} cps: {result.successful} ok, {result.failed} "
                      f"failed, {result.retransmissions} retransmissions", flush=True)
                if clean:
                    best[mode] = float(rate)
                else:
                    failed.add(mode)
        for mode, value in best.items():
            figures[f"cps_{mode}"].append(value)


def agent_bound(bench: Bench, figures: dict[str, list[float]]) -> None:
    offered, seconds = 20, 15
    for _ in range(REPEATS):
        for mode in ("ccctl", "app_queue"):
            set_mode(bench, mode)
            started = time.monotonic()
            result = bench.callers(offered, offered * seconds, hold_ms=120_000)
            elapsed = time.monotonic() - started
            rate = result.successful / elapsed
            print(f"#   {mode:9} agent-bound: {result.successful} calls in {elapsed:.1f} s "
                  f"= {rate:.2f} calls/s ({result.failed} failed)", flush=True)
            figures[f"agent_bound_{mode}"].append(rate)


def waiting_rss(workdir: Path) -> tuple[float, float]:
    bench = Bench(workdir, agents=1, ring_ms=0, talk_ms=0)
    try:
        bench.daemon_on()
        bench._api("POST", f"/api/agents/{bench.agents[0]}/logout")
        assert bench.daemon is not None
        load = sipp.Running(bench.call(100, 1000, 25_000))
        deadline = time.monotonic() + 60
        waiting = 0
        while time.monotonic() < deadline and waiting < 1000:
            time.sleep(1)
            waiting = sum(q["waiting"] for q in bench._api("GET", "/api/queues")["queues"])
        daemon_rss = bench.rss_mb(bench.daemon.pid)
        asterisk_pid = bench.box.pid()
        asterisk_rss = bench.rss_mb(asterisk_pid) if asterisk_pid else 0.0
        print(f"#   {waiting} callers waiting when measured", flush=True)
        load.wait()
        return daemon_rss, asterisk_rss
    finally:
        bench.close()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ccctl-bench-voice-"))
    figures: dict[str, list[float]] = {k: [] for k in (
        "cps_ccctl", "cps_app_queue", "agent_bound_ccctl", "agent_bound_app_queue")}
    try:
        (workdir / "cps").mkdir()
        bench = Bench(workdir / "cps", agents=100, ring_ms=0, talk_ms=300)
        try:
            max_cps(bench, figures)
        finally:
            bench.close()
        (workdir / "bound").mkdir()
        bench = Bench(workdir / "bound", agents=40, ring_ms=500, talk_ms=2000)
        try:
            agent_bound(bench, figures)
        finally:
            bench.close()
        (workdir / "rss").mkdir()
        daemon_rss, asterisk_rss = waiting_rss(workdir / "rss")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"figure: voice.cps_ccctl = {med['cps_ccctl']:.0f} calls/s")
    print(f"figure: voice.cps_app_queue = {med['cps_app_queue']:.0f} calls/s")
    print(f"figure: voice.cps_ratio = {med['cps_ccctl'] / max(med['cps_app_queue'], 1):.2f} x")
    print(f"figure: voice.agent_bound_ccctl = {med['agent_bound_ccctl']:.2f} calls/s")
    print(f"figure: voice.agent_bound_app_queue = {med['agent_bound_app_queue']:.2f} calls/s")
    ratio = med["agent_bound_ccctl"] / max(med["agent_bound_app_queue"], 0.01)
    print(f"figure: voice.agent_bound_throughput_ratio = {ratio:.2f} x")
    print(f"figure: voice.daemon_rss_mb.waiting_1k = {daemon_rss:.1f} MB")
    print(f"figure: voice.asterisk_rss_mb.waiting_1k = {asterisk_rss:.1f} MB")


if __name__ == "__main__":
    main()
