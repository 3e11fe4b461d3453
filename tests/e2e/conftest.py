"""Fixtures for tests against a real Asterisk 22 (the sandbox `make sandbox` builds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pbx import Pbx, destroy, prepare, start


@pytest.fixture
def pbx(tmp_path: Path) -> Iterator[Pbx]:
    """The example contact center in a fresh sandbox of its own, running."""
    handle = prepare(tmp_path)
    start(handle)
    try:
        yield handle
    finally:
        destroy(handle)


@pytest.fixture
def pbx_with_prompts(tmp_path: Path) -> Iterator[Pbx]:
    """As ``pbx``, with the example's prompts built and installed."""
    handle = prepare(tmp_path)
    start(handle, prompts=True)
    try:
        yield handle
    finally:
        destroy(handle)
