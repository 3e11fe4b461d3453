"""The audio pipeline shared by synthesis and import: decode, measure, normalise, write.

Every prompt ends up as what Asterisk plays as ``.wav`` without transcoding
surprises: 8 kHz, mono, 16-bit signed PCM, loudness-normalised.

Loudness is measured as ITU-R BS.1770 / EBU R128 integrated loudness with
``pyloudnorm`` on the 8 kHz signal the caller will actually hear (chosen over
ffmpeg's ``loudnorm``: no 100 MB ffmpeg dependency, an exact measurement in
process instead of parsing a filter's log, and the same code measures in the
tests). The gain is applied in numpy and capped so that peaks stay below
−0.3 dBFS (sox's ``gain -l`` limiter was tried: it compresses even when
nothing would clip, and misses the target by 1–2 LU). The target, −20 LUFS,
is telephone level: about the loudness of Asterisk's own English prompts
(−18 to −20 LUFS measured), so ccctl's and Asterisk's prompts sound alike.

Output is deterministic: sox runs with dithering off, the WAV is written
by the standard library from rounded samples, and the file is written
to a temporary name in the target directory and renamed into place, so a
reader never sees half a file and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ccctl.prompts.errors import NotAudioError, ToolMissingError

SAMPLE_RATE = 8000
TARGET_LUFS = -20.0
SILENT_BELOW_LUFS = -60.0
PEAK_CEILING_DB = -0.3
# pyloudnorm needs at least one 400 ms gating block; shorter clips (a single
# digit) are measured as a loop of themselves, which keeps their mean power.
_MIN_MEASURE_SECONDS = 1.0


def require(tool: str, path: Path) -> str:
    """The full path of ``tool``, or a :class:`ToolMissingError` error about ``path``."""
    found = shutil.which(tool)
    if found is None:
        raise ToolMissingError(path, f"cannot convert audio: '{tool}' is not installed",
                          "run 'make deps' (or apt-get install sox espeak-ng flite)")
    return found


def run(cmd: list[str], path: Path, what: str) -> None:
    """Run a converter; a failure becomes :class:`NotAudioError` naming ``path``."""
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {result.returncode}"
        raise NotAudioError(path, f"{what} failed ({reason})",
                       "check that it plays in an audio player; re-export it as WAV, MP3 "
                       "or OGG Vorbis")


def decode(src: Path, raw: Path, *, file_type: str | None = None, trim: bool = False) -> None:
    """Decode ``src`` to 8 kHz mono 32-bit float raw samples in ``raw``."""
    sox = require("sox", src)
    cmd = [sox, "-D", "-R", "-V1"]
    if file_type:
        cmd += ["-t", file_type]
    cmd += [str(src), "-t", "f32", "-r", str(SAMPLE_RATE), "-c", "1", str(raw)]
    if trim:  # synthesisers pad with silence; it sounds like a pause between pieces
        cmd += ["silence", "1", "0.01", "-55d", "reverse", "silence", "1", "0.01", "-55d",
                "reverse"]
    run(cmd, src, "decoding")


def read_raw(raw: Path) -> np.ndarray:
    """The float samples of a raw file written by :func:`decode`."""
    return np.fromfile(raw, dtype=np.float32).astype(np.float64)


def loudness(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness in LUFS (``-inf`` for digital silence)."""
    if samples.size == 0:
        return float("-inf")
    minimum = int(rate * _MIN_MEASURE_SECONDS)
    if samples.size < minimum:
        samples = np.tile(samples, -(-minimum // samples.size))
    # Imported here: pyloudnorm pulls in scipy.signal (about 2 s), which only a
    # build that actually converts audio should pay for, not every ccctl command.
    import pyloudnorm  # type: ignore[import-untyped]  # noqa: PLC0415

    meter = pyloudnorm.Meter(rate)
    return float(meter.integrated_loudness(samples))


def duration(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    return samples.size / rate


def normalise(samples: np.ndarray, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """``samples`` at ``target_lufs``, unless that would clip: then as loud as fits.

    A recording whose peaks would pass −0.3 dBFS at the target gets only the
    gain that fits (and ends a little quieter) instead of being clipped or
    squashed by a compressor.
    """
    level = loudness(samples)
    if not np.isfinite(level):
        return samples
    gain_db = target_lufs - level
    peak = float(np.max(np.abs(samples)))
    if peak > 0:
        gain_db = min(gain_db, PEAK_CEILING_DB - 20 * float(np.log10(peak)))
    result: np.ndarray = samples * 10 ** (gain_db / 20)
    return result


def write_wav(samples: np.ndarray, out: Path) -> Path:
    """Write float ``samples`` as 8 kHz mono 16-bit PCM WAV at ``out``, atomically."""
    pcm = np.clip(np.rint(samples * 32767), -32768, 32767).astype("<i2")
    with atomic_path(out) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    return out


def read_wav(path: Path) -> np.ndarray:
    """The samples of a 16-bit PCM WAV written by :func:`write_wav`, as floats."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed to ``out`` on success, removed on failure."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A private scratch directory for intermediate files."""
    with tempfile.TemporaryDirectory(prefix="ccctl-prompt-") as name:
        yield Path(name)
