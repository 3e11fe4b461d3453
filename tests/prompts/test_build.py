"""``ccctl prompts build``: every prompt in every site language, incremental, clear errors."""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ccctl.prompts.build import BuildError, Report, build
from ccctl.prompts.cli import add_parsers
from ccctl.prompts.standard import standard_prompt_ids
from ccctl.prompts.synth import synthesize
from tests.prompts.conftest import read_wav, speech

CONFIG = """\
site: {name: Testkommun, languages: [sv, en], default_language: sv}
queues:
  - id: vaxel
entry_points:
  - id: huvudnummer
    numbers: ["+46846500400"]
    destination: {queue: vaxel}
include: [prompts.yaml]
"""
PROMPTS = """\
prompts:
  - id: valkommen
    kind: greeting
    text: {sv: Välkommen till Testkommun.}
    recordings: {en: rec/welcome.mp3}
  - id: bara-svenska
    text: {sv: Det här finns bara på svenska.}
  - id: only-english
    text: {en: This exists only in English.}
  - id: queue-minutes
    text: {sv: minuter kvar.}
"""
OWN = ("valkommen", "bara-svenska", "only-english", "queue-minutes")


@dataclass(frozen=True)
class Site:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "ccctl.yaml"

    @property
    def out(self) -> Path:
        return self.root / "prompts"

    def build(self) -> Report:
        return build(self.config, self.out)

    def edit(self, old: str, new: str) -> None:
        path = self.root / "prompts.yaml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Report]:
    """One full build (about 100 files), shared; tests change copies of it."""
    site = Site(tmp_path_factory.mktemp("site"))
    site.config.write_text(CONFIG)
    (site.root / "prompts.yaml").write_text(PROMPTS)
    (site.root / "rec").mkdir()
    speech(site.root / "rec" / "welcome.mp3", "Welcome to the test municipality.")
    return site, site.build()


@pytest.fixture
def site(built: tuple[Site, Report], tmp_path: Path) -> Site:
    copy = Site(tmp_path / "site")
    shutil.copytree(built[0].root, copy.root)
    return copy


def _names(directory: Path) -> set[str]:
    return {p.stem for p in directory.glob("*.wav")}


def test_given_two_site_languages_then_every_prompt_exists_in_both_as_8khz_wav(
        built: tuple[Site, Report]) -> None:
    site, report = built
    assert _names(site.out / "sv") == _names(site.out / "en")
    assert _names(site.out / "sv") == set(OWN) | standard_prompt_ids()
    wav = read_wav(site.out / "en" / "number-40.wav")
    assert (wav.rate, wav.channels, wav.sample_width) == (8000, 1, 2)
    assert len(report.built) == 2 * len(_names(site.out / "sv"))


def test_given_a_prompt_only_in_swedish_then_english_callers_hear_the_swedish(
        built: tuple[Site, Report]) -> None:
    site, report = built
    sv = (site.out / "sv" / "bara-svenska.wav").read_bytes()
    assert (site.out / "en" / "bara-svenska.wav").read_bytes() == sv
    assert "en/bara-svenska.wav" in report.filled


def test_given_a_prompt_only_in_english_then_the_default_language_gets_the_english(
        built: tuple[Site, Report]) -> None:
    site, _ = built
    en = (site.out / "en" / "only-english.wav").read_bytes()
    assert (site.out / "sv" / "only-english.wav").read_bytes() == en


def test_given_an_english_recording_then_english_is_the_recording_and_swedish_the_text(
        built: tuple[Site, Report], tmp_path: Path) -> None:
    site, _ = built
    expected = read_wav(speech(tmp_path / "welcome.wav", "Welcome to the test municipality."))
    assert abs(read_wav(site.out / "en" / "valkommen.wav").seconds - expected.seconds) < 0.15
    spoken = synthesize("Välkommen till Testkommun.", "sv", tmp_path / "sv.wav")
    assert (site.out / "sv" / "valkommen.wav").read_bytes() == spoken.read_bytes()


def test_given_yaml_text_for_a_standard_prompt_then_only_that_language_changes(
        built: tuple[Site, Report], tmp_path: Path) -> None:
    site, _ = built
    sv = synthesize("minuter kvar.", "sv", tmp_path / "sv.wav").read_bytes()
    en = synthesize("minutes.", "en", tmp_path / "en.wav").read_bytes()
    assert (site.out / "sv" / "queue-minutes.wav").read_bytes() == sv
    assert (site.out / "en" / "queue-minutes.wav").read_bytes() == en


def test_given_nothing_changed_then_a_second_build_writes_nothing(site: Site) -> None:
    before = {p: p.stat().st_mtime_ns for p in site.out.rglob("*.wav")}
    report = site.build()
    assert report.built == []
    assert len(report.skipped) == len(before)
    assert {p: p.stat().st_mtime_ns for p in site.out.rglob("*.wav")} == before


def test_given_one_text_changed_then_only_its_files_are_rebuilt(site: Site) -> None:
    site.edit("Det här finns bara på svenska.", "Nu med ny text.")
    report = site.build()
    assert report.built == ["en/bara-svenska.wav", "sv/bara-svenska.wav"]


def test_given_an_output_deleted_or_edited_by_hand_then_it_is_rebuilt(site: Site) -> None:
    (site.out / "sv" / "goodbye.wav").unlink()
    (site.out / "en" / "closed.wav").write_bytes(b"not what ccctl wrote")
    report = site.build()
    assert report.built == ["en/closed.wav", "sv/goodbye.wav"]
    assert read_wav(site.out / "en" / "closed.wav").seconds > 1


def test_given_a_prompt_removed_then_its_files_go_and_files_ccctl_did_not_write_stay(
        site: Site) -> None:
    (site.out / "sv" / "egen-fil.wav").write_bytes(b"the organisation's own file")
    site.edit("  - id: only-english\n    text: {en: This exists only in English.}\n", "")
    report = site.build()
    assert report.removed == ["en/only-english.wav", "sv/only-english.wav"]
    assert not (site.out / "en" / "only-english.wav").exists()
    assert (site.out / "sv" / "egen-fil.wav").exists()


def test_given_a_broken_recording_then_the_error_names_it_and_its_yaml_line_and_the_rest_builds(
        site: Site) -> None:
    (site.root / "rec" / "welcome.mp3").write_text("not audio")
    site.edit("Det här finns bara på svenska.", "Ändrad text.")
    with pytest.raises(BuildError) as raised:
        site.build()
    message = str(raised.value)
    assert "1 prompt file could not be built" in message
    assert "prompt 'valkommen' [en]" in message
    assert str(site.root / "rec" / "welcome.mp3") in message
    assert f"named at {site.root / 'prompts.yaml'}:5:" in message
    assert read_wav(site.out / "sv" / "bara-svenska.wav").seconds > 0.5  # rebuilt anyway
    # Fixed, the next build retries the broken one.
    speech(site.root / "rec" / "welcome.mp3", "Welcome back.")
    assert site.build().built == ["en/valkommen.wav"]


def _cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ccctl")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_given_the_cli_then_it_summarises_and_a_broken_file_exits_2_naming_it(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    args = _cli("prompts", "build", str(site.config), "--out", str(site.out))
    assert args.func(args) == 0
    assert "0 built" in capsys.readouterr().out
    (site.root / "rec" / "welcome.mp3").write_bytes(b"")
    assert args.func(args) == 2
    assert "welcome.mp3" in capsys.readouterr().err
