"""Free loopback ports for sandboxes, SIPp and daemons started by tests and benchmarks."""

from __future__ import annotations

import socket


def free_port(kind: socket.SocketKind = socket.SOCK_STREAM, host: str = "127.0.0.1") -> int:
    """A port on ``host`` (a loopback address) that nothing listens on right now (TCP by
    default)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
