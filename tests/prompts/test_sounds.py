"""Asterisk's own standard sounds in Swedish: complete for Say*/app_queue, stamped, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccctl.prompts.sounds import STAMP, install_sounds
from ccctl.prompts.standard import asterisk_sounds
from tests.prompts.conftest import read_wav


def files_asterisk_plays_for(num: int) -> list[str]:
    """The files SayNumber(num) plays for channel language sv.

    Asterisk's main/say.c has no rules for "sv" (its Swedish rules answer to
    "se"), so it uses its default rules, transcribed here from
    ast_say_number_full_en.
    """
    if num == 0:
        return ["digits/0"]
    files: list[str] = []
    if num < 0:
        files.append("digits/minus")
        num = -num
    if num >= 1_000_000:
        files += [*files_asterisk_plays_for(num // 1_000_000), "digits/million"]
        num %= 1_000_000
    if num >= 1000:
        files += [*files_asterisk_plays_for(num // 1000), "digits/thousand"]
        num %= 1000
    if num >= 100:
        files += [f"digits/{num // 100}", "digits/hundred"]
        num %= 100
    if num >= 20:
        files.append(f"digits/{num // 10 * 10}")
        num %= 10
    if num:
        files.append(f"digits/{num}")
    return files


def test_given_any_number_a_queue_announces_then_every_file_say_number_needs_is_there() -> None:
    sounds = asterisk_sounds()
    numbers = (*range(-20, 2000), 42_000, 1_234_567)
    needed = {f for n in numbers for f in files_asterisk_plays_for(n)}
    assert needed - sounds.keys() == set()
    assert files_asterisk_plays_for(42) == ["digits/40", "digits/2"]
    assert (sounds["digits/40"], sounds["digits/2"]) == ("fyrtio", "två")


def test_given_say_digits_then_every_key_of_the_keypad_is_there() -> None:
    keys = {f"digits/{d}" for d in "0123456789"} | {"digits/star", "digits/pound"}
    assert keys <= asterisk_sounds().keys()


def test_given_app_queue_announcements_then_each_has_a_swedish_text() -> None:
    announcements = {
        "queue-thankyou", "queue-youarenext", "queue-thereare", "queue-callswaiting",
        "queue-holdtime", "queue-minute", "queue-minutes", "queue-seconds", "queue-less-than",
        "queue-reporthold", "queue-periodic-announce", "queue-quantity1", "queue-quantity2",
    }
    sounds = asterisk_sounds()
    assert announcements <= sounds.keys()
    assert sounds["queue-thereare"] == "Du är nummer"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sounds") / "sv"
    assert install_sounds(target) is True
    return target


def test_given_an_install_then_every_sound_is_an_audible_8khz_wav(installed: Path) -> None:
    for name in asterisk_sounds():
        wav = read_wav(installed / f"{name}.wav")
        assert (wav.rate, wav.channels) == (8000, 1), name
        assert wav.rms > 0.01, name
    assert (installed / STAMP).exists()


def test_given_an_installed_directory_then_installing_again_writes_nothing(
        installed: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in installed.rglob("*.wav")}
    assert install_sounds(installed) is False
    assert {p: p.stat().st_mtime_ns for p in installed.rglob("*.wav")} == before


def test_given_a_stale_stamp_then_the_sounds_are_written_again(tmp_path: Path) -> None:
    target = tmp_path / "sv"
    target.mkdir()
    (target / STAMP).write_text("written by an older ccctl\n")
    assert install_sounds(target) is True
    assert read_wav(target / "digits" / "7.wav").seconds > 0.2
