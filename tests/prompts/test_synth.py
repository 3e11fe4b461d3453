"""Synthesised prompts: audible, telephone format, per language, repeatable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccctl.prompts.audio import TARGET_LUFS
from ccctl.prompts.errors import SynthesisFailedError
from ccctl.prompts.synth import choose_engine, synthesize
from tests.prompts.conftest import read_wav


@pytest.mark.parametrize(("language", "text"), [
    ("sv", "Välkommen till Exempelkommun. Du är nummer tre i kön."),
    ("en", "Welcome to Exempelkommun. You are number three in the queue."),
])
def test_given_text_then_an_audible_8khz_mono_16bit_wav_at_the_loudness_target(
        tmp_path: Path, language: str, text: str) -> None:
    wav = read_wav(synthesize(text, language, tmp_path / f"{language}.wav"))
    assert (wav.rate, wav.channels, wav.sample_width) == (8000, 1, 2)
    assert wav.seconds > 1.5
    assert wav.rms > 0.02
    assert abs(wav.lufs - TARGET_LUFS) <= 1.0


def test_given_the_same_words_in_swedish_and_english_then_the_audio_differs(
        tmp_path: Path) -> None:
    sv = synthesize("Tack för att du väntar.", "sv", tmp_path / "sv.wav").read_bytes()
    en = synthesize("Tack för att du väntar.", "en", tmp_path / "en.wav").read_bytes()
    assert sv != en


def test_given_the_same_text_twice_then_the_files_are_identical(tmp_path: Path) -> None:
    first = synthesize("Beräknad väntetid är", "sv", tmp_path / "a.wav").read_bytes()
    second = synthesize("Beräknad väntetid är", "sv", tmp_path / "b.wav").read_bytes()
    assert first == second


def test_given_one_short_word_then_it_is_trimmed_and_still_at_the_target(tmp_path: Path) -> None:
    wav = read_wav(synthesize("fyra", "sv", tmp_path / "4.wav"))
    assert wav.seconds < 1.0  # no long silence around a digit that Say* strings together
    assert abs(wav.lufs - TARGET_LUFS) <= 1.0


def test_given_flite_asked_for_swedish_then_espeak_speaks_it() -> None:
    assert choose_engine("sv", "flite") == "espeak"
    assert choose_engine("sv") == "espeak"


def test_given_text_with_nothing_to_say_then_the_error_names_the_file(tmp_path: Path) -> None:
    out = tmp_path / "quiet.wav"
    with pytest.raises(SynthesisFailedError, match=r"quiet\.wav"):
        synthesize("   ...   ", "sv", out)
    assert not out.exists()
