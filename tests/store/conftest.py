"""Stores under test: a SQLite file, and a private PostgreSQL server on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster bound to 127.0.0.1; yields a DSN prefix."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins:
        pytest.fail("PostgreSQL server binaries are missing; run 'make deps' (Debian: postgresql)")
    bindir = bins[-1]
    # Not under pytest's tmp dir: that is private to root, and PostgreSQL refuses to run
    # as root, so the cluster belongs to the postgres user.
    data = Path(tempfile.mkdtemp(prefix="ccctl-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "--auth=trust",
                                 "-U", "ccctl", "--no-sync"]), check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(_as_postgres([
        str(bindir / "postgres"), "-D", str(data), "-k", str(data), "-p", str(port),
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                         capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("the test PostgreSQL server did not start")
        time.sleep(0.1)
    try:
        yield f"postgresql://ccctl@127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ccctl.db'}"
    prefix: str = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        import asyncpg  # noqa: PLC0415 - the optional backend's driver

        conn = await asyncpg.connect(f"{prefix}/postgres")
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()

    asyncio.run(create())
    return f"{prefix}/{name}"
