"""Configuration of the wallboard (``wallboard:`` in the YAML): which queues get a tile,
and when a service level turns amber or red.

This module imports only :mod:`ccctl.config.types` from the configuration package,
so :mod:`ccctl.config.models` can import it without a cycle.

Example::

    wallboard:
      tiles: [vaxel, bygglov]       # in this order; empty or absent: every queue
      amber_below_target: 0         # SL under the queue's target: amber
      red_below_target: 10          # 10 points or more under it: red
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccctl.config.types import Id


class Wallboard(BaseModel):
    """The wallboard page (/wallboard): tiles and the colours of the service level."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    tiles: tuple[Id, ...] = Field(
        default=(), description="Queue ids with a tile, in this order (empty: every queue)")
    amber_below_target: float = Field(
        default=0, ge=0, le=100,
        description="Amber when the interval's SL is this many points under the target")
    red_below_target: float = Field(
        default=10, ge=0, le=100,
        description="Red when the interval's SL is this many points under the target")

    @model_validator(mode="after")
    def _ordered(self) -> Wallboard:
        if self.red_below_target < self.amber_below_target:
            raise ValueError("red_below_target must be at least amber_below_target "
                             "(red is further under the target than amber)")
        return self

    def colour(self, sl_percent: float | None, target_percent: float) -> str:
        """'green', 'amber', 'red', or 'none' while nothing was answered this interval."""
        if sl_percent is None:
            return "none"
        short = target_percent - sl_percent  # points under the target
        if short <= 0:
            return "green"
        if short >= self.red_below_target:
            return "red"
        return "amber" if short > self.amber_below_target else "green"
