"""Finding the host's Debian mirror without naming any package host in the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccctl.pbx.image import ImageError, host_mirror


def test_given_deb822_sources_then_the_main_archive_is_used_not_security(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.test/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\n# a comment: here\nURIs: http://mirror.test/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n")
    assert host_mirror(tmp_path) == "http://mirror.test/debian"


def test_given_a_legacy_sources_list_then_its_first_main_line_is_used(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(
        "deb http://mirror.test/debian-security bookworm-security main\n"
        "deb [arch=amd64] http://mirror.test/debian bookworm main\n")
    assert host_mirror(tmp_path) == "http://mirror.test/debian"


def test_given_no_sources_then_the_error_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="CCCTL_DEBIAN_MIRROR"):
        host_mirror(tmp_path)
