"""Import an organisation's own recordings (WAV, MP3, OGG Vorbis) as Asterisk prompts.

The file is checked before anything is written, in the order an operator
would want to hear about problems: missing, unsupported format, extension
that does not match the content, not audio / damaged, too long, silent. Each
check raises its own :class:`~ccctl.prompts.errors.PromptError` naming the
file and saying how to fix it. The result is written to a temporary file and
renamed into place, so a failed import leaves no output behind.
"""

from __future__ import annotations

from pathlib import Path

from ccctl.prompts import audio
from ccctl.prompts.errors import (
    NotAudioError,
    RecordingNotFoundError,
    RecordingTooLongError,
    SilentRecordingError,
    UnsupportedFormatError,
    WrongExtensionError,
)

SUPPORTED = {".wav": "wav", ".mp3": "mp3", ".ogg": "ogg"}
DEFAULT_MAX_SECONDS = 300.0
_NAMES = {"wav": "WAV", "mp3": "MP3", "ogg": "OGG Vorbis"}
_A_NAME = {"wav": "a WAV", "mp3": "an MP3", "ogg": "an OGG Vorbis"}
_HOW = "convert it to WAV, MP3 or OGG Vorbis (e.g. 'sox in.flac out.wav') and name that file"


def sniff(head: bytes) -> str | None:
    """The audio container ``head`` (the first bytes of a file) starts, or None.

    Returns wav, mp3, ogg (Vorbis), or the name of a format ccctl does not import.
    """
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        if b"OpusHead" in head[:128]:
            return "OGG Opus"
        if b"FLAC" in head[:128]:
            return "OGG FLAC"
        return "ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "mp3"  # an ID3 tag, or an MPEG audio layer III frame header
    others = {b"fLaC": "FLAC", b"FORM": "AIFF", b".snd": "AU"}
    if head[:4] in others:
        return others[head[:4]]
    if head[4:8] == b"ftyp":
        return "MP4/M4A"
    return None


def check_file(src: Path) -> str:
    """The sox type of ``src`` after the checks that need no decoding."""
    if not src.is_file():
        raise RecordingNotFoundError(src, "recording not found",
                                "check the path (relative to the config file that names it)")
    suffix = src.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFormatError(src, f"'{suffix or 'no extension'}' files are not supported",
                                f"{_HOW} in recordings:")
    with src.open("rb") as handle:
        found = sniff(handle.read(256))
    expected = SUPPORTED[suffix]
    if found is None:
        raise NotAudioError(src, f"not {_A_NAME[expected]} file (no audio header found; is it "
                       "damaged, or a different kind of file?)",
                       "check that it plays in an audio player, then export it again")
    if found not in _NAMES:
        raise UnsupportedFormatError(src, f"holds {found} audio, which ccctl does not import",
                                _HOW)
    if found != expected:
        right = src.with_suffix("." + found)
        raise WrongExtensionError(src, f"holds {_NAMES[found]} audio but is named {suffix}",
                             f"rename it to {right.name} (and in recordings:)")
    return expected


def import_recording(src: Path, out: Path, *, max_seconds: float = DEFAULT_MAX_SECONDS,
                     target_lufs: float = audio.TARGET_LUFS) -> Path:
    """Convert ``src`` into ``out``: 8 kHz mono 16-bit WAV at ``target_lufs``."""
    file_type = check_file(src)
    with audio.scratch() as tmp:
        raw = tmp / "decoded.f32"
        audio.decode(src, raw, file_type=file_type)
        samples = audio.read_raw(raw)
        if samples.size == 0:
            raise NotAudioError(src, "holds no audio samples (empty or truncated)",
                           "export the recording again")
        seconds = audio.duration(samples)
        if seconds > max_seconds:
            raise RecordingTooLongError(
                src, f"is {seconds:.0f} s long, longer than the maximum {max_seconds:.0f} s",
                "shorten it, or raise the limit with 'ccctl prompts build --max-seconds'")
        level = audio.loudness(samples)
        if level < audio.SILENT_BELOW_LUFS:
            shown = "digital silence" if level == float("-inf") else f"{level:.0f} LUFS"
            raise SilentRecordingError(
                src, f"is silent ({shown}; a caller would hear nothing)",
                "check the recording's input level and record it again")
        return audio.write_wav(audio.normalise(samples, target_lufs), out)
