"""A voice call's life under ccctl: ARI events → routing-core events → decisions → ARI.

Two kinds of channel enter the Stasis application:

* a **caller**, sent by the generated dialplan with ``Stasis(app,queue,<queue>)``:
  it waits on music on hold while the routing core looks for an agent;
* an **agent leg**, originated by ccctl to the chosen agent's phone with
  ``appArgs=agent,<task>,<agent>``: it enters Stasis when the agent answers.

Every routing-core event is journaled before its decisions are carried out
(:class:`ccctl.voice.journal.Journal`), so a restart replays to the same state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from ccctl.acd import decisions as dec
from ccctl.acd import events as ev
from ccctl.acd.errors import AcdError
from ccctl.acd.model import TaskKind, TaskSpec
from ccctl.acd.router import Router
from ccctl.ari import events as ari
from ccctl.ari.rest import AriError, AriNotFoundError, AriRest
from ccctl.store import CallRecord
from ccctl.voice.announce import Announcer
from ccctl.voice.arrival import Arrival, parse_args
from ccctl.voice.journal import Journal

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None]], None]

# Q.850 causes of an agent leg that ended before it was answered.
_NO_ANSWER, _BUSY, _REJECTED = 19, 17, 21


@dataclass
class Leg:
    task_id: str
    role: str  # "caller", "agent", or a role a plug-in registered (transfers)
    agent_id: str | None = None
    answered: bool = False


StasisHandler = Callable[[ari.StasisStart], Awaitable[None]]
LegEndHandler = Callable[[Leg, int], Awaitable[None]]


class VoiceFlow:
    def __init__(self, router: Router, journal: Journal, rest: Callable[[], AriRest],
                 clock: Callable[[], float], spawn: Spawn, *, announcer: Announcer) -> None:
        self.router = router
        self.announcer = announcer
        self._journal = journal
        self.rest = rest
        self._clock = clock
        self._spawn = spawn
        self._lock = asyncio.Lock()
        self.legs: dict[str, Leg] = {}  # channel id → leg
        self.callers: dict[str, str] = {}  # task id → caller channel id
        self.agent_legs: dict[str, str] = {}  # task id → ringing/answered agent channel id
        self.bridges: dict[str, str] = {}  # task id → bridge id
        # Who handles a channel entering Stasis (by its first app argument) and the end of
        # a leg (by its role). Transfers add their own roles (ccctl.voice.transfer).
        self.stasis_roles: dict[str, StasisHandler] = {"agent": self._agent_answered}
        self.leg_roles: dict[str, LegEndHandler] = {"caller": self._caller_gone,
                                                    "agent": self._agent_leg_gone}
        # Called with the task id when its caller hangs up, before the call is settled.
        self.caller_gone_hooks: list[Callable[[str], Awaitable[None]]] = []
        # Called with the task id just before a waiting caller is bridged to an agent.
        self.connect_hooks: list[Callable[[str], Awaitable[None]]] = []
        # Tasks of other kinds than voice are offered and connected by their plug-in.
        self.offer_kinds: dict[TaskKind, Callable[[dec.Offer], Awaitable[None]]] = {}
        self.connect_kinds: dict[TaskKind, Callable[[dec.Connect], Awaitable[None]]] = {}
        self.ari_handlers: dict[type[ari.Event], Callable[[Any], Awaitable[None]]] = {
            ari.StasisStart: self._on_stasis_start,
            # A channel in the app reports its end with StasisEnd (it is no longer
            # subscribed when it is destroyed); an agent leg that never answered never
            # entered the app and reports ChannelDestroyed, with the Q.850 cause.
            ari.StasisEnd: self._on_left,
            ari.ChannelDestroyed: self._on_left,
            ari.PlaybackFinished: self._on_playback_finished,
        }
        self._executors: dict[type[dec.Decision], Callable[[Any], Awaitable[None]]] = {
            dec.Offer: self._offer,
            dec.CancelOffer: self._cancel_offer,
            dec.Connect: self._connect,
            dec.StartWrapUp: self._start_wrap_up,
            dec.PauseAgent: self._paused,
        }

    def now(self) -> float:
        return self._clock()

    # -- the routing core ---------------------------------------------------------------
    async def feed(self, event: ev.Event) -> None:
        """Journal the event, let the core decide, carry the decisions out in order."""
        async with self._lock:
            now = self._clock()
            await self._journal.record(event, now)
            decisions = self.router.handle(event, now)
        for decision in decisions:
            try:
                await self._executors[type(decision)](decision)
            except AriError as exc:
                log.warning("could not carry out %r: %s", decision, exc)

    async def call_records(self, since: float) -> list[CallRecord]:
        return await self._journal.call_records(since)

    # -- ARI events -----------------------------------------------------------------------
    async def on_ari(self, event: ari.Event) -> None:
        handler = self.ari_handlers.get(type(event))
        if handler is None:
            return
        try:
            await handler(event)
        except AcdError as exc:
            # The PBX and the core disagree (e.g. a late event for an ended task):
            # the core's view stands; nothing to undo on the PBX side.
            log.warning("%s on channel %s: %s", type(event).__name__,
                        ari.channel_id(event), exc)

    async def _on_stasis_start(self, event: ari.StasisStart) -> None:
        role = event.args[0] if event.args else ""
        handler = self.stasis_roles.get(role)
        if role == "queue" and len(event.args) >= 2:
            await self._caller_arrived(event.channel, parse_args(event.args))
        elif handler is not None and len(event.args) >= 2:
            await handler(event)
        else:
            log.warning("channel %s entered Stasis with unknown args %s; hanging up",
                        event.channel.id, event.args)
            await self._hangup(event.channel.id)

    async def _agent_answered(self, event: ari.StasisStart) -> None:
        leg = self.legs.get(event.channel.id)
        if leg is None or leg.agent_id is None:  # answered after we gave up on it
            await self._hangup(event.channel.id)
            return
        leg.answered = True
        await self.feed(ev.OfferAccepted(task_id=leg.task_id, agent_id=leg.agent_id))

    async def _caller_arrived(self, channel: ari.Channel, arrival: Arrival) -> None:
        task_id = channel.id
        self.legs[channel.id] = Leg(task_id, "caller")
        self.callers[task_id] = channel.id
        await self.rest().request("POST", f"/channels/{channel.id}/moh")
        log.info("call %s: caller waiting in queue %s (language %s, %s)", task_id,
                 arrival.queue, channel.language or "-",
                 arrival.identification.get("status", "unidentified"))
        identification = {**arrival.identification, "caller": channel.caller_number,
                          "menu_path": arrival.menu_path}
        await self.feed(ev.TaskArrived(task=TaskSpec(
            id=task_id, queue_id=arrival.queue, skills=arrival.skills,
            priority=arrival.priority, language=channel.language or None,
            identification={k: v for k, v in identification.items() if v})))
        if task_id in self.callers:  # still here (not connected or gone meanwhile)
            self.announcer.waiting(task_id, channel.id, arrival.queue, arrival.prompts,
                                   channel.language)

    async def _on_playback_finished(self, event: ari.PlaybackFinished) -> None:
        await self.announcer.finished(event.playback_id)

    async def _on_left(self, event: ari.StasisEnd | ari.ChannelDestroyed) -> None:
        leg = self.legs.pop(event.channel.id, None)
        if leg is None:
            return
        cause = event.cause if isinstance(event, ari.ChannelDestroyed) else 16
        await self.leg_roles[leg.role](leg, cause)

    async def _caller_gone(self, leg: Leg, cause: int) -> None:
        for hook in self.caller_gone_hooks:
            await hook(leg.task_id)
        self.callers.pop(leg.task_id, None)
        self.announcer.gone(leg.task_id)
        agent_channel = self.agent_legs.pop(leg.task_id, None)
        if leg.task_id in self.bridges:
            log.info("call %s: caller hung up", leg.task_id)
            await self._end_call(leg.task_id, agent_channel)
            await self.record(leg.task_id, "answered")
            await self.feed(ev.CallEnded(task_id=leg.task_id))
        else:
            log.info("call %s: caller abandoned", leg.task_id)
            if agent_channel is not None:
                self.legs.pop(agent_channel, None)
                await self._hangup(agent_channel)
            await self.record(leg.task_id, "abandoned")
            await self.feed(ev.Abandoned(task_id=leg.task_id))

    async def record(self, task_id: str, outcome: str) -> None:
        """The call record, written from the core's view of the task before it ends."""
        task = self.router.core.tasks.get(task_id)
        if task is None:
            return
        await self._journal.call_record(CallRecord(
            call_id=task_id, task_id=task_id, queue_id=task.queue_id, kind=task.kind.value,
            entered_at=task.entered_at, ended_at=self._clock(), outcome=outcome,
            answered_at=task.accepted_at, agent_id=task.agent_id if task.accepted_at else None,
            language=task.language or ""))

    async def _agent_leg_gone(self, leg: Leg, cause: int) -> None:
        assert leg.agent_id is not None
        self.agent_legs.pop(leg.task_id, None)
        if leg.answered:
            log.info("call %s: agent %s hung up", leg.task_id, leg.agent_id)
            caller = self.callers.pop(leg.task_id, None)
            await self._end_call(leg.task_id, caller)
            await self.record(leg.task_id, "answered")
            await self.feed(ev.CallEnded(task_id=leg.task_id))
            return
        reason = {_NO_ANSWER: "rona", _BUSY: "rejected", _REJECTED: "rejected"}.get(
            cause, "unreachable")
        log.info("call %s: agent %s did not answer (cause %d: %s)", leg.task_id,
                 leg.agent_id, cause, reason)
        await self.feed(ev.OfferFailed(task_id=leg.task_id, agent_id=leg.agent_id,
                                       reason=reason))

    async def _end_call(self, task_id: str, other: str | None) -> None:
        bridge = self.bridges.pop(task_id, None)
        if other is not None:
            self.legs.pop(other, None)
            await self._hangup(other)
        if bridge is not None:
            with contextlib.suppress(AriNotFoundError):
                await self.rest().destroy_bridge(bridge)

    # -- decisions --------------------------------------------------------------------------
    async def _offer(self, offer: dec.Offer) -> None:
        task = self.router.core.tasks.get(offer.task_id)
        plugin = self.offer_kinds.get(task.kind) if task is not None else None
        if plugin is not None:
            await plugin(offer)
            return
        if offer.task_id in self.callers:
            await self.ring_agent(offer)

    async def ring_agent(self, offer: dec.Offer) -> None:
        """Originate the offered agent's leg; it enters Stasis when they answer."""
        channel_id = f"{offer.task_id}-to-{offer.agent_id}-{int(self._clock() * 1000)}"
        self.legs[channel_id] = Leg(offer.task_id, "agent", offer.agent_id)
        self.agent_legs[offer.task_id] = channel_id
        log.info("call %s: offering to agent %s (rings %.0f s)", offer.task_id,
                 offer.agent_id, offer.timeout_s)
        # The agent's phone (a browser softphone too) shows who is calling.
        task = self.router.core.tasks.get(offer.task_id)
        caller = task.identification.get("caller", "") if task is not None else ""
        try:
            await self.rest().originate(
                f"PJSIP/{offer.agent_id}", channel_id,
                app_args=f"agent,{offer.task_id},{offer.agent_id}", caller_id=caller,
                ring_seconds=max(1, round(offer.timeout_s)))
        except AriError as exc:
            log.info("call %s: agent %s unreachable: %s", offer.task_id, offer.agent_id, exc)
            self.legs.pop(channel_id, None)
            self.agent_legs.pop(offer.task_id, None)
            await self.feed(ev.OfferFailed(task_id=offer.task_id, agent_id=offer.agent_id,
                                           reason="unreachable"))

    async def _cancel_offer(self, cancel: dec.CancelOffer) -> None:
        channel = self.agent_legs.pop(cancel.task_id, None)
        if channel is not None:
            self.legs.pop(channel, None)
            await self._hangup(channel)

    async def _connect(self, connect: dec.Connect) -> None:
        task = self.router.core.tasks.get(connect.task_id)
        plugin = self.connect_kinds.get(task.kind) if task is not None else None
        if plugin is not None and connect.task_id not in self.callers:
            await plugin(connect)
            return
        for hook in self.connect_hooks:
            await hook(connect.task_id)
        caller = self.callers.get(connect.task_id)
        agent = self.agent_legs.get(connect.task_id)
        if caller is None or agent is None:
            return
        bridge = f"call-{connect.task_id}"
        rest = self.rest()
        self.announcer.connected(connect.task_id)
        playing = self.announcer.is_announcing(caller)
        if playing is not None:
            with contextlib.suppress(AriNotFoundError):
                await rest.request("DELETE", f"/playbacks/{playing}")
        await rest.create_bridge(bridge, "mixing")
        self.bridges[connect.task_id] = bridge
        await rest.request("DELETE", f"/channels/{caller}/moh")
        await rest.add_to_bridge(bridge, caller, agent)
        log.info("call %s: connected to agent %s", connect.task_id, connect.agent_id)

    async def _start_wrap_up(self, wrap: dec.StartWrapUp) -> None:
        log.info("agent %s: wrap-up %.0f s after call %s", wrap.agent_id, wrap.seconds,
                 wrap.task_id)
        self._spawn(self._wrap_up_later(wrap.agent_id, wrap.seconds))

    async def _wrap_up_later(self, agent_id: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        try:
            await self.feed(ev.WrapUpDone(agent_id=agent_id))
        except AcdError as exc:  # logged out or already ready meanwhile
            log.info("agent %s: wrap-up end ignored: %s", agent_id, exc)

    async def _paused(self, pause: dec.PauseAgent) -> None:
        log.info("agent %s: paused by the routing core (%s)", pause.agent_id, pause.reason)

    async def _hangup(self, channel_id: str) -> None:
        with contextlib.suppress(AriNotFoundError):
            await self.rest().hangup(channel_id)
