"""`ccctl run` as a real process next to a sandbox, for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.e2e.pbx import Pbx, free_port


@dataclass
class DaemonProcess:
    proc: subprocess.Popen[str]
    port: int
    log_path: str

    def request(self, method: str, path: str, body: dict[str, Any] | None = None
                ) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def log(self) -> str:
        with open(self.log_path, errors="replace") as handle:
            return handle.read()


@contextmanager
def running_daemon(pbx: Pbx, store_url: str | None = None) -> Iterator[DaemonProcess]:
    port = free_port(socket.SOCK_STREAM)
    log_path = str(pbx.workdir / f"daemon-{port}.log")
    store = store_url or f"sqlite:///{pbx.workdir / 'state' / 'ccctl.db'}"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ccctl", "-v", "run", str(pbx.config), "--secrets",
             str(pbx.secrets), "--store", store, "--http", f"127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, CCCTL_STATE_DIR=str(pbx.workdir / "state")))
    daemon = DaemonProcess(proc, port, log_path)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if daemon.request("GET", "/health")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"ccctl run did not become healthy:\n{daemon.log()}")
            time.sleep(0.1)
        yield daemon
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
