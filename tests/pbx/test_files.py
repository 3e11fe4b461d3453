"""Installing generated files: what changed, masked diffs, swap and roll back."""

from __future__ import annotations

import os
from pathlib import Path

from ccctl.pbx.files import Swap, changes, mask_secrets, unified_diff


def test_given_identical_files_then_there_is_nothing_to_change(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("x\n")
    assert changes(tmp_path, {"a.conf": "x\n"}) == []


def test_given_a_diff_of_a_file_with_passwords_then_no_password_is_shown(tmp_path: Path) -> None:
    (tmp_path / "pjsip.conf").write_text("[agnes]\npassword = OldSecretValue123\n")
    [change] = changes(tmp_path, {"pjsip.conf": "[agnes]\npassword = NewSecretValue456\n"})
    text = unified_diff(change)
    assert "OldSecretValue123" not in text
    assert "NewSecretValue456" not in text
    assert mask_secrets("secret = abc") == "secret = ********"


def test_given_a_swap_when_rolled_back_then_every_file_is_as_before(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("old a\n")
    os.chmod(tmp_path / "a.conf", 0o640)
    before = (tmp_path / "a.conf").stat()
    batch = changes(tmp_path, {"a.conf": "new a\n", "b.conf": "new b\n"})
    swap = Swap(tmp_path)

    swap.apply(batch)
    assert (tmp_path / "a.conf").read_text() == "new a\n"
    assert (tmp_path / "a.conf").stat().st_mode & 0o777 == 0o640
    swap.rollback()

    assert (tmp_path / "a.conf").read_text() == "old a\n"
    after = (tmp_path / "a.conf").stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_uid) == (
        before.st_ino, before.st_mtime_ns, before.st_uid)
    assert not (tmp_path / "b.conf").exists()


def test_given_new_files_then_they_are_not_world_readable(tmp_path: Path) -> None:
    Swap(tmp_path).apply(changes(tmp_path, {"pjsip.conf": "password = x\n"}))
    assert (tmp_path / "pjsip.conf").stat().st_mode & 0o007 == 0

