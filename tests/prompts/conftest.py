"""Helpers for the prompt tests: audio made at test time (no binary files in git).

Measurements here use pyloudnorm and the standard ``wave`` module directly,
independently of ccctl's own pipeline, so a wrong measurement in ccctl would
not hide itself.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm


@dataclass(frozen=True)
class Wav:
    rate: int
    channels: int
    sample_width: int
    samples: np.ndarray  # floats in [-1, 1)

    @property
    def seconds(self) -> float:
        return self.samples.size / self.channels / self.rate

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.mean(self.samples**2)))

    @property
    def lufs(self) -> float:
        return float(pyloudnorm.Meter(self.rate).integrated_loudness(self.samples))


def read_wav(path: Path) -> Wav:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        info = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768
    return Wav(*info, samples)


def speech(path: Path, text: str = "Välkommen till Exempelkommun. Du är nummer tre i kön.",
           *, volume: float = 0.1, rate: int = 44100, channels: int = 2) -> Path:
    """A spoken recording in any format sox writes (by suffix), at ``volume``."""
    raw = path.with_name(path.stem + ".espeak.wav")
    subprocess.run(["espeak-ng", "-v", "sv", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(rate), "-c", str(channels), str(path),
                    "vol", str(volume)], check=True)
    raw.unlink()
    return path


def silence(path: Path, seconds: float = 2.0) -> Path:
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(path), "trim", "0", str(seconds)],
                   check=True)
    return path


def leftovers(directory: Path) -> list[str]:
    """Everything in ``directory`` (a failed conversion must leave nothing behind)."""
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []
