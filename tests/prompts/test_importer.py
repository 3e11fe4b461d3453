"""Importing an organisation's recordings: converted, normalised, or refused clearly."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from ccctl.prompts.audio import TARGET_LUFS
from ccctl.prompts.errors import (
    NotAudioError,
    PromptError,
    RecordingNotFoundError,
    RecordingTooLongError,
    SilentRecordingError,
    UnsupportedFormatError,
    WrongExtensionError,
)
from ccctl.prompts.importer import import_recording
from tests.prompts.conftest import leftovers, read_wav, silence, speech


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".ogg"])
@pytest.mark.parametrize("volume", [0.05, 0.9])
def test_given_a_stereo_44khz_recording_then_it_lands_as_8khz_mono_at_the_target(
        tmp_path: Path, suffix: str, volume: float) -> None:
    src = speech(tmp_path / f"halsning{suffix}", volume=volume)
    wav = read_wav(import_recording(src, tmp_path / "out" / "greeting.wav"))
    assert (wav.rate, wav.channels, wav.sample_width) == (8000, 1, 2)
    assert abs(wav.lufs - TARGET_LUFS) <= 1.0
    assert float(abs(wav.samples).max()) < 0.99  # raised or lowered without clipping


def test_given_peaks_that_would_clip_at_the_target_then_it_is_raised_only_to_the_ceiling(
        tmp_path: Path) -> None:
    # Very quiet speech with one click: the full +35 dB would clip the click.
    quiet = read_wav(speech(tmp_path / "quiet.wav", volume=0.02, channels=1, rate=8000))
    samples = quiet.samples.copy()
    samples[4000:4002] = 0.5
    src = tmp_path / "click.wav"
    with wave.open(str(src), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    wav = read_wav(import_recording(src, tmp_path / "out.wav"))
    assert 0.9 < float(abs(wav.samples).max()) < 0.99  # raised up to just below full scale
    assert wav.lufs < TARGET_LUFS - 1  # and left quieter rather than clipped


def _wav_named_mp3(tmp: Path) -> Path:
    return shutil.copy(speech(tmp / "real.wav"), tmp / "halsning.mp3")


def _mp3_named_wav(tmp: Path) -> Path:
    return shutil.copy(speech(tmp / "real.mp3"), tmp / "halsning.wav")


def _flac(tmp: Path) -> Path:
    return speech(tmp / "halsning.flac")


def _flac_named_ogg(tmp: Path) -> Path:
    return shutil.copy(speech(tmp / "real.flac"), tmp / "halsning.ogg")


def _text_named_wav(tmp: Path) -> Path:
    path = tmp / "halsning.wav"
    path.write_text("Det här är inget ljud.\n")
    return path


def _truncated_header(tmp: Path) -> Path:
    path = tmp / "halsning.wav"
    path.write_bytes(speech(tmp / "real.wav").read_bytes()[:30])
    return path


def _silent(tmp: Path) -> Path:
    return silence(tmp / "halsning.wav")


def _too_long(tmp: Path) -> Path:
    return speech(tmp / "halsning.wav", "Tack för att du väntar. " * 12)


def _missing(tmp: Path) -> Path:
    return tmp / "halsning.wav"


@pytest.mark.parametrize(("make", "error", "says"), [
    (_missing, RecordingNotFoundError, "not found"),
    (_flac, UnsupportedFormatError, "'.flac' files are not supported"),
    (_flac_named_ogg, UnsupportedFormatError, "FLAC"),
    (_wav_named_mp3, WrongExtensionError, "rename it to halsning.wav"),
    (_mp3_named_wav, WrongExtensionError, "rename it to halsning.mp3"),
    (_text_named_wav, NotAudioError, "not a WAV file"),
    (_truncated_header, NotAudioError, "decoding failed"),
    (_silent, SilentRecordingError, "silent"),
    (_too_long, RecordingTooLongError, "longer than the maximum 5 s"),
])
def test_given_a_broken_recording_then_a_clear_error_names_it_and_nothing_is_written(
        tmp_path: Path, make: object, error: type[PromptError], says: str) -> None:
    assert callable(make)
    src = make(tmp_path)
    out_dir = tmp_path / "out"
    with pytest.raises(error) as raised:
        import_recording(src, out_dir / "greeting.wav", max_seconds=5)
    message = str(raised.value)
    assert message.startswith(f"{src}: ")
    assert says in message
    assert leftovers(out_dir) == []


def test_given_a_broken_recording_then_a_previous_good_output_is_kept(tmp_path: Path) -> None:
    out = import_recording(speech(tmp_path / "good.wav"), tmp_path / "out" / "greeting.wav")
    before = out.read_bytes()
    with pytest.raises(NotAudioError):
        import_recording(_text_named_wav(tmp_path), out)
    assert out.read_bytes() == before
    assert leftovers(out.parent) == ["greeting.wav"]
