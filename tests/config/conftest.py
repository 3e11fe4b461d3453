"""Fixtures for the config tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.config_helpers import Write


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write(name, text)`` writes ``tmp_path/name`` and returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
