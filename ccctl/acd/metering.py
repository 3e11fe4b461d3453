"""Seat metering: concurrently logged-in agents, the peak per day and per month (local
calendar of the configured time zone), and the licence tier the peak falls in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

TIERS: tuple[tuple[int, str], ...] = (
    (5, "up_to_5"),
    (10, "up_to_10"),
    (25, "up_to_25"),
    (50, "up_to_50"),
)
TIER_ABOVE = "over_50"


def tier(peak: int) -> str:
    """The licence tier for a peak of concurrently logged-in agents."""
    for limit, name in TIERS:
        if peak <= limit:
            return name
    return TIER_ABOVE


@dataclass(frozen=True, slots=True)
class SeatUsage:
    current: int
    day: str
    day_peak: int
    month: str
    month_peak: int
    month_tier: str


class SeatMeter:
    def __init__(self, timezone: str) -> None:
        self.timezone = timezone
        self._tz = ZoneInfo(timezone)
        self.current = 0
        self.day_peak: dict[str, int] = {}
        self.month_peak: dict[str, int] = {}

    def _periods(self, now: float) -> tuple[str, str]:
        local = datetime.fromtimestamp(now, self._tz)
        return local.strftime("%Y-%m-%d"), local.strftime("%Y-%m")

    def observe(self, now: float, delta: int = 0) -> None:
        """Apply a login (+1) or logout (-1); with 0, carry the count into a new day."""
        self.current += delta
        day, month = self._periods(now)
        self.day_peak[day] = max(self.day_peak.get(day, 0), self.current)
        self.month_peak[month] = max(self.month_peak.get(month, 0), self.current)

    def usage(self, now: float) -> SeatUsage:
        self.observe(now)
        day, month = self._periods(now)
        peak = self.month_peak[month]
        return SeatUsage(self.current, day, self.day_peak[day], month, peak, tier(peak))

    def snapshot(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "current": self.current,
            "day_peak": dict(self.day_peak),
            "month_peak": dict(self.month_peak),
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> SeatMeter:
        meter = cls(str(data["timezone"]))
        meter.current = int(data["current"])
        meter.day_peak = {str(k): int(v) for k, v in data["day_peak"].items()}
        meter.month_peak = {str(k): int(v) for k, v in data["month_peak"].items()}
        return meter
