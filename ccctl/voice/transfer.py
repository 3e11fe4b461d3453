"""Transfers that leave the queues: to an external number or directory entry (blind),
and attended transfers (a consultation first) to a colleague or an external number.

Outside numbers are dialled as ``Local/<E.164>@ccctl-outbound`` (the generated
context dials the trunk), only if ``outbound.allow``/``deny`` permit them.

* **Blind, outside**: the agent is released at once (wrap-up); the caller hears music
  until the far end answers and is then bridged with it. If the far end does not
  answer, the caller goes back to the queue with the original entry time.
* **Consultation**: the caller waits on music while the agent talks to the colleague
  or the far end. *Complete* hands the caller over (a colleague then serves the
  task; an outside party takes the call out of ccctl's queues); *cancel* brings the
  agent back to the caller. The agent hanging up while the consulted party is on the
  line completes the transfer, as on a desk phone.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from ccctl.acd import events as ev
from ccctl.acd.errors import InvalidTransitionError
from ccctl.acd.model import TaskSpec, TaskState
from ccctl.ari import events as ari
from ccctl.ari.rest import AriError, AriNotFoundError
from ccctl.config.models import Outbound
from ccctl.voice.flow import Leg, VoiceFlow
from ccctl.voice.operations import detach, serving_agent

log = logging.getLogger(__name__)

OUTSIDE_RING_S = 45


class NumberNotAllowedError(InvalidTransitionError):
    """The number is not one outbound calls may reach (outbound.allow/deny)."""


@dataclass
class Outside:
    """A caller handed to an outside party: no longer in the queues, still ccctl's call."""

    spec: TaskSpec  # to put the caller back in the queue with its place, if unanswered
    caller: str
    far: str
    bridge: str = ""


@dataclass
class Consult:
    caller: str
    agent_leg: str  # the serving agent's channel
    far: str  # the consulted colleague's or outside party's channel
    colleague: str | None  # agent id, or None for an outside number
    number: str = ""
    answered: bool = False


class Transfers:
    def __init__(self, flow: VoiceFlow, outbound: Outbound) -> None:
        self.flow = flow
        self.outbound = outbound
        self.outside: dict[str, Outside] = {}  # task id → call handed outside
        self.consults: dict[str, Consult] = {}  # task id → consultation in progress
        self._serving_agent_gone = flow.leg_roles["agent"]
        flow.stasis_roles.update({"outside": self._outside_answered,
                                  "consult": self._consult_answered})
        flow.leg_roles.update({"agent": self._agent_leg_gone, "outside": self._outside_gone,
                               "outside-caller": self._outside_caller_gone,
                               "consult": self._consult_gone})
        flow.caller_gone_hooks.append(self._caller_hung_up)

    # -- blind, to an outside number ----------------------------------------------------
    async def blind_to_number(self, task_id: str, number: str) -> None:
        self._permitted(number)
        flow = self.flow
        agent = serving_agent(flow, task_id)
        if task_id in self.consults:
            raise InvalidTransitionError(f"call {task_id!r} is in a consultation; "
                                         "complete or cancel it first")
        spec = self._spec(task_id)
        caller = flow.callers[task_id]
        await detach(flow, task_id)
        await flow.record(task_id, "transferred")
        log.info("call %s: transferred by agent %s to an outside number", task_id, agent)
        await flow.feed(ev.CallEnded(task_id=task_id))
        flow.callers.pop(task_id, None)
        flow.legs[caller] = Leg(task_id, "outside-caller")
        far = f"{task_id}-out-{int(flow.now() * 1000)}"
        self.outside[task_id] = Outside(spec, caller, far)
        await self._dial_outside(far, number, f"outside,{task_id}", task_id)

    async def _dial_outside(self, channel: str, number: str, app_args: str,
                            task_id: str) -> None:
        role = app_args.split(",", 1)[0]
        self.flow.legs[channel] = Leg(task_id, role)
        try:
            await self.flow.rest().originate(f"Local/{number}@ccctl-outbound", channel,
                                             app_args=app_args, ring_seconds=OUTSIDE_RING_S)
        except AriError as exc:
            log.info("call %s: could not dial out: %s", task_id, exc)
            leg = self.flow.legs.pop(channel, None)
            if leg is not None:
                await self.flow.leg_roles[role](leg, 34)  # no circuit available

    async def _outside_answered(self, event: ari.StasisStart) -> None:
        leg = self.flow.legs.get(event.channel.id)
        call = self.outside.get(leg.task_id) if leg is not None else None
        if leg is None or call is None:
            await self._hangup(event.channel.id)
            return
        leg.answered = True
        await self._bridge_outside(leg.task_id, call)

    async def _bridge_outside(self, task_id: str, call: Outside) -> None:
        rest = self.flow.rest()
        call.bridge = f"out-{task_id}"
        await rest.create_bridge(call.bridge, "mixing")
        with contextlib.suppress(AriNotFoundError):
            await rest.request("DELETE", f"/channels/{call.caller}/moh")
        await rest.add_to_bridge(call.bridge, call.caller, call.far)
        log.info("call %s: connected to the outside party", task_id)

    async def _outside_gone(self, leg: Leg, cause: int) -> None:
        call = self.outside.get(leg.task_id)
        if call is None:
            return
        if leg.answered:  # the outside party hung up: the call is over
            await self._end_outside(leg.task_id, call, hang_up=call.caller)
            return
        # Not reached: the caller waits again, with the place they had.
        log.info("call %s: the outside party did not answer (cause %d); back to queue %s",
                 leg.task_id, cause, call.spec.queue_id)
        del self.outside[leg.task_id]
        self.flow.legs[call.caller] = Leg(leg.task_id, "caller")
        self.flow.callers[leg.task_id] = call.caller
        await self.flow.feed(ev.TaskArrived(task=call.spec))
        self.flow.announcer.resume(leg.task_id)

    async def _outside_caller_gone(self, leg: Leg, cause: int) -> None:
        call = self.outside.get(leg.task_id)
        if call is not None:
            await self._end_outside(leg.task_id, call, hang_up=call.far)

    async def _end_outside(self, task_id: str, call: Outside, *, hang_up: str) -> None:
        del self.outside[task_id]
        self.flow.announcer.gone(task_id)
        self.flow.legs.pop(hang_up, None)
        await self._hangup(hang_up)
        if call.bridge:
            with contextlib.suppress(AriNotFoundError):
                await self.flow.rest().destroy_bridge(call.bridge)
        log.info("call %s: outside call ended", task_id)

    # -- attended: consultation, then complete or cancel --------------------------------
    async def consult(self, task_id: str, *, agent_id: str | None = None,
                      number: str | None = None) -> None:
        flow = self.flow
        serving = serving_agent(flow, task_id)
        if task_id in self.consults:
            raise InvalidTransitionError(f"call {task_id!r} is already in a consultation")
        if number is not None:
            self._permitted(number)
        elif agent_id is not None:
            await flow.feed(ev.ConsultStarted(task_id=task_id, agent_id=agent_id))
        caller, bridge = flow.callers[task_id], flow.bridges[task_id]
        far = f"{task_id}-consult-{int(flow.now() * 1000)}"
        self.consults[task_id] = Consult(caller, flow.agent_legs[task_id], far, agent_id,
                                         number or "")
        rest = flow.rest()
        await rest.remove_from_bridge(bridge, caller)
        await rest.request("POST", f"/channels/{caller}/moh")
        log.info("call %s: agent %s consults %s; the caller waits on music", task_id,
                 serving, agent_id or "an outside number")
        if number is not None:
            await self._dial_outside(far, number, f"consult,{task_id}", task_id)
            return
        assert agent_id is not None
        flow.legs[far] = Leg(task_id, "consult", agent_id)
        try:
            await rest.originate(f"PJSIP/{agent_id}", far, app_args=f"consult,{task_id}",
                                 ring_seconds=OUTSIDE_RING_S)
        except AriError as exc:
            log.info("call %s: agent %s unreachable: %s", task_id, agent_id, exc)
            leg = flow.legs.pop(far, None)
            if leg is not None:
                await self._consult_gone(leg, 34)

    async def _consult_answered(self, event: ari.StasisStart) -> None:
        leg = self.flow.legs.get(event.channel.id)
        consult = self.consults.get(leg.task_id) if leg is not None else None
        if leg is None or consult is None:
            await self._hangup(event.channel.id)
            return
        leg.answered = consult.answered = True
        await self.flow.rest().add_to_bridge(self.flow.bridges[leg.task_id], consult.far)
        log.info("call %s: consultation connected", leg.task_id)

    async def complete(self, task_id: str) -> None:
        consult = self.consults.get(task_id)
        if consult is None or not consult.answered:
            raise InvalidTransitionError(
                f"call {task_id!r} has no answered consultation to complete")
        flow = self.flow
        del self.consults[task_id]
        flow.legs.pop(consult.agent_leg, None)  # the first agent leaves; the call goes on
        await self._hangup(consult.agent_leg)
        rest = flow.rest()
        if consult.colleague is not None:
            flow.agent_legs[task_id] = consult.far
            flow.legs[consult.far] = Leg(task_id, "agent", consult.colleague, answered=True)
            await flow.feed(ev.ConsultEnded(task_id=task_id, agent_id=consult.colleague,
                                            transferred=True))
            await rest.request("DELETE", f"/channels/{consult.caller}/moh")
            await rest.add_to_bridge(flow.bridges[task_id], consult.caller)
            log.info("call %s: transferred to agent %s", task_id, consult.colleague)
            return
        spec = self._spec(task_id)
        flow.agent_legs.pop(task_id, None)
        with contextlib.suppress(AriNotFoundError):
            await rest.destroy_bridge(flow.bridges.pop(task_id))
        await flow.record(task_id, "transferred")
        await flow.feed(ev.CallEnded(task_id=task_id))
        flow.callers.pop(task_id, None)
        flow.legs[consult.caller] = Leg(task_id, "outside-caller")
        flow.legs[consult.far] = Leg(task_id, "outside", answered=True)
        call = Outside(spec, consult.caller, consult.far)
        self.outside[task_id] = call
        await self._bridge_outside(task_id, call)

    async def cancel(self, task_id: str) -> None:
        consult = self.consults.get(task_id)
        if consult is None:
            raise InvalidTransitionError(f"call {task_id!r} is not in a consultation")
        leg = self.flow.legs.pop(consult.far, None)
        await self._hangup(consult.far)
        await self._consult_gone(leg or Leg(task_id, "consult", consult.colleague), 16)

    async def _consult_gone(self, leg: Leg, cause: int) -> None:
        """The consulted party hung up, did not answer, or the agent cancelled: the agent
        and the caller talk again."""
        consult = self.consults.pop(leg.task_id, None)
        if consult is None:
            return
        flow = self.flow
        if consult.colleague is not None:
            await flow.feed(ev.ConsultEnded(task_id=leg.task_id, agent_id=consult.colleague,
                                            transferred=False))
        bridge = flow.bridges.get(leg.task_id)
        if bridge is None or leg.task_id not in flow.callers:
            return
        rest = flow.rest()
        with contextlib.suppress(AriNotFoundError):
            await rest.request("DELETE", f"/channels/{consult.caller}/moh")
            await rest.add_to_bridge(bridge, consult.caller)
        log.info("call %s: consultation over (cause %d); back with the caller",
                 leg.task_id, cause)

    async def _agent_leg_gone(self, leg: Leg, cause: int) -> None:
        """While a consultation is on, an agent leg of the task is the serving agent's."""
        consult = self.consults.get(leg.task_id)
        if consult is not None and consult.answered:
            log.info("call %s: the agent hung up during the consultation: transfer",
                     leg.task_id)
            await self.complete(leg.task_id)
            return
        if consult is not None:  # hung up before the other party answered: drop the attempt
            await self.cancel(leg.task_id)
        await self._serving_agent_gone(leg, cause)

    async def _caller_hung_up(self, task_id: str) -> None:
        if task_id in self.consults:
            await self.cancel(task_id)

    async def readopt(self, bridges: list[dict[str, Any]]) -> None:
        """After a restart: callers already talking to an outside party stay ccctl's
        (ended together), and are not mistaken for new arrivals. Run before
        :func:`ccctl.voice.resync.reconcile`, which skips channels ccctl knows."""
        for bridge in bridges:
            bridge_id = str(bridge.get("id", ""))
            task_id = bridge_id.removeprefix("out-")
            channels = [str(c) for c in bridge.get("channels", [])]
            if bridge_id == task_id or task_id in self.outside or task_id not in channels:
                continue
            far = next((c for c in channels if c != task_id), "")
            if not far:  # the outside party is gone: the caller's call is over
                await self._hangup(task_id)
                continue
            spec = TaskSpec(id=task_id, queue_id="", entered_at=self.flow.now())
            self.outside[task_id] = Outside(spec, task_id, far, bridge_id)
            self.flow.legs[task_id] = Leg(task_id, "outside-caller")
            self.flow.legs[far] = Leg(task_id, "outside", answered=True)
            log.info("call %s: still with the outside party; re-adopted", task_id)

    # -- helpers --------------------------------------------------------------------------
    def _permitted(self, number: str) -> None:
        if not self.outbound.permits(number):
            raise NumberNotAllowedError(
                f"{number} may not be dialled: outbound calls may reach numbers starting "
                f"with {', '.join(self.outbound.allow)}, except "
                f"{', '.join(self.outbound.deny) or 'none'}")

    def _spec(self, task_id: str) -> TaskSpec:
        task = self.flow.router.core.task(task_id)
        if task.state is not TaskState.IN_SERVICE:
            raise InvalidTransitionError(f"call {task_id!r} is {task.state.value}")
        return TaskSpec(id=task.id, queue_id=task.queue_id, kind=task.kind,
                        skills=dict(task.skills), priority=task.priority,
                        language=task.language, entered_at=task.entered_at,
                        identification=dict(task.identification))

    async def _hangup(self, channel: str) -> None:
        with contextlib.suppress(AriNotFoundError):
            await self.flow.rest().hangup(channel)
