"""Reading Asterisk's voicemail spool: descriptions, caller ids, complete messages only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccctl.voicemail.spool import (
    SpoolFormatError,
    SpoolScanner,
    parse_callerid,
    parse_description,
    resolve_spool,
)
from tests.voicemail.helpers import CALLER, ORIGTIME, description, leave


def test_given_asterisks_description_then_every_field_is_read() -> None:
    info = parse_description(description("1764068400-00000003", duration=42))

    assert info.msg_id == "1764068400-00000003"
    assert info.received_at == ORIGTIME
    assert info.duration_s == 42
    assert (info.caller, info.caller_name) == (CALLER, "Agda Påhittad")


@pytest.mark.parametrize(("callerid", "expected"), [
    ('"Agda Påhittad" <+46701740605>', ("Agda Påhittad", "+46701740605")),
    ("<0701740605>", ("", "+46701740605")),
    ('"" <08-465 004 80>', ("", "+46846500480")),
    ("Unknown", ("", "")),
    ('"operator" <operator>', ("operator", "")),
    ('"Anonymous" <anonymous>', ("Anonymous", "")),
    ("1234", ("", "1234")),
])
def test_given_a_caller_id_then_the_number_is_e164_or_empty_when_withheld(
    callerid: str, expected: tuple[str, str],
) -> None:
    info = parse_description(description("1-1", callerid=callerid))
    assert (info.caller_name, info.caller) == expected


def test_given_a_description_without_duration_then_it_is_not_a_complete_message() -> None:
    text = description("1-1").replace("duration=7\n", "")
    with pytest.raises(SpoolFormatError, match="no duration= line"):
        parse_description(text)


def test_given_no_msg_id_then_a_stable_id_comes_from_time_and_caller() -> None:
    text = description("1-1").replace("msg_id=1-1\n", "")
    assert parse_description(text).msg_id == parse_description(text).msg_id
    assert parse_description(text).msg_id.startswith("t")


def test_given_a_callerid_with_only_a_name_then_no_number() -> None:
    assert parse_callerid('"Växeln"') == ("", "")


def test_given_messages_in_folders_then_a_scan_finds_each_complete_one_once(
    tmp_path: Path,
) -> None:
    leave(tmp_path, "socialtjanst", 0, "100-1")
    leave(tmp_path, "socialtjanst", 0, "100-2", folder="Old")
    leave(tmp_path, "socialtjanst", 1, "100-3", folder="tmp")  # being recorded
    leave(tmp_path, "socialtjanst", 1, "100-4", audio=False)  # audio not moved in yet
    leave(tmp_path, "other", 0, "100-5")  # not a mailbox of this contact center
    scanner = SpoolScanner(tmp_path, "ccctl", ("socialtjanst", "vaxel"))

    first = scanner.scan()
    unmarked = scanner.scan()
    for message in first:
        scanner.mark(message)
    again = scanner.scan()

    assert sorted(m.id for m in first) == ["socialtjanst-100-1", "socialtjanst-100-2"]
    assert {m.audio for m in first} == {"ccctl/socialtjanst/INBOX/msg0000.wav",
                                        "ccctl/socialtjanst/Old/msg0000.wav"}
    assert unmarked == first  # not recorded yet: found again
    assert again == []
    assert scanner.known == 2


def test_given_a_message_completed_after_a_scan_then_the_next_scan_finds_it(
    tmp_path: Path,
) -> None:
    txt = leave(tmp_path, "socialtjanst", 0, "100-1", audio=False)
    scanner = SpoolScanner(tmp_path, "ccctl", ("socialtjanst",))
    assert scanner.scan() == []

    txt.with_suffix(".wav").write_bytes(b"RIFF")

    assert [m.id for m in scanner.scan()] == ["socialtjanst-100-1"]


def test_given_a_message_renumbered_then_find_locates_it_by_msg_id(tmp_path: Path) -> None:
    txt = leave(tmp_path, "socialtjanst", 3, "100-9")
    os.rename(txt, txt.with_name("msg0000.txt"))
    os.rename(txt.with_suffix(".wav"), txt.with_name("msg0000.wav"))
    scanner = SpoolScanner(tmp_path, "ccctl", ("socialtjanst",))

    found = scanner.find("socialtjanst", "100-9")

    assert found == tmp_path / "ccctl/socialtjanst/INBOX/msg0000.wav"
    assert scanner.find("socialtjanst", "100-1") is None


def test_given_spool_settings_then_paths_resolve_as_documented(tmp_path: Path) -> None:
    assert resolve_spool("/var/spool/asterisk/voicemail", tmp_path) == Path(
        "/var/spool/asterisk/voicemail")
    assert resolve_spool("spool", tmp_path) == tmp_path / "spool"
    sandbox = resolve_spool("sandbox:mine", tmp_path)
    assert sandbox.parts[-6:] == ("opt", "ccctl", "mine", "var", "spool", "voicemail")


def test_given_the_voicemail_modules_then_their_doctests_pass() -> None:
    import doctest  # noqa: PLC0415

    from ccctl.voicemail import notify, spool  # noqa: PLC0415

    for module in (spool, notify):
        assert doctest.testmod(module).failed == 0, module.__name__
