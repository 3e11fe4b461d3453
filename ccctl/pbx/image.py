"""A cached Debian sid root file system that carries Asterisk 22.

Debian 12 and 13 ship no Asterisk; sid does. Installing sid packages on the
host would upgrade half the system, so the sandbox lives in its own root made
by ``debootstrap`` and is started with ``chroot`` (see shared/PBX.md).

The image is built once into the cache directory (never into git) and reused.
A stamp file records the package list it was built with; a different list
rebuilds it. Concurrent builders serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

IMAGE_PACKAGES: tuple[str, ...] = (
    "asterisk",
    "asterisk-modules",
    "asterisk-core-sounds-en-gsm",
    "asterisk-core-sounds-en-wav",
    "asterisk-moh-opsound-gsm",
    "asterisk-moh-opsound-wav",
)
SUITE = "sid"
STAMP = ".ccctl-image"


class ImageError(RuntimeError):
    """The Asterisk image could not be built or is unusable."""


def default_cache_dir() -> Path:
    """Where big, rebuildable things live: never inside the git checkout."""
    env = os.environ.get("CCCTL_CACHE")
    if env:
        return Path(env)
    if os.geteuid() == 0:
        return Path("/var/cache/ccctl")
    return Path.home() / ".cache" / "ccctl"


@dataclass(frozen=True)
class Image:
    """A built root file system with Asterisk installed."""

    root: Path

    @property
    def asterisk(self) -> Path:
        return self.root / "usr/sbin/asterisk"

    def asterisk_uid_gid(self) -> tuple[int, int]:
        """The chroot's own ``asterisk`` user (not necessarily the host's)."""
        for line in (self.root / "etc/passwd").read_text().splitlines():
            fields = line.split(":")
            if fields[0] == "asterisk":
                return int(fields[2]), int(fields[3])
        raise ImageError(f"no 'asterisk' user in {self.root}/etc/passwd; rebuild the image")

    def version(self) -> str:
        out = subprocess.run(
            ["chroot", str(self.root), "/usr/sbin/asterisk", "-V"],
            capture_output=True, text=True, check=False,
        )
        return out.stdout.strip()


def host_mirror(sources_dir: Path = Path("/etc/apt")) -> str:
    """The Debian mirror the host already uses, read from its apt sources.

    Never hard-coded: the project names no package host.
    """
    candidates: list[Path] = sorted((sources_dir / "sources.list.d").glob("*.sources"))
    for path in candidates:
        for block in path.read_text().split("\n\n"):
            fields = _deb822_fields(block)
            uris, suites = fields.get("uris", ""), fields.get("suites", "")
            if uris and "security" not in suites and "security" not in uris:
                return uris.split()[0]
    legacy = sources_dir / "sources.list"
    if legacy.exists():
        for line in legacy.read_text().splitlines():
            match = re.match(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
            if match and "security" not in match.group(1) + match.group(2):
                return match.group(1)
    raise ImageError(
        "cannot find a Debian mirror in /etc/apt/sources.list.d/*.sources or "
        "/etc/apt/sources.list; set CCCTL_DEBIAN_MIRROR"
    )


def _deb822_fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(("#", " ")):
            fields[key.strip().lower()] = value.strip()
    return fields


def _stamp_text(packages: tuple[str, ...]) -> str:
    return f"suite={SUITE}\npackages={','.join(packages)}\n"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_image(
    cache_dir: Path | None = None, packages: tuple[str, ...] = IMAGE_PACKAGES
) -> Image:
    """Return the cached image, building it first when missing or outdated."""
    cache = cache_dir or default_cache_dir()
    root = cache / "asterisk-root"
    with _locked(cache / "asterisk-root.lock"):
        stamp = root / STAMP
        if stamp.exists() and stamp.read_text() == _stamp_text(packages):
            return Image(root)
        _build(root, packages)
        return Image(root)


def _build(root: Path, packages: tuple[str, ...]) -> None:
    if os.geteuid() != 0:
        raise ImageError("building the Asterisk image needs root (debootstrap, chroot); "
                         "run 'make sandbox' as root")
    if shutil.which("debootstrap") is None:
        raise ImageError("debootstrap is not installed; run 'make deps'")
    mirror = os.environ.get("CCCTL_DEBIAN_MIRROR") or host_mirror()
    staging = root.with_name(root.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    log.info("building the Asterisk image in %s (about a minute)", staging)
    cmd = [
        "debootstrap", "--variant=minbase", f"--include={','.join(packages)}",
        SUITE, str(staging), mirror,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise ImageError(f"debootstrap failed (exit {result.returncode}):\n{tail}")
    (staging / STAMP).write_text(_stamp_text(packages))
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)
