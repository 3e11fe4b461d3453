"""A private Asterisk 22 instance inside the cached image, on loopback.

One image can hold several instances side by side (``make run`` and the test
suite, say): each has its own config tree under ``/opt/ccctl/<name>`` inside
the root, its own ports (from the contact center's ``pbx:`` section) and runs
as the image's unprivileged ``asterisk`` user. The pytest fixtures use this
same class.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ccctl.config.models import Pbx
from ccctl.pbx.image import Image
from ccctl.prompts.sounds import install_sounds

log = logging.getLogger(__name__)

BASE_CONF_DIR = Path(__file__).resolve().parents[2] / "asterisk-conf"
_SUBDIRS = ("etc", "var/lib", "var/lib/keys", "var/spool", "var/run", "var/log", "var/cache")


class SandboxError(RuntimeError):
    """The sandbox could not be started, reached or stopped."""


@dataclass(frozen=True)
class Sandbox:
    image: Image
    name: str = "default"

    # -- paths -----------------------------------------------------------
    @property
    def inside(self) -> Path:
        """The instance's directory as Asterisk sees it (inside the chroot)."""
        return Path("/opt/ccctl") / self.name

    @property
    def home(self) -> Path:
        """The instance's directory as the host sees it."""
        return self.image.root / self.inside.relative_to("/")

    @property
    def etc(self) -> Path:
        return self.home / "etc"

    @property
    def log_dir(self) -> Path:
        return self.home / "var/log"

    @property
    def pid_file(self) -> Path:
        return self.home / "sandbox.pid"

    @property
    def conf_inside(self) -> str:
        return str(self.inside / "etc/asterisk.conf")

    # -- configuration ---------------------------------------------------
    def install(self, generated: Mapping[str, str], base_conf_dir: Path = BASE_CONF_DIR) -> None:
        """Lay out the config tree: static base files, asterisk.conf, generated files."""
        for sub in _SUBDIRS:
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        for path in sorted(base_conf_dir.glob("*.conf")):
            (self.etc / path.name).write_text(path.read_text())
        (self.etc / "asterisk.conf").write_text(self._asterisk_conf())
        for name, text in sorted(generated.items()):
            (self.etc / name).write_text(text)
        (self.etc / "rtp_local.conf").write_text(_ice_host_candidates())
        for path in self.etc.iterdir():
            path.chmod(0o640)  # generated files hold secrets
        self._chown_tree()
        self._resolve_own_hostname()

    def prompts_path(self, prompts_dir: str) -> Path:
        """Where ``pbx.prompts_dir`` (as Asterisk sees it) lies on the host, for this instance."""
        inside = (prompts_dir.replace("${ASTVARLIBDIR}", str(self.inside / "var/lib"))
                  .replace("${ASTDATADIR}", "/usr/share/asterisk"))
        if not inside.startswith("/") or "${" in inside or ".." in Path(inside).parts:
            raise SandboxError(
                f"pbx.prompts_dir {prompts_dir!r} is not an absolute path inside the sandbox; "
                "use an absolute path or start it with ${ASTVARLIBDIR} or ${ASTDATADIR}")
        return self.image.root / inside.lstrip("/")

    def install_prompts(self, built: Path, prompts_dir: str) -> Path:
        """Copy a ``ccctl prompts build`` output (``<lang>/<id>.wav``) to ``prompts_dir``.

        The previous prompts are replaced as a whole (copied beside, then swapped),
        so the instance never plays a mix of two builds. Returns the host path.
        """
        if not built.is_dir():
            raise SandboxError(f"no built prompts in {built}; run 'ccctl prompts build' first")
        target = self.prompts_path(prompts_dir)
        staging = target.with_name(target.name + ".ccctl-new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(built, staging, ignore=shutil.ignore_patterns(".*", "*.txt"))
        uid, gid = self.image.asterisk_uid_gid()
        for dirpath, _dirnames, filenames in os.walk(staging):
            os.chown(dirpath, uid, gid)
            for name in filenames:
                os.chown(os.path.join(dirpath, name), uid, gid)
        old = target.with_name(target.name + ".ccctl-old")
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return target

    def _resolve_own_hostname(self) -> None:
        """Asterisk looks up the host name to find its own address; keep that on loopback.

        Without it, it falls back to resolving A.ROOT-SERVERS.NET (no network
        here) and logs ERROR lines.
        """
        hosts = self.image.root / "etc/hosts"
        name = socket.gethostname()
        text = hosts.read_text() if hosts.exists() else ""
        if not any(name in line.split()[1:] for line in text.splitlines() if line.strip()):
            hosts.write_text(text + f"127.0.0.1\tlocalhost {name}\n")

    def _modules_dir(self) -> str:
        found = sorted(self.image.root.glob("usr/lib/*/asterisk/modules"))
        if not found:
            raise SandboxError(f"no Asterisk modules directory in {self.image.root}")
        return "/" + str(found[0].relative_to(self.image.root))

    def _asterisk_conf(self) -> str:
        i = self.inside
        return "\n".join([
            "; Written by ccctl's sandbox: a private config tree for this instance.",
            "[directories]",
            f"astetcdir => {i}/etc",
            f"astmoddir => {self._modules_dir()}",
            f"astvarlibdir => {i}/var/lib",
            f"astdbdir => {i}/var/lib",
            f"astkeydir => {i}/var/lib",
            "astdatadir => /usr/share/asterisk",
            "astagidir => /usr/share/asterisk/agi-bin",
            f"astspooldir => {i}/var/spool",
            f"astrundir => {i}/var/run",
            f"astlogdir => {i}/var/log",
            "astsbindir => /usr/sbin",
            f"astcachedir => {i}/var/cache",
            "",
            "[options]",
            "documentation_language = en_US",
            "transmit_silence = yes",
            "",
        ])

    def _chown_tree(self) -> None:
        uid, gid = self.image.asterisk_uid_gid()
        for dirpath, dirnames, filenames in os.walk(self.home):
            os.chown(dirpath, uid, gid)
            for entry in dirnames + filenames:
                os.chown(os.path.join(dirpath, entry), uid, gid, follow_symlinks=False)

    # -- process ---------------------------------------------------------
    def pid(self) -> int | None:
        """The running Asterisk's pid, or None when this instance is down."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        return pid if self.conf_inside.encode() in cmdline else None

    def start(self, pbx: Pbx, timeout: float = 30.0) -> int:
        """Start Asterisk in the foreground (as its own process group) and wait for boot."""
        if self.pid() is not None:
            raise SandboxError(f"sandbox {self.name!r} is already running (pid {self.pid()}); "
                               "run 'ccctl pbx down' first")
        _check_ports_free(pbx)
        uid, gid = self.image.asterisk_uid_gid()
        console = (self.log_dir / "console.log").open("ab")
        proc = subprocess.Popen(
            ["chroot", f"--userspec={uid}:{gid}", str(self.image.root),
             "/usr/sbin/asterisk", "-f", "-n", "-C", self.conf_inside],
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        console.close()
        self.pid_file.write_text(f"{proc.pid}\n")
        self._wait_booted(proc, timeout)
        log.info("sandbox %s: Asterisk running as pid %d", self.name, proc.pid)
        return proc.pid

    def _wait_booted(self, proc: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SandboxError(
                    f"Asterisk exited with status {proc.returncode} while starting; see "
                    f"{self.log_dir / 'console.log'}:\n{self.console_tail()}")
            try:
                self.rx("core waitfullybooted", timeout=5)
                return
            except SandboxError:
                time.sleep(0.1)
        self.stop()
        raise SandboxError(f"Asterisk did not finish booting within {timeout:.0f} s; see "
                           f"{self.log_dir / 'console.log'}")

    def stop(self, grace: float = 5.0) -> bool:
        """SIGTERM, then SIGKILL after ``grace`` seconds. False if it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if _alive(pid):
            log.warning("sandbox %s: Asterisk ignored SIGTERM for %.0f s; killing",
                        self.name, grace)
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return True

    def rx(self, command: str, timeout: float = 15.0) -> str:
        """Run one Asterisk CLI command through the control socket."""
        try:
            out = subprocess.run(
                ["chroot", str(self.image.root), "/usr/sbin/asterisk", "-C", self.conf_inside,
                 "-rx", command],
                capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SandboxError(f"'{command}' timed out after {timeout} s") from exc
        if out.returncode != 0 or "Unable to connect" in out.stdout + out.stderr:
            raise SandboxError(f"'{command}' failed: {(out.stdout + out.stderr).strip()}")
        return out.stdout

    # -- logs ------------------------------------------------------------
    def log_lines(self, level: str = "ERROR") -> list[str]:
        path = self.log_dir / "messages.log"
        if not path.exists():
            return []
        marker = f"] {level}["
        return [line for line in path.read_text(errors="replace").splitlines() if marker in line]

    def console_tail(self, lines: int = 20) -> str:
        path = self.log_dir / "console.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _ice_host_candidates() -> str:
    """Map the host's own addresses to loopback in ICE candidates (see shared/PBX.md).

    Asterisk never offers a loopback ICE candidate, so a browser on the same
    machine (WebRTC agents, headless tests) could not reach it otherwise.
    Included by the generated rtp.conf; host-specific, so written here at
    install time rather than generated.
    """
    lines = ["; Written by ccctl's sandbox at install time.", "[ice_host_candidates]"]
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    for line in out.splitlines():
        fields = line.split()
        if "inet" in fields:
            address = fields[fields.index("inet") + 1].split("/")[0]
            lines.append(f"{address} => 127.0.0.1")
    return "\n".join(lines) + "\n"


def install_standard_sounds(image: Image) -> bool:
    """Synthesise the Swedish sounds Asterisk's own apps need into the image (idempotent).

    Asterisk ships no Swedish sounds; see :mod:`ccctl.prompts.sounds`. False when
    the image already has them (a stamp file records what was written).
    """
    return install_sounds(image.root / "usr/share/asterisk/sounds/sv")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie left by our own Popen counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    if state == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def _check_ports_free(pbx: Pbx) -> None:
    checks = [(socket.SOCK_DGRAM, pbx.sip.bind, pbx.sip.port, "SIP"),
              (socket.SOCK_STREAM, pbx.http.bind, pbx.http.port, "HTTP/ARI"),
              (socket.SOCK_STREAM, pbx.ami.bind, pbx.ami.port, "AMI")]
    for kind, host, port, what in checks:
        with socket.socket(socket.AF_INET, kind) as probe:
            if kind == socket.SOCK_STREAM:
                # Asterisk binds TCP with SO_REUSEADDR: a TIME-WAIT left by an earlier
                # AMI client must not count as "in use". (Not for UDP: there it would
                # let the probe share a port that is really taken.)
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise SandboxError(
                    f"{what} port {host}:{port} is already in use ({exc.strerror}); stop what "
                    "uses it (another sandbox? 'ccctl pbx down') or change pbx: in the config"
                ) from exc
