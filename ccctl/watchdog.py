"""Event-loop lag watchdog: how late a short sleep wakes up is how long something
held the loop. Logged when it passes a threshold; exported in /metrics."""

from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger(__name__)


class LoopWatchdog:
    def __init__(self, interval_s: float = 0.25, warn_s: float = 0.1) -> None:
        self.interval_s = interval_s
        self.warn_s = warn_s
        self.last_lag_s = 0.0
        self.max_lag_s = 0.0

    async def run(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(self.interval_s)
            lag = max(0.0, time.monotonic() - started - self.interval_s)
            self.last_lag_s = lag
            self.max_lag_s = max(self.max_lag_s, lag)
            if lag >= self.warn_s:
                log.warning("event loop was blocked for %.0f ms", lag * 1000)
