"""`ccctl run` as a real process next to a sandbox, for end-to-end tests.

The daemon reads its API tokens from the test's state directory; the helper
creates a supervisor token there first and sends it with every request unless
told otherwise (``token=…`` or ``anonymous=True``).
"""

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
from pathlib import Path
from typing import Any

from ccctl.web.tokens import Role, TokenFile
from tests.e2e.pbx import Pbx, free_port


@dataclass
class DaemonProcess:
    proc: subprocess.Popen[str]
    port: int
    log_path: str
    token: str  # a supervisor token, sent by default
    tokens_path: Path

    def request(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                token: str | None = None, anonymous: bool = False
                ) -> tuple[int, dict[str, Any]]:
        """(status, JSON body); as the supervisor unless ``token`` or ``anonymous``."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if not anonymous:
            headers["Authorization"] = f"Bearer {token or self.token}"
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method, headers=headers)
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
    # Where `ccctl run` looks by default with this CCCTL_STATE_DIR; same code as the CLI.
    tokens_path = pbx.workdir / "state" / "tokens.json"
    token = TokenFile(tokens_path).create(f"e2e-supervisor-{port}", Role.SUPERVISOR)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ccctl", "-v", "run", str(pbx.config), "--secrets",
             str(pbx.secrets), "--store", store, "--http", f"127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, CCCTL_STATE_DIR=str(pbx.workdir / "state")))
    daemon = DaemonProcess(proc, port, log_path, token, tokens_path)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if daemon.request("GET", "/health", anonymous=True)[0] == 200:
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
