"""Offline speech synthesis of prompt text into Asterisk-ready WAV files.

Two engines from Debian's main archive, both fully offline and deterministic:

- **espeak-ng** speaks Swedish (``sv``), English and about a hundred other
  languages; it is the fallback for everything.
- **flite** (CMU Flite, voice ``slt``) speaks only English, noticeably more
  naturally than espeak-ng; it is used for English when it is installed.

Better voices were considered: MBROLA's Swedish and English diphone voices
are not in Debian's main archive (only contrib/non-free), and neural voices
(piper, Kokoro) need model files from a model hub at run time, which this
project may not fetch. Both are worth revisiting where they can be installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ccctl.prompts import audio
from ccctl.prompts.errors import SynthesisFailedError, ToolMissingError

ESPEAK_VOICES = {"sv": "sv", "en": "en-gb"}
ESPEAK_SPEED = 150  # words per minute; the default 175 is hard to follow on a phone line
FLITE_VOICE = "slt"


@dataclass(frozen=True)
class Engine:
    """One synthesiser: its name and version (part of the build's input hash)."""

    name: str
    version: str


def choose_engine(language: str, voice: str | None = None) -> str:
    """The engine that will speak ``language``: ``voice`` if it can, else the best installed.

    ``flite`` speaks only English; asked for another language, espeak-ng speaks it.
    """
    wants_flite = voice in (None, "flite") and language == "en"
    return "flite" if wants_flite and shutil.which("flite") else "espeak"


def engine(language: str, voice: str | None = None) -> Engine:
    """The chosen engine with its version (runs the program once)."""
    name = choose_engine(language, voice)
    cmd = ["flite", "--version"] if name == "flite" else ["espeak-ng", "--version"]
    if shutil.which(cmd[0]) is None:
        return Engine(name, "missing")
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    words = (out.stdout + out.stderr).split()
    versions = [w for w in words if w.startswith("flite-") or re.fullmatch(r"\d+\.\d+\S*", w)]
    version = versions[0] if versions else "unknown"
    return Engine(name, version)


def synthesize(text: str, language: str, out: Path, *, voice: str | None = None,
               target_lufs: float = audio.TARGET_LUFS) -> Path:
    """Speak ``text`` in ``language`` into ``out`` (8 kHz mono 16-bit WAV, normalised).

    The same text, language, voice and tool versions always give the same bytes.
    """
    name = choose_engine(language, voice)
    with audio.scratch() as tmp:
        spoken = tmp / "spoken.wav"
        if name == "flite":
            _flite(text, spoken, tmp)
        else:
            _espeak(text, language, spoken, out)
        raw = tmp / "spoken.f32"
        audio.decode(spoken, raw, file_type="wav", trim=True)
        samples = audio.read_raw(raw)
        if audio.loudness(samples) < audio.SILENT_BELOW_LUFS:
            raise SynthesisFailedError(out, f"{name} produced no audible speech for "
                                  f"{text!r} in {language!r}",
                                  "check that the text has words in that language")
        return audio.write_wav(audio.normalise(samples, target_lufs), out)


def _espeak(text: str, language: str, spoken: Path, out: Path) -> None:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise ToolMissingError(out, "cannot synthesise speech: 'espeak-ng' is not installed",
                          "run 'make deps' (or apt-get install espeak-ng)")
    voice = ESPEAK_VOICES.get(language, language)
    # Text on stdin (-b 1: UTF-8) so that nothing in it is taken for an option.
    result = subprocess.run(
        [espeak, "-v", voice, "-s", str(ESPEAK_SPEED), "-b", "1", "-w", str(spoken)],
        input=text.encode(), capture_output=True, check=False)
    if result.returncode != 0 or not spoken.exists() or spoken.stat().st_size <= 44:
        detail = result.stderr.decode(errors="replace").strip() or "no audio written"
        raise SynthesisFailedError(out, f"espeak-ng could not speak {language!r} ({detail})",
                              "use a language espeak-ng knows ('espeak-ng --voices' lists "
                              "them) or give a recording for it")


def _flite(text: str, spoken: Path, tmp: Path) -> None:
    flite = shutil.which("flite")
    if flite is None:  # pragma: no cover - choose_engine checked it
        raise ToolMissingError(spoken, "'flite' is not installed", "apt-get install flite")
    source = tmp / "text.txt"
    source.write_text(text + "\n", encoding="utf-8")
    result = subprocess.run([flite, "-voice", FLITE_VOICE, "-f", str(source), "-o", str(spoken)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0 or not spoken.exists():
        raise SynthesisFailedError(spoken, f"flite failed ({result.stderr.strip()})",
                              "use voice: espeak for this prompt")
