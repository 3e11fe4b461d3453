"""Storm messages: the one AstDB value the dialplan reads, and the CLI's refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ccctl.cli import main
from ccctl.storm.service import Mode, StormMessage

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example" / "ccctl.yaml"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_given_a_message_then_it_is_one_value_the_dialplan_can_cut_on_bars() -> None:
    message = StormMessage("storm-huvudnummer", Mode.HANGUP, start=1795590000, until=0)

    assert message.encode() == "1795590000|0|hangup|storm-huvudnummer"
    assert StormMessage.decode(message.encode()) == message


@pytest.mark.parametrize(("start", "until", "state"), [
    (0, 0, "in force"),
    (int(NOW.timestamp()) + 3600, 0, "from 2026-11-25T10:00+00:00"),
    (0, int(NOW.timestamp()) - 60, "expired"),
])
def test_given_from_and_until_then_show_says_whether_callers_hear_it(
    start: int, until: int, state: str,
) -> None:
    assert state in StormMessage("oppettider", Mode.CONTINUE, start, until).describe(NOW)


def _storm(tmp_path: Path, *args: str) -> int:
    return main(["storm", *args, "--config", str(EXAMPLE),
                 "--secrets", str(tmp_path / "secrets.json"), "--name", "no-such-sandbox"])


def test_given_an_unknown_entry_then_storm_set_names_the_entries_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = _storm(tmp_path, "set", "huvudnumer", "--prompt", "oppettider")

    assert code == 2
    assert "no entry point 'huvudnumer'; use one of huvudnummer, english or 'all'" in (
        capsys.readouterr().err)


def test_given_an_unknown_prompt_then_storm_set_says_to_give_text_or_build_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = _storm(tmp_path, "set", "all", "--prompt", "ovader")

    assert code == 2
    assert "no prompt 'ovader'" in capsys.readouterr().err


def test_given_until_in_the_past_then_storm_set_refuses_a_message_nobody_would_hear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = _storm(tmp_path, "set", "all", "--prompt", "oppettider", "--until", "2020-01-01T00:00")

    assert code == 2
    assert "--until is in the past" in capsys.readouterr().err
