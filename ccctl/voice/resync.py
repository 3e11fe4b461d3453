"""After every ARI (re)connect — and after a daemon restart — make the routing core and
Asterisk agree again. Asterisk is the source of truth for channels; the core (restored
from the journal) is the source of truth for places in the queue.

* a caller still in Stasis that the core knows is re-adopted with its original place;
* a caller in Stasis that the core does not know (the daemon died before journaling
  it) arrives now, keeping the channel's creation time as its entry time;
* a task whose caller is gone ended while ccctl was away: abandoned, or ended;
* an offer whose agent leg is gone failed; a call whose bridge survived goes on.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import Any

from ccctl.acd import events as ev
from ccctl.acd.errors import AcdError
from ccctl.acd.model import TaskKind, TaskSpec, TaskState
from ccctl.ari.rest import AriNotFoundError, AriRest
from ccctl.voice.arrival import Arrival, parse_args
from ccctl.voice.flow import Leg, VoiceFlow

log = logging.getLogger(__name__)


def _stasis_args(channel: dict[str, Any], app: str) -> list[str] | None:
    dialplan = channel.get("dialplan") or {}
    if str(dialplan.get("app_name", "")).lower() != "stasis":
        return None
    args = str(dialplan.get("app_data", "")).split(",")
    return args[1:] if args and args[0] == app else None


def _created(channel: dict[str, Any]) -> float | None:
    try:
        return datetime.strptime(str(channel["creationtime"]),
                                 "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    except (KeyError, ValueError):
        return None


async def reconcile(flow: VoiceFlow, rest: AriRest, app: str) -> None:
    channels = {c["id"]: c for c in await rest.channels()}
    bridged = {ch for b in await rest.bridges() for ch in b.get("channels", [])}
    core = flow.router.core
    for channel_id, channel in channels.items():
        args = _stasis_args(channel, app)
        if args and args[0] == "queue" and len(args) > 1 and channel_id not in flow.legs:
            await _adopt_caller(flow, rest, channel, parse_args(args), channel_id in core.tasks)
    for task_id in list(core.tasks):
        task = core.tasks[task_id]
        if task.kind is TaskKind.CALLBACK and task_id not in channels:
            await _callback(flow, rest, task_id, task.state, channels)
        elif task_id not in channels:
            await _caller_gone(flow, task_id, task.state)
        elif task.state in (TaskState.OFFERED, TaskState.IN_SERVICE):
            await _adopt_agent_leg(flow, task_id, task.agent_id, channels, bridged)


async def _adopt_caller(flow: VoiceFlow, rest: AriRest, channel: dict[str, Any],
                        arrival: Arrival, known: bool) -> None:
    channel_id = channel["id"]
    language = str(channel.get("language") or "")
    flow.legs[channel_id] = Leg(channel_id, "caller")
    flow.callers[channel_id] = channel_id
    if known:
        log.info("call %s: re-adopted, still waiting with its place", channel_id)
    else:
        log.info("call %s: found in Stasis unknown to the core; queueing it now", channel_id)
        await rest.request("POST", f"/channels/{channel_id}/moh")
        await _feed(flow, ev.TaskArrived(task=TaskSpec(
            id=channel_id, queue_id=arrival.queue, skills=arrival.skills,
            priority=arrival.priority, language=language or None,
            identification=arrival.identification, entered_at=_created(channel))))
    flow.announcer.waiting(channel_id, channel_id, arrival.queue, arrival.prompts, language)


async def _callback(flow: VoiceFlow, rest: AriRest, task_id: str, state: TaskState,
                    channels: dict[str, dict[str, Any]]) -> None:
    """A callback has no caller channel while it waits: it keeps its place. One whose
    attempt was under way when ccctl went away is made again (that attempt's legs are
    hung up first, so the citizen is never called twice at once)."""
    if state not in (TaskState.OFFERED, TaskState.IN_SERVICE):
        return
    for channel in channels:
        if channel.startswith((f"{task_id}-cb", f"{task_id}-to-")):
            with contextlib.suppress(AriNotFoundError):
                await rest.hangup(channel)
    log.info("call %s: the callback attempt under way when ccctl went away is made again",
             task_id)
    await _feed(flow, ev.Defer(task_id=task_id, until=flow.now()))


async def _caller_gone(flow: VoiceFlow, task_id: str, state: TaskState) -> None:
    log.info("call %s: the caller left while ccctl was away", task_id)
    flow.callers.pop(task_id, None)
    flow.legs.pop(task_id, None)
    in_service = state is TaskState.IN_SERVICE
    await flow.record(task_id, "answered" if in_service else "abandoned")
    event: ev.Event = (ev.CallEnded(task_id=task_id) if in_service
                       else ev.Abandoned(task_id=task_id))
    await _feed(flow, event)


async def _adopt_agent_leg(flow: VoiceFlow, task_id: str, agent_id: str | None,
                           channels: dict[str, dict[str, Any]], bridged: set[str]) -> None:
    if agent_id is None or task_id in flow.agent_legs:
        return
    prefix = f"{task_id}-to-{agent_id}-"
    leg_id = next((c for c in channels if c.startswith(prefix)), None)
    if leg_id is None:
        log.info("call %s: the offer to %s ended while ccctl was away", task_id, agent_id)
        await _feed(flow, ev.OfferFailed(task_id=task_id, agent_id=agent_id,
                                         reason="unreachable"))
        return
    answered = leg_id in bridged or _stasis_args(channels[leg_id], "") is not None
    flow.legs[leg_id] = Leg(task_id, "agent", agent_id, answered=answered)
    flow.agent_legs[task_id] = leg_id
    if task_id in bridged:
        flow.bridges[task_id] = f"call-{task_id}"
    log.info("call %s: re-adopted the leg to agent %s", task_id, agent_id)


async def _feed(flow: VoiceFlow, event: ev.Event) -> None:
    try:
        await flow.feed(event)
    except AcdError as exc:
        log.warning("resync: %s rejected: %s", type(event).__name__, exc)
