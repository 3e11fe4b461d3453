"""Rendering a config file for an Asterisk: where templates and secrets are found."""

from __future__ import annotations

import shutil
from pathlib import Path

from ccctl.pbx import service


def test_given_a_relative_templates_dir_in_the_config_then_it_is_found_beside_the_config(
    tmp_path: Path,
) -> None:
    shutil.copytree(Path(__file__).resolve().parents[2] / "config" / "example", tmp_path / "cfg")
    (tmp_path / "cfg" / "overrides").mkdir()
    (tmp_path / "cfg" / "overrides" / "rtp.conf.j2").write_text("; operator's own rtp\n")
    main = tmp_path / "cfg" / "ccctl.yaml"
    main.write_text(main.read_text() + "\npbx:\n  templates_dir: overrides\n")

    files = service.render(main, tmp_path / "secrets.json").files

    assert "; operator's own rtp" in files["rtp.conf"]
