"""A contact center running in a real Asterisk 22 sandbox, for end-to-end tests.

Each test gets its own copy of the example configuration with free loopback
ports, its own secrets file and its own sandbox instance, so tests (and a
`make run` sandbox on the default ports) never interfere.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ccctl.ami import AmiClient, Credentials
from ccctl.pbx import service
from ccctl.pbx.image import default_cache_dir
from ccctl.pbx.reload import verify
from ccctl.pbx.sandbox import Sandbox
from ccctl.testing import sipp
from ccctl.testing.ports import free_port

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "example"
DIRECT_NUMBER = "+46846500450"  # added by prepare(): straight to queue vaxel, always open
FAST_NUMBER = "+46846500451"  # added by prepare(): to queue e2e-fast (rings 5 s, 2 s wrap-up)
PHONE_AGENTS = ("fredrik", "david")  # SIP agents of Växel given SIPp desk phones
TODAY = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()  # in the example's time zone


@dataclass
class Pbx:
    """One running sandbox with its configuration files and secrets."""

    workdir: Path
    box: Sandbox
    phone_ports: dict[str, int]  # agent id → where that agent's SIPp desk phone listens

    @property
    def phone_port(self) -> int:
        return self.phone_ports["fredrik"]

    @property
    def config(self) -> Path:
        return self.workdir / "config" / "ccctl.yaml"

    @property
    def secrets(self) -> Path:
        return self.workdir / "state" / "secrets.json"

    def rendered(self) -> service.Rendered:
        return service.render(self.config, self.secrets)

    def ccctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the real CLI as an admin would, against this sandbox."""
        cmd = [sys.executable, "-m", "ccctl", *args]
        if args and args[0] in ("diff", "reload", "generate", "pbx"):
            cmd += ["--secrets", str(self.secrets)]
        if args and args[0] in ("diff", "reload"):
            cmd += ["--name", self.box.name]
        env = dict(os.environ, CCCTL_STATE_DIR=str(self.workdir / "state"))
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                              check=False)

    def call(self, number: str, *, seconds: float = 1.0) -> sipp.Call:
        rendered = self.rendered()
        # The example's operator trunk: SIPp calls from 127.0.0.1 with its digest credentials.
        trunk = next(t for t in rendered.plan.trunks if t.auth_username is not None)
        assert trunk.auth_username is not None
        sip = rendered.config.pbx.sip
        return sipp.Call("127.0.0.1", sip.port, number, trunk.auth_username,
                         rendered.secrets.trunk(trunk.name), duration_ms=int(seconds * 1000))

    def credentials(self) -> Credentials:
        return service.sandbox_credentials(self.rendered())

    def missing(self) -> list[str]:
        """What the running Asterisk lacks compared with the current config (empty: all there)."""
        rendered = self.rendered()

        async def check() -> list[str]:
            async with AmiClient(self.credentials()) as ami:
                return await verify(ami, service.expectations(rendered.plan))

        return asyncio.run(check())

    def edit(self, file: str, old: str, new: str) -> None:
        path = self.config.parent / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1))

    @contextmanager
    def agent_phone(self, agent_id: str, scenario: str = "agent.xml"
                    ) -> Iterator[sipp.AgentPhone]:
        """A SIPp desk phone for ``agent_id`` (one of ``PHONE_AGENTS``): ``agent.xml``
        answers every call, ``agent_noanswer.xml`` rings until the PBX gives up."""
        phone = sipp.AgentPhone(self.phone_ports[agent_id], scenario)
        try:
            self.box.rx(f"pjsip qualify {agent_id}")
            self.wait_for(lambda: "Not in use" in self.box.rx(f"pjsip show endpoint {agent_id}"),
                          f"endpoint {agent_id} reachable")
            yield phone
        finally:
            phone.stop()

    @staticmethod
    def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")


def prepare(tmp: Path) -> Pbx:
    """Copy the example config into ``tmp`` with free ports and SIPp-reachable agents."""
    config_dir = tmp / "config"
    shutil.copytree(EXAMPLE, config_dir)
    rtp = random.Random().randrange(20000, 29000, 200)
    # Free ports, and numbers straight to a queue (no opening hours, no menu) so that
    # call-flow tests do not depend on the time of day or on walking the IVR.
    (config_dir / "e2e.yaml").write_text(
        "entry_points:\n"
        f"  - id: e2e-direct\n    numbers: [\"{DIRECT_NUMBER}\"]\n"
        "    destination: {queue: vaxel}\n"
        f"  - id: e2e-fast\n    numbers: [\"{FAST_NUMBER}\"]\n"
        "    destination: {queue: e2e-fast}\n"
        "queues:\n"
        "  - id: e2e-fast\n    skills: {vaxel: 1}\n"
        "    ring_timeout_seconds: 5\n    wrap_up_seconds: 2\n"
        "    announcements: {first_after_seconds: 1, every_seconds: 3, position: true,\n"
        "                    expected_wait: true, agents_answering: true}\n"
        "pbx:\n"
        f"  sip: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_DGRAM)}}}\n"
        f"  http: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_STREAM)}}}\n"
        f"  ami: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_STREAM)}}}\n"
        f"  agi: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_STREAM)}}}\n"
        f"  rtp_start: {rtp}\n  rtp_end: {rtp + 199}\n"
    )
    main = config_dir / "ccctl.yaml"
    text = main.read_text()
    assert "include:\n" in text, "the example's ccctl.yaml must have an include list"
    main.write_text(text.replace("include:\n", "include:\n  - e2e.yaml\n", 1))
    agents = config_dir / "agents.yaml"
    text = agents.read_text()
    ports = {agent: free_port(socket.SOCK_DGRAM) for agent in PHONE_AGENTS}
    for agent, port in ports.items():
        anchor = f"  - id: {agent}\n"
        assert anchor in text, f"agent {agent} not in the example"
        text = text.replace(anchor, anchor + f"    contact: sip:{agent}@127.0.0.1:{port}\n", 1)
    agents.write_text(text)
    box = Sandbox(service.sandbox("x").image, f"test-{uuid.uuid4().hex[:8]}")
    return Pbx(tmp, box, ports)


def start(pbx: Pbx, *, prompts: bool = False) -> None:
    """Start the sandbox; with ``prompts``, build the config's prompts (into a cache shared
    by the tests: the build is incremental) and install them."""
    built = default_cache_dir() / "test-prompts" if prompts else None
    service.start_sandbox(pbx.rendered(), pbx.box.name, prompts=built)


def destroy(pbx: Pbx) -> None:
    pbx.box.stop()
    shutil.rmtree(pbx.box.home, ignore_errors=True)


def start_with_test_dialplan(pbx: Pbx, extensions: str) -> None:
    """Start like :func:`start`, with ``extensions`` appended to extensions.conf.

    For tests that need a small context of their own (reach it from
    ``[ccctl-inbound](+)``). The AMI user may also read ``user`` events, so
    the test can observe ``UserEvent()`` results from its dialplan.
    """
    rendered = pbx.rendered()
    files = dict(rendered.files)
    files["extensions.conf"] += "\n; --- test dialplan ---\n" + extensions
    manager = files["manager.conf"]
    assert "\nread = " in manager, "manager.conf has no read = line to extend"
    files["manager.conf"] = manager.replace("\nread = ", "\nread = user,", 1)
    pbx.box.install(files)
    pbx.box.start(rendered.config.pbx)


# -- IVR helpers --------------------------------------------------------------

def install_beep_prompts(pbx: Pbx) -> None:
    """A short beep under every prompt id and site language, where the dialplan looks.

    The IVR tests walk menus by key, not by ear: a 0.3 s beep keeps them fast,
    and every Playback/Read finds its file (as the built prompts would be).
    """
    rendered = pbx.rendered()
    beep = pbx.box.image.root / "usr/share/asterisk/sounds/en_US_f_Allison/beep.gsm"
    if not beep.exists():
        beep = next(pbx.box.image.root.glob("usr/share/asterisk/sounds/*/beep.gsm"))
    inside = rendered.plan.prompts_dir.replace("${ASTVARLIBDIR}", str(pbx.box.inside / "var/lib"))
    prompts = pbx.box.image.root / inside.lstrip("/")
    uid, gid = pbx.box.image.asterisk_uid_gid()
    for language in rendered.config.site.languages:
        (prompts / language).mkdir(parents=True, exist_ok=True)
        for prompt in rendered.config.prompts:
            shutil.copyfile(beep, prompts / language / f"{prompt.id}.gsm")
    for dirpath, _, filenames in os.walk(pbx.box.home / "var/lib"):
        os.chown(dirpath, uid, gid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, gid)


def notices(pbx: Pbx, contains: str) -> list[str]:
    """NOTICE lines of this sandbox's log that contain ``contains``."""
    return [line for line in pbx.box.log_lines("NOTICE") if contains in line]


def set_today(pbx: Pbx, hours: str) -> None:
    """Make today ``hours`` ('closed' or 'HH:MM-HH:MM') as an exception, synced to AstDB."""
    path = pbx.config.parent / "hours.yaml"
    lines = [line for line in path.read_text().splitlines(keepends=True)
             if f'"{TODAY:%Y-%m-%d}"' not in line]
    text = "".join(lines).replace(
        "    exceptions:\n", f'    exceptions:\n      "{TODAY:%Y-%m-%d}": "{hours}"\n', 1)
    path.write_text(text)
    result = pbx.ccctl("hours", "sync", str(pbx.config), "--secrets", str(pbx.secrets),
                       "--name", pbx.box.name)
    assert result.returncode == 0, result.stderr
    assert "day(s) written" in result.stdout
