"""The ``wallboard:`` section: tiles name queues that exist, in the configured order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccctl.config import ConfigError, load_config
from ccctl.web.tokens import Role
from ccctl.web.ui import live
from ccctl.web.ui.app import build_ui
from ccctl.web.ui.sessions import Session
from tests.acd.builders import T0
from tests.ui.harness import EXAMPLE
from tests.web.harness import serving_router


def _config(tmp_path: Path, wallboard: str) -> Path:
    shutil.copytree(EXAMPLE.parent, tmp_path / "cfg")
    main = tmp_path / "cfg" / "ccctl.yaml"
    main.write_text(main.read_text() + "\n" + wallboard)
    return main


def test_given_a_tile_for_an_unknown_queue_then_validation_says_where_and_suggests(
        tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as failure:
        load_config(_config(tmp_path, "wallboard:\n  tiles: [vaxl]\n"))
    assert "wallboard.tiles[0]" in str(failure.value) and "'vaxel'" in str(failure.value)


def test_given_tiles_then_the_wallboard_shows_those_queues_in_that_order(
        tmp_path: Path) -> None:
    cc = load_config(_config(tmp_path, "wallboard:\n  tiles: [vaxel]\n  red_below_target: 20\n"))
    ui = build_ui(cc, serving_router(), lambda: T0 + 10, tmp_path / "users.json")
    board = live.snapshot(ui.board, Session("s", "anna", Role.SUPERVISOR, None, "c", 0),
                          wallboard=True)
    assert [q["id"] for q in board["queues"]] == ["vaxel"]
    assert board["queues"][0]["name"] == "Växel" and board["queues"][0]["waiting"] == 1
