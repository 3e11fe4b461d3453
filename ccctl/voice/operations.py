"""What an agent (or supervisor) does to a call in progress: hold it in the agent's
personal queue, transfer it to a queue or to a colleague, hang up.

The caller never leaves ccctl's queue model: a parked or transferred call waits
again with its original entry time (one waiting-position model). The agent's
phone leg is ended quietly — it is not the end of the caller's call.
"""

from __future__ import annotations

import contextlib
import logging

from ccctl.acd import events as ev
from ccctl.acd.errors import InvalidTransitionError
from ccctl.acd.model import TaskState
from ccctl.ari.rest import AriNotFoundError
from ccctl.voice.flow import VoiceFlow

log = logging.getLogger(__name__)


def serving_agent(flow: VoiceFlow, task_id: str) -> str:
    """The agent serving ``task_id``; an error that says why not otherwise."""
    task = flow.router.core.task(task_id)
    if task.state is not TaskState.IN_SERVICE or task.agent_id is None:
        raise InvalidTransitionError(
            f"call {task_id!r} is {task.state.value}, not connected to an agent")
    return task.agent_id


async def detach(flow: VoiceFlow, task_id: str) -> None:
    """Take the caller out of the call with the agent, back to music on hold."""
    rest = flow.rest()
    caller = flow.callers.get(task_id)
    bridge = flow.bridges.pop(task_id, None)
    agent_leg = flow.agent_legs.pop(task_id, None)
    if agent_leg is not None:
        flow.legs.pop(agent_leg, None)  # its end is not the end of the caller's call
    if bridge is not None:
        with contextlib.suppress(AriNotFoundError):
            await rest.destroy_bridge(bridge)
    if caller is not None:
        await rest.request("POST", f"/channels/{caller}/moh")
    if agent_leg is not None:
        with contextlib.suppress(AriNotFoundError):
            await rest.hangup(agent_leg)


async def park(flow: VoiceFlow, task_id: str) -> None:
    """The serving agent holds the call in their personal queue."""
    agent = serving_agent(flow, task_id)
    await detach(flow, task_id)
    log.info("call %s: held in agent %s's personal queue", task_id, agent)
    await flow.feed(ev.ParkPersonal(task_id=task_id, agent_id=agent))
    flow.announcer.resume(task_id)


async def transfer_to_queue(flow: VoiceFlow, task_id: str, queue_id: str) -> None:
    """Blind transfer into a queue; the caller keeps the original entry time."""
    flow.router.core.queue(queue_id)  # unknown queue: refused before anything happens
    serving_agent(flow, task_id)
    await detach(flow, task_id)
    log.info("call %s: transferred to queue %s", task_id, queue_id)
    await flow.feed(ev.Requeue(task_id=task_id, queue_id=queue_id))
    flow.announcer.resume(task_id)


async def transfer_to_agent(flow: VoiceFlow, task_id: str, agent_id: str) -> None:
    """Blind transfer to a colleague: the call waits in their personal queue."""
    flow.router.core.agent(agent_id)  # not logged in: refused before anything happens
    serving_agent(flow, task_id)
    await detach(flow, task_id)
    log.info("call %s: transferred to agent %s", task_id, agent_id)
    await flow.feed(ev.Requeue(task_id=task_id))
    await flow.feed(ev.ParkPersonal(task_id=task_id, agent_id=agent_id))
    flow.announcer.resume(task_id)


async def hang_up(flow: VoiceFlow, task_id: str) -> None:
    """End the caller's call (the usual hang-up events record and settle it)."""
    caller = flow.callers.get(task_id)
    if caller is None:
        raise InvalidTransitionError(f"call {task_id!r} has no caller channel in ccctl")
    with contextlib.suppress(AriNotFoundError):
        await flow.rest().hangup(caller)
