"""How long to wait before the next attempt: capped exponential backoff, Retry-After honoured.

>>> policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=5.0)
>>> [policy.delay(n, None) for n in range(1, 5)]
[1.0, 2.0, 4.0, 5.0]
>>> policy.delay(1, retry_after=3.0)  # the provider's wish, when longer than ours
3.0
>>> policy.delay(1, retry_after=120.0) is None  # longer than we may wait: give up now
True
>>> policy.delay(5, None) is None  # no attempts left
True
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` in all (the first included); waits double from ``base_delay`` to ``max_delay``.

    No jitter: one daemon sends few messages, and tests want exact waits.
    """

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")
        if not 0 <= self.base_delay <= self.max_delay:
            raise ValueError(f"need 0 <= base_delay ({self.base_delay}) <= max_delay "
                             f"({self.max_delay})")

    def delay(self, failed_attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait after attempt number ``failed_attempt`` (1-based); None: stop."""
        if failed_attempt >= self.attempts:
            return None
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (failed_attempt - 1))
        if retry_after is None:
            return backoff
        if retry_after > self.max_delay:
            return None
        return max(backoff, retry_after)
