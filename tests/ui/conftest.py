"""Fixtures of the web UI tests: one headless Chromium per test module.

Not per session: while Playwright's sync API is active, its event loop counts as
running in the main thread, and every later ``asyncio.run`` (most unit tests) fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import conftest as e2e_conftest
from tests.ui.browser import launch


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


# The e2e tests' sandbox fixture (a fresh Asterisk 22 per test), for the pbx-marked tests.
pbx = e2e_conftest.pbx
