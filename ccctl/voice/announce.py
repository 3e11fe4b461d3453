"""Announcements to callers waiting in ccctl's queues, in each caller's language.

Every announcement is computed for that caller at that moment — their own
position, their own expected wait (``Router.expected_wait``: position, the
agents who can take the call, recent handle times), the agents answering —
and strung together from prompt pieces that ``ccctl prompts build`` made:
"Du är nummer" · "tre" · "i kön." · "Beräknad väntetid är" · "mer än" · "tio" ·
"minuter." Music on hold stops for the announcement and resumes after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ccctl.acd.ewt import WaitEstimate
from ccctl.acd.model import TaskState
from ccctl.acd.router import Router
from ccctl.ari.rest import AriError, AriRest
from ccctl.config.models import Announcements

log = logging.getLogger(__name__)


def number_pieces(n: int) -> list[str]:
    """0–9999 as the ``number-*`` prompts: 42 → number-40, number-2."""
    if n < 0 or n > 9999:
        raise ValueError(f"cannot announce {n}")
    pieces: list[str] = []
    if n >= 1000:
        pieces += [f"number-{n // 1000}", "number-thousand"]
        n %= 1000
    if n >= 100:
        pieces += [f"number-{n // 100}", "number-hundred"]
        n %= 100
    if n > 20:
        pieces.append(f"number-{n - n % 10}")
        n %= 10
        if n:
            pieces.append(f"number-{n}")
    elif n or not pieces:
        pieces.append(f"number-{n}")
    return pieces


def position_pieces(position: int) -> list[str]:
    if position <= 1:
        return ["queue-you-are-next"]
    return ["queue-you-are-number", *number_pieces(position), "queue-in-queue"]


def wait_pieces(estimate: WaitEstimate) -> list[str]:
    pieces = ["queue-expected-wait"]
    if estimate.more_than:
        pieces.append("queue-more-than")
    minutes = max(1, estimate.announce_minutes)
    if minutes == 1 and not estimate.more_than:
        return [*pieces, "queue-one-minute"]
    return [*pieces, *number_pieces(minutes), "queue-minutes"]


def agents_pieces(answering: int) -> list[str]:
    if answering <= 0:
        return ["queue-no-agents"]
    if answering == 1:
        return ["queue-one-agent"]
    return ["queue-agents-pre", *number_pieces(answering), "queue-agents-post"]


@dataclass
class Listener:
    """One waiting caller the announcer keeps track of."""

    task_id: str
    channel_id: str
    prompts: str  # the prompts directory as Asterisk sees it, e.g. /…/ccctl/prompts
    language: str
    count: int = 0


class Announcer:
    def __init__(self, router: Router, rest: Callable[[], AriRest],
                 settings: Mapping[str, Announcements | None], clock: Callable[[], float],
                 default_language: str, *, callback_queues: frozenset[str] = frozenset()
                 ) -> None:
        self._router = router
        self._rest = rest
        self._settings = settings
        self._clock = clock
        self._default_language = default_language
        self._callback_queues = callback_queues  # their announcements offer a callback
        self._listeners: dict[str, Listener] = {}
        # Callers talking to an agent: kept, so that they hear announcements again if
        # they come back to a queue (held, transferred, an outside number not answering).
        self._resting: dict[str, Listener] = {}
        self._due: list[tuple[float, str]] = []  # (when, task id), lazily invalidated
        self._playing: dict[str, Listener] = {}  # playback id → listener
        self._wake = asyncio.Event()

    def waiting(self, task_id: str, channel_id: str, queue_id: str, prompts: str,
                language: str) -> None:
        settings = self._settings.get(queue_id)
        if settings is None or not prompts:
            return
        self._listeners[task_id] = Listener(task_id, channel_id, prompts,
                                            language or self._default_language)
        heapq.heappush(self._due, (self._clock() + settings.first_after_seconds, task_id))
        self._wake.set()

    def gone(self, task_id: str) -> None:
        """The caller hung up (or the call left ccctl): nothing more to announce."""
        self._listeners.pop(task_id, None)
        self._resting.pop(task_id, None)

    def suspend(self, task_id: str) -> Listener | None:
        """No announcements for now (the caller is busy with a menu); :meth:`resume`."""
        self.connected(task_id)
        return self._resting.get(task_id)

    def connected(self, task_id: str) -> None:
        """The caller is talking to someone: no announcements until :meth:`resume`."""
        listener = self._listeners.pop(task_id, None)
        if listener is not None:
            self._resting[task_id] = listener

    def resume(self, task_id: str) -> None:
        """The caller waits again (in whichever queue the task is in now)."""
        listener = self._resting.pop(task_id, None)
        task = self._router.core.tasks.get(task_id)
        settings = self._settings.get(task.queue_id) if task is not None else None
        if listener is None or settings is None:
            return
        self._listeners[task_id] = listener
        heapq.heappush(self._due, (self._clock() + settings.first_after_seconds, task_id))
        self._wake.set()

    def is_announcing(self, channel_id: str) -> str | None:
        """The playback id of an announcement playing to ``channel_id``, if any."""
        return next((pid for pid, lis in self._playing.items()
                     if lis.channel_id == channel_id), None)

    async def run(self) -> None:
        while True:
            now = self._clock()
            while self._due and self._due[0][0] <= now:
                _, task_id = heapq.heappop(self._due)
                listener = self._listeners.get(task_id)
                if listener is not None:
                    await self._announce(listener, now)
            self._wake.clear()
            delay = min(1.0, self._due[0][0] - now) if self._due else 1.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.05, delay))

    async def _announce(self, listener: Listener, now: float) -> None:
        task = self._router.core.tasks.get(listener.task_id)
        if task is None:
            self.gone(listener.task_id)
            return
        settings = self._settings.get(task.queue_id)  # it may have been moved meanwhile
        if settings is None:
            return
        if settings.every_seconds:
            heapq.heappush(self._due, (now + settings.every_seconds, listener.task_id))
        if task.state not in (TaskState.WAITING, TaskState.PERSONAL, TaskState.STICKY):
            return  # ringing at an agent right now; try again next period
        pieces = self._pieces(listener.task_id, task.queue_id, settings, now)
        if pieces:
            await self._play(listener, pieces)

    def _pieces(self, task_id: str, queue_id: str, settings: Announcements,
                now: float) -> list[str]:
        pieces: list[str] = []
        if settings.position:
            pieces += position_pieces(self._router.position(task_id))
        if settings.expected_wait:
            pieces += wait_pieces(self._router.expected_wait(task_id, now))
        if settings.agents_answering:
            pieces += agents_pieces(self._router.queue_status(queue_id, now).agents_answering)
        if pieces and queue_id in self._callback_queues:
            pieces.append("callback-offer")
        return pieces

    async def _play(self, listener: Listener, pieces: list[str]) -> None:
        listener.count += 1
        playback_id = f"announce-{listener.task_id}-{listener.count}"
        base = f"{listener.prompts}/{listener.language}"
        media = ",".join(f"sound:{base}/{piece}" for piece in pieces)
        rest = self._rest()
        try:
            await rest.request("DELETE", f"/channels/{listener.channel_id}/moh")
            self._playing[playback_id] = listener
            await rest.play(listener.channel_id, media, playback_id)
            log.info("call %s: announcement %d (%s)", listener.task_id, listener.count,
                     " ".join(pieces))
        except AriError as exc:
            self._playing.pop(playback_id, None)
            log.info("call %s: announcement not played: %s", listener.task_id, exc)

    async def finished(self, playback_id: str) -> None:
        """Music on hold again after an announcement, if the caller still waits."""
        listener = self._playing.pop(playback_id, None)
        if listener is None or listener.task_id not in self._listeners:
            return
        task = self._router.core.tasks.get(listener.task_id)
        if task is not None and task.state in (TaskState.WAITING, TaskState.PERSONAL,
                                               TaskState.STICKY):
            with contextlib.suppress(AriError):
                await self._rest().request("POST", f"/channels/{listener.channel_id}/moh")
