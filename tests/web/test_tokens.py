"""The tokens file (hashes only, 0600, atomic) and ``ccctl token create|list|revoke``."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from ccctl.cli import main
from ccctl.web.tokens import Role, TokenBook, TokenError, TokenFile, digest

NOW = dt.datetime(2026, 5, 28, 20, 26, 40, tzinfo=dt.UTC)


def _file(tmp_path: Path) -> TokenFile:
    return TokenFile(tmp_path / "state" / "tokens.json", clock=lambda: NOW)


def test_given_a_new_token_then_the_file_holds_only_its_hash_with_mode_0600(
        tmp_path: Path) -> None:
    tokens = _file(tmp_path)
    token = tokens.create("anna", Role.SUPERVISOR)
    text = tokens.path.read_text()
    assert len(token) >= 43 and token not in text
    assert json.loads(text) == {"version": 1, "tokens": {"anna": {
        "role": "supervisor", "agent": None, "created": "2026-05-28T20:26:40Z",
        "revoked": None, "sha256": digest(token)}}}
    assert stat.S_IMODE(tokens.path.stat().st_mode) == 0o600
    assert [p.name for p in tokens.path.parent.iterdir()] == ["tokens.json"]  # no temp left


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_given_root_creates_a_token_then_the_file_keeps_the_state_directory_owner(
        tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    os.chown(state, 65534, 65534)  # as the daemon's own user owns /var/lib/ccctl
    tokens = _file(tmp_path)
    tokens.create("anna", Role.SUPERVISOR)
    tokens.revoke("anna")
    assert (tokens.path.stat().st_uid, tokens.path.stat().st_gid) == (65534, 65534)


def test_given_two_tokens_then_they_differ_and_each_is_found_by_the_book(
        tmp_path: Path) -> None:
    tokens = _file(tmp_path)
    a, b = tokens.create("a", Role.ADMIN), tokens.create("b", Role.AGENT, "fredrik")
    book = TokenBook(tokens.path)
    found = [book.find(a), book.find(b), book.find(a + "x"), book.find("")]
    assert [t.name if t else None for t in found] == ["a", "b", None, None]
    assert found[1] is not None and found[1].agent == "fredrik"
    assert digest(a) not in repr(found[0])


@pytest.mark.parametrize(("name", "role", "agent", "message"), [
    ("fredrik", Role.AGENT, None, "an agent token needs --agent ID"),
    ("anna", Role.SUPERVISOR, "fredrik", "--agent is only for role agent"),
    ("has space", Role.ADMIN, None, "use 1-64 letters"),
    ("", Role.ADMIN, None, "use 1-64 letters"),
])
def test_given_a_bad_create_request_then_an_error_says_how_to_fix_it(
        tmp_path: Path, name: str, role: Role, agent: str | None, message: str) -> None:
    with pytest.raises(TokenError, match=message):
        _file(tmp_path).create(name, role, agent)


def test_given_an_existing_or_revoked_name_then_create_refuses_to_reuse_it(
        tmp_path: Path) -> None:
    tokens = _file(tmp_path)
    tokens.create("anna", Role.SUPERVISOR)
    with pytest.raises(TokenError, match="revoke it first or choose another name"):
        tokens.create("anna", Role.ADMIN)
    tokens.revoke("anna")
    with pytest.raises(TokenError, match="names are not reused"):
        tokens.create("anna", Role.SUPERVISOR)


def test_given_a_revoked_token_then_the_book_still_knows_it_but_as_revoked(
        tmp_path: Path) -> None:
    tokens = _file(tmp_path)
    token = tokens.create("anna", Role.SUPERVISOR)
    assert tokens.revoke("anna").revoked == "2026-05-28T20:26:40Z"
    found = TokenBook(tokens.path).find(token)
    assert found is not None and found.revoked == "2026-05-28T20:26:40Z"
    with pytest.raises(TokenError, match="no token named 'bo'"):
        tokens.revoke("bo")


@pytest.mark.parametrize(("text", "message"), [
    ("{nope", r"tokens.json:1:2: not valid JSON"),
    ('{"version": 1, "tokens": []}', "expected"),
    ('{"version": 1, "tokens": {"x": {"role": "boss", "created": "", "sha256": ""}}}',
     "tokens.x: needs role"),
    ('{"version": 1, "tokens": {"x": {"role": "agent", "created": "", "sha256": "'
     + "0" * 64 + '"}}}', "an agent token must name its agent"),
])
def test_given_a_broken_tokens_file_then_commands_say_where_and_the_book_fails_closed(
        tmp_path: Path, text: str, message: str) -> None:
    tokens = _file(tmp_path)
    token = tokens.create("anna", Role.SUPERVISOR)
    tokens.path.write_text(text)
    with pytest.raises(TokenError, match=message):
        tokens.tokens()
    book = TokenBook(tokens.path)
    assert book.find(token) is None
    assert book.problem is not None and message.replace("\\", "") in book.problem


def test_given_a_file_replaced_within_one_mtime_tick_then_the_book_still_rereads_it(
        tmp_path: Path) -> None:
    tokens = _file(tmp_path)
    token = tokens.create("anna", Role.SUPERVISOR)
    book = TokenBook(tokens.path)
    assert book.find(token) is not None
    mtime = tokens.path.stat().st_mtime_ns
    tokens.revoke("anna")
    os.utime(tokens.path, ns=(mtime, mtime))  # same mtime; a new inode from os.replace
    found = book.find(token)
    assert found is not None and found.revoked


def test_given_the_cli_then_create_prints_the_token_once_list_and_revoke_never_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "tokens.json")
    assert main(["token", "create", "fredrik-desk", "--role", "agent", "--agent", "fredrik",
                 "--tokens", path]) == 0
    created = capsys.readouterr()
    token = created.out.strip()
    assert len(token) >= 43 and token not in created.err
    assert "shown only now" in created.err

    assert main(["token", "list", "--tokens", path]) == 0
    listed = capsys.readouterr().out
    assert main(["token", "revoke", "fredrik-desk", "--tokens", path]) == 0
    revoked = capsys.readouterr().out
    assert main(["token", "list", "--tokens", path]) == 0
    listed_after = capsys.readouterr().out

    assert listed.splitlines()[0].split() == ["NAME", "ROLE", "AGENT", "CREATED", "REVOKED"]
    assert listed.splitlines()[1].split()[:3] == ["fredrik-desk", "agent", "fredrik"]
    assert listed.splitlines()[1].split()[-1] == "-"
    assert "revoked at" in revoked
    assert listed_after.splitlines()[1].split()[-1].endswith("Z")
    for shown in (listed, revoked, listed_after):
        assert token not in shown and digest(token) not in shown


def test_given_a_bad_cli_request_then_exit_2_with_the_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "tokens.json")
    assert main(["token", "create", "x", "--role", "agent", "--tokens", path]) == 2
    assert "needs --agent ID" in capsys.readouterr().err
    assert main(["token", "revoke", "x", "--tokens", path]) == 2
    assert "no token named 'x'" in capsys.readouterr().err


def test_given_no_tokens_option_then_the_file_is_in_the_state_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CCCTL_STATE_DIR", str(tmp_path / "state"))
    assert main(["token", "create", "anna", "--role", "supervisor"]) == 0
    token = capsys.readouterr().out.strip()
    found = TokenBook(tmp_path / "state" / "tokens.json").find(token)
    assert found is not None and found.role is Role.SUPERVISOR
