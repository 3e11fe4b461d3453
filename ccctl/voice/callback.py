"""Callbacks that keep the caller's place: booked in the queue by a key, dialled at the
caller's turn, retried, and closed with an SMS when the citizen cannot be reached.

In the queue, the caller presses the queue's ``callback.key``: ccctl reads back the
caller's number (key 1 confirms, 2 enters another, ending with #), the task turns
into a callback (``ChangeKind``) with the number (``Annotate``) and the caller hangs
up — the task keeps its entry time, so it is served at the caller's turn. While the
caller is choosing they are still in the queue: an agent who becomes free gets them.

At its turn, **agent first**: the agent's phone rings as for any call; when the
agent answers they hear music while ccctl dials the citizen, and are bridged when the
citizen answers. **Customer first**: the chosen agent is reserved, the citizen is
dialled, and the agent's phone rings once the citizen has answered. A citizen who
does not answer is tried again ``retry_seconds`` later (``Defer``: the place is kept)
up to ``attempts`` times; then the SMS goes out and the task closes as unreachable.
Every step is a journaled routing-core event, so a restart neither loses nor repeats
a callback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ccctl.acd import decisions as dec
from ccctl.acd import events as ev
from ccctl.acd.model import TaskKind, TaskState
from ccctl.ari import events as ari
from ccctl.ari.rest import AriError, AriNotFoundError
from ccctl.config.models import Callback, CallbackMode, Outbound
from ccctl.ident.anumber import dialable
from ccctl.voice.flow import Leg, VoiceFlow

log = logging.getLogger(__name__)

NUMBER, REQUESTED, ATTEMPTS = "callback_number", "callback_requested_at", "callback_attempts"
# (task id, its details, queue id, language): tell the citizen we could not reach them.
Unreachable = Callable[[str, dict[str, str], str, str | None], Awaitable[None]]
OpenAt = Callable[[str, float], float]  # (schedule id, now) → now if open, else next opening


@dataclass
class Dialog:
    """A waiting caller choosing the number to be called back on."""

    channel: str
    prompts: str
    language: str
    state: str = "confirm"  # confirm, enter
    number: str = ""
    digits: str = ""
    tries: int = 0
    playback: str = ""


@dataclass
class Dialling:
    channel: str
    answered: bool = False
    offers: list[dec.Offer] = field(default_factory=list)


class Callbacks:
    def __init__(self, flow: VoiceFlow, policies: dict[str, Callback], outbound: Outbound,
                 *, open_at: OpenAt, unreachable: Unreachable | None = None,
                 region: str = "SE") -> None:
        self.flow = flow
        self.policies = policies
        self.outbound = outbound
        self.open_at = open_at
        self.unreachable = unreachable
        self.region = region
        self.dialogs: dict[str, Dialog] = {}  # task id → caller choosing a number
        self.dialling: dict[str, Dialling] = {}  # task id → the citizen's leg of this attempt
        self._booked: dict[str, str] = {}  # playback id → caller channel to hang up after it
        self._playback_finished = flow.ari_handlers[ari.PlaybackFinished]
        flow.ari_handlers[ari.ChannelDtmfReceived] = self.on_dtmf
        flow.ari_handlers[ari.PlaybackFinished] = self._on_playback_finished
        flow.stasis_roles["citizen"] = self._citizen_answered
        flow.leg_roles.update({"citizen": self._citizen_gone, "booked": self._nothing})
        flow.offer_kinds[TaskKind.CALLBACK] = self.offer
        flow.connect_kinds[TaskKind.CALLBACK] = self.connect
        flow.connect_hooks.append(self._stop_dialog)
        flow.caller_gone_hooks.append(self._forget)

    # -- booking in the queue ---------------------------------------------------------
    async def on_dtmf(self, event: ari.ChannelDtmfReceived) -> None:
        leg = self.flow.legs.get(event.channel.id)
        task = self.flow.router.core.tasks.get(leg.task_id) if leg else None
        if leg is None or task is None or leg.role != "caller":
            return
        policy = self.policies.get(task.queue_id)
        dialog = self.dialogs.get(task.id)
        if dialog is None:
            if policy is not None and event.digit == policy.key \
                    and task.state in (TaskState.WAITING, TaskState.STICKY):
                await self._start(task.id, event.channel, task.language)
            return
        if dialog.state == "confirm":
            if event.digit == "1":
                await self._book(task.id, dialog, dialog.number)
            elif event.digit == "2":
                await self._ask_number(task.id, dialog)
        elif event.digit.isdigit() and len(dialog.digits) < 20:
            dialog.digits += event.digit
        elif event.digit == "#":
            await self._entered(task.id, dialog)
        elif event.digit == "*":
            await self._resume(task.id, dialog)

    async def _start(self, task_id: str, channel: ari.Channel, language: str | None) -> None:
        listener = self.flow.announcer.suspend(task_id)
        dialog = Dialog(channel.id, listener.prompts if listener else "",
                        (listener.language if listener else "") or channel.language
                        or language or "sv")
        self.dialogs[task_id] = dialog
        number = self._e164(channel.caller_number)
        log.info("call %s: the caller asks for a callback", task_id)
        with contextlib.suppress(AriNotFoundError):
            await self.flow.rest().request("DELETE", f"/channels/{channel.id}/moh")
        if number is None:
            await self._ask_number(task_id, dialog)
            return
        dialog.number = number
        await self._play(task_id, dialog,
                         ["callback-confirm", *spoken_digits(number), "callback-confirm-keys"])

    async def _ask_number(self, task_id: str, dialog: Dialog) -> None:
        dialog.state, dialog.digits = "enter", ""
        await self._play(task_id, dialog, ["callback-enter-number"])

    async def _entered(self, task_id: str, dialog: Dialog) -> None:
        number = self._e164(dialog.digits)
        if number is not None:
            await self._book(task_id, dialog, number)
            return
        dialog.tries += 1
        log.info("call %s: the number entered for a callback (%d digits) is not one we "
                 "can call", task_id, len(dialog.digits))
        if dialog.tries >= 3:
            await self._resume(task_id, dialog)
            return
        dialog.digits = ""
        await self._play(task_id, dialog, ["callback-invalid", "callback-enter-number"])

    async def _book(self, task_id: str, dialog: Dialog, number: str) -> None:
        flow = self.flow
        task = flow.router.core.task(task_id)
        policy = self.policies[task.queue_id]
        now = flow.now()
        del self.dialogs[task_id]
        await flow.feed(ev.Annotate(task_id=task_id, details={
            NUMBER: number, REQUESTED: f"{now:.3f}", ATTEMPTS: "0"}))
        await flow.feed(ev.ChangeKind(task_id=task_id, kind=TaskKind.CALLBACK))
        due = self.open_at(policy.hours, now) if policy.hours else now
        if due > now:
            await flow.feed(ev.Defer(task_id=task_id, until=due))
        # The caller's channel is no longer the call: hang it up after the last words.
        flow.callers.pop(task_id, None)
        flow.legs[dialog.channel] = Leg(task_id, "booked")
        flow.announcer.gone(task_id)
        log.info("call %s: callback booked; the caller keeps their place", task_id)
        # Hang up when the last words end; registered before playing, because the end
        # of a short (or missing) prompt can arrive before the answer to the request.
        playback = await self._play(task_id, dialog, ["callback-booked"],
                                    then_hang_up=True)
        if not playback:
            await self._hangup(dialog.channel)

    async def _resume(self, task_id: str, dialog: Dialog) -> None:
        """The caller gives up choosing: back to music and announcements."""
        self.dialogs.pop(task_id, None)
        await self._stop_playback(dialog)
        with contextlib.suppress(AriError):
            await self.flow.rest().request("POST", f"/channels/{dialog.channel}/moh")
        self.flow.announcer.resume(task_id)

    async def _forget(self, task_id: str) -> None:
        """The caller (or the citizen, customer first) hung up."""
        self.dialogs.pop(task_id, None)
        self.dialling.pop(task_id, None)

    async def _stop_dialog(self, task_id: str) -> None:
        self.dialling.pop(task_id, None)  # customer first: the citizen is being connected
        dialog = self.dialogs.pop(task_id, None)
        if dialog is not None:  # an agent became free while the caller was choosing
            await self._stop_playback(dialog)

    async def _play(self, task_id: str, dialog: Dialog, pieces: list[str], *,
                    then_hang_up: bool = False) -> str:
        await self._stop_playback(dialog)
        base = f"{dialog.prompts}/{dialog.language}" if dialog.prompts else dialog.language
        media = ",".join(f"sound:{base}/{piece}" for piece in pieces)
        dialog.playback = f"callback-{task_id}-{len(pieces)}-{self.flow.now():.3f}"
        if then_hang_up:
            self._booked[dialog.playback] = dialog.channel
        try:
            await self.flow.rest().play(dialog.channel, media, dialog.playback)
        except AriError as exc:
            log.info("call %s: callback prompt not played: %s", task_id, exc)
            self._booked.pop(dialog.playback, None)
            return ""
        return dialog.playback

    async def _stop_playback(self, dialog: Dialog) -> None:
        if dialog.playback:
            with contextlib.suppress(AriError):
                await self.flow.rest().request("DELETE", f"/playbacks/{dialog.playback}")
            dialog.playback = ""

    async def _on_playback_finished(self, event: ari.PlaybackFinished) -> None:
        channel = self._booked.pop(event.playback_id, None)
        if channel is not None:
            await self._hangup(channel)
            return
        await self._playback_finished(event)

    # -- at the caller's turn ----------------------------------------------------------
    async def offer(self, offer: dec.Offer) -> None:
        task = self.flow.router.core.task(offer.task_id)
        policy = self.policies.get(task.queue_id) or Callback()
        if policy.mode is CallbackMode.AGENT_FIRST:
            await self.flow.ring_agent(offer)
            return
        dialling = self.dialling.get(offer.task_id)
        if dialling is not None and dialling.answered:  # the citizen waits for an agent
            await self.flow.ring_agent(offer)
            return
        self.dialling[offer.task_id] = Dialling("", offers=[offer])
        await self._dial_citizen(offer.task_id)

    async def connect(self, connect: dec.Connect) -> None:
        """The agent answered. Agent first: dial the citizen now; customer first: the
        citizen is on the line, bridge them."""
        flow = self.flow
        agent_leg = flow.agent_legs.get(connect.task_id)
        if agent_leg is None:
            return
        dialling = self.dialling.get(connect.task_id)
        if dialling is not None and dialling.answered:
            await self._bridge(connect.task_id, dialling.channel, agent_leg)
            return
        with contextlib.suppress(AriError):
            await flow.rest().request("POST", f"/channels/{agent_leg}/moh")
        self.dialling[connect.task_id] = Dialling("")
        await self._dial_citizen(connect.task_id)

    async def _dial_citizen(self, task_id: str) -> None:
        flow = self.flow
        task = flow.router.core.task(task_id)
        policy = self.policies.get(task.queue_id) or Callback()
        number = task.identification.get(NUMBER, "")
        attempt = int(task.identification.get(ATTEMPTS, "0")) + 1
        await flow.feed(ev.Annotate(task_id=task_id, details={ATTEMPTS: str(attempt)}))
        channel = f"{task_id}-cb{attempt}-{int(flow.now() * 1000)}"
        self.dialling[task_id].channel = channel
        flow.legs[channel] = Leg(task_id, "citizen")
        log.info("call %s: calling the citizen back (attempt %d of %d)", task_id, attempt,
                 policy.attempts)
        try:
            await flow.rest().originate(f"Local/{number}@ccctl-outbound", channel,
                                        app_args=f"citizen,{task_id}",
                                        caller_id=policy.caller_id or "",
                                        ring_seconds=policy.ring_seconds)
        except AriError as exc:
            log.info("call %s: could not dial the citizen: %s", task_id, exc)
            leg = flow.legs.pop(channel, None)
            if leg is not None:
                await self._citizen_gone(leg, 34)

    async def _citizen_answered(self, event: ari.StasisStart) -> None:
        leg = self.flow.legs.get(event.channel.id)
        dialling = self.dialling.get(leg.task_id) if leg else None
        if leg is None or dialling is None or dialling.channel != event.channel.id:
            await self._hangup(event.channel.id)
            return
        leg.answered = dialling.answered = True
        flow = self.flow
        log.info("call %s: the citizen answered", leg.task_id)
        agent_leg = flow.agent_legs.get(leg.task_id)
        task = flow.router.core.task(leg.task_id)
        if task.state is TaskState.IN_SERVICE and agent_leg is not None:  # agent first
            await self._bridge(leg.task_id, event.channel.id, agent_leg)
            return
        # Customer first: the citizen hears music while the reserved agent's phone rings.
        flow.legs[event.channel.id] = Leg(leg.task_id, "caller")
        flow.callers[leg.task_id] = event.channel.id
        with contextlib.suppress(AriError):
            await flow.rest().request("POST", f"/channels/{event.channel.id}/moh")
        for offer in dialling.offers:
            if task.state is TaskState.OFFERED and task.agent_id == offer.agent_id:
                await flow.ring_agent(offer)
        dialling.offers.clear()

    async def _bridge(self, task_id: str, citizen: str, agent_leg: str) -> None:
        flow = self.flow
        self.dialling.pop(task_id, None)
        flow.legs[citizen] = Leg(task_id, "caller", answered=True)
        flow.callers[task_id] = citizen
        bridge = f"call-{task_id}"
        rest = flow.rest()
        await rest.create_bridge(bridge, "mixing")
        flow.bridges[task_id] = bridge
        for channel in (citizen, agent_leg):
            with contextlib.suppress(AriNotFoundError):
                await rest.request("DELETE", f"/channels/{channel}/moh")
        await rest.add_to_bridge(bridge, citizen, agent_leg)
        log.info("call %s: the citizen and the agent are connected", task_id)

    async def _citizen_gone(self, leg: Leg, cause: int) -> None:
        """The citizen's leg ended before answering: try again later, or give up."""
        flow = self.flow
        dialling = self.dialling.pop(leg.task_id, None)
        task = flow.router.core.tasks.get(leg.task_id)
        if dialling is None or task is None:
            return
        policy = self.policies.get(task.queue_id) or Callback()
        attempts = int(task.identification.get(ATTEMPTS, "1"))
        log.info("call %s: the citizen did not answer (cause %d, attempt %d of %d)",
                 leg.task_id, cause, attempts, policy.attempts)
        agent_leg = flow.agent_legs.pop(leg.task_id, None)
        if agent_leg is not None:
            flow.legs.pop(agent_leg, None)
            await self._hangup(agent_leg)
        if attempts < policy.attempts:
            await flow.feed(ev.Defer(task_id=leg.task_id, until=flow.now()
                                     + policy.retry_seconds))
            return
        await flow.record(leg.task_id, "unreachable")
        identification = dict(task.identification)
        if task.state is TaskState.IN_SERVICE:
            await flow.feed(ev.CallEnded(task_id=leg.task_id))
        else:
            await flow.feed(ev.Abandoned(task_id=leg.task_id))
        log.info("call %s: callback closed: the citizen could not be reached", leg.task_id)
        if self.unreachable is not None:
            await self.unreachable(leg.task_id, identification, task.queue_id, task.language)

    async def _nothing(self, leg: Leg, cause: int) -> None:
        """The caller who booked a callback hung up: that is how it should end."""

    # -- helpers --------------------------------------------------------------------------
    def _e164(self, text: str) -> str | None:
        number = dialable(text, self.region)
        if number is None:
            return None
        return number if self.outbound.permits(number) else None

    async def _hangup(self, channel: str) -> None:
        with contextlib.suppress(AriNotFoundError):
            await self.flow.rest().hangup(channel)


def spoken_digits(number: str) -> list[str]:
    """How a number is read back: Swedish numbers as dialled at home (08 465 …)."""
    national = "0" + number[3:] if number.startswith("+46") else number.lstrip("+")
    return [f"number-{d}" for d in national]

