"""The users file (scrypt hashes, 0600), ``ccctl user add|list|remove``, demo users, and
the wallboard's colour thresholds."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
from pathlib import Path

import pytest

from ccctl.cli import main
from ccctl.web.tokens import Role
from ccctl.web.ui.config import Wallboard
from ccctl.web.ui.users import UserBook, UserError, UserFile, check_password, demo_users


def test_given_a_new_user_then_the_file_holds_only_an_scrypt_hash_with_mode_0600(
        tmp_path: Path) -> None:
    users = UserFile(tmp_path / "users.json")
    users.add("anna", Role.SUPERVISOR, "correct horse battery")
    text = users.path.read_text()
    stored = json.loads(text)["users"]["anna"]["password"]
    assert "correct horse" not in text and stored.startswith("scrypt$16384$8$1$")
    assert check_password("correct horse battery", stored)
    assert not check_password("correct horse batterY", stored)
    assert stat.S_IMODE(os.stat(users.path).st_mode) == 0o600
    assert "scrypt" not in repr(users.users()[0])


@pytest.mark.parametrize(("role", "agent", "password"), [
    (Role.AGENT, None, "long enough"), (Role.SUPERVISOR, "elin", "long enough"),
    (Role.ADMIN, None, "short")])
def test_given_an_impossible_user_then_the_error_says_why(
        tmp_path: Path, role: Role, agent: str | None, password: str) -> None:
    with pytest.raises(UserError):
        UserFile(tmp_path / "users.json").add("x", role, password, agent)


def test_given_the_daemons_book_then_a_removed_user_cannot_log_in(tmp_path: Path) -> None:
    users = UserFile(tmp_path / "users.json")
    users.add("elin", Role.AGENT, "elins-password", "elin")
    book = UserBook(users.path)
    found = asyncio.run(book.authenticate("elin", "elins-password"))
    assert found is not None and found.agent == "elin"
    assert asyncio.run(book.authenticate("elin", "wrong-password")) is None
    users.remove("elin")
    assert asyncio.run(book.authenticate("elin", "elins-password")) is None


def test_given_the_cli_then_a_user_is_added_from_stdin_listed_and_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    path = str(tmp_path / "users.json")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["user", "add", "elin", "--role", "agent", "--agent", "elin",
                 "--users", path]) == 0
    assert main(["user", "list", "--users", path]) == 0
    out = capsys.readouterr().out
    assert "elin  agent  elin" in out and "a-long-password" not in out
    assert main(["user", "remove", "elin", "--users", path]) == 0
    assert main(["user", "remove", "elin", "--users", path]) == 2


def test_given_make_run_then_demo_users_get_new_passwords_each_time(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    first = demo_users(path, ["elin"])
    second = demo_users(path, ["david"])
    assert set(second) == {"demo-supervisor", "demo-david"}
    assert first["demo-supervisor"] != second["demo-supervisor"]
    assert [u.name for u in UserFile(path).users()] == ["demo-david", "demo-supervisor"]


@pytest.mark.parametrize(("sl", "colour"), [
    (None, "none"), (85.0, "green"), (80.0, "green"), (75.0, "amber"), (70.0, "red"),
    (10.0, "red")])
def test_given_the_default_thresholds_then_sl_colours_follow_the_target(
        sl: float | None, colour: str) -> None:
    assert Wallboard().colour(sl, 80.0) == colour


def test_given_red_before_amber_then_the_wallboard_config_is_refused() -> None:
    with pytest.raises(ValueError, match="red_below_target"):
        Wallboard(amber_below_target=20, red_below_target=5)
