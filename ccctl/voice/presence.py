"""Agents' phones online or offline, as Asterisk sees them (qualify, registration).

A logged-in agent whose phone goes offline is paused with the reason ``phone
offline`` instead of being offered calls that cannot ring; when the phone is back
the agent is made ready again — unless someone paused them for another reason
meanwhile. Asterisk is asked for every endpoint's state after each (re)connect, so
a phone that went away while ccctl was disconnected is noticed too.
"""

from __future__ import annotations

import logging

from ccctl.acd import events as ev
from ccctl.acd.errors import AcdError
from ccctl.acd.model import AgentState
from ccctl.ari import events as ari
from ccctl.ari.rest import AriRest
from ccctl.voice.flow import VoiceFlow

log = logging.getLogger(__name__)

PHONE_OFFLINE = "phone offline"
# Device states as reachability: a phone that is in use, ringing or on hold is there.
_ONLINE = {"UNAVAILABLE": "offline", "NOT_INUSE": "online", "INUSE": "online",
           "BUSY": "online", "RINGING": "online", "RINGINUSE": "online", "ONHOLD": "online"}


class Presence:
    def __init__(self, flow: VoiceFlow, agents: set[str]) -> None:
        self.flow = flow
        self.agents = agents  # endpoint names of configured agents (PJSIP/<agent id>)
        self.states: dict[str, str] = {}
        flow.ari_handlers[ari.DeviceStateChanged] = self.on_device_state

    async def resync(self, rest: AriRest, app: str) -> None:
        """Subscribe to the agents' device states, then apply every phone's state now.

        Device states, not ``endpoint:PJSIP``: an endpoint subscription also forwards
        every event of every channel on those endpoints, so each of a caller's events
        (keys pressed included) would arrive twice."""
        if self.agents:
            await rest.request("POST", f"/applications/{app}/subscription",
                               eventSource=",".join(f"deviceState:PJSIP/{agent}"
                                                    for agent in sorted(self.agents)))
        for endpoint in await rest.endpoints():
            if endpoint.get("technology") == "PJSIP":
                await self._apply(str(endpoint.get("resource", "")),
                                  str(endpoint.get("state", "unknown")))

    async def on_device_state(self, event: ari.DeviceStateChanged) -> None:
        technology, _, agent_id = event.device.partition("/")
        if technology == "PJSIP":
            await self._apply(agent_id, _ONLINE.get(event.state, "unknown"))

    async def _apply(self, agent_id: str, state: str) -> None:
        if agent_id not in self.agents or state not in ("online", "offline"):
            return
        before = self.states.get(agent_id)
        self.states[agent_id] = state
        agent = self.flow.router.core.agents.get(agent_id)
        if agent is None:
            return
        try:
            if state == "offline" and agent.state is AgentState.AVAILABLE:
                log.info("agent %s: phone offline; paused until it is back", agent_id)
                await self.flow.feed(ev.AgentPause(agent_id=agent_id, reason=PHONE_OFFLINE))
            elif (state == "online" and agent.state is AgentState.PAUSED
                  and agent.pause_reason == PHONE_OFFLINE):
                log.info("agent %s: phone back online; ready again", agent_id)
                await self.flow.feed(ev.AgentReady(agent_id=agent_id))
            elif state != before:
                log.info("agent %s: phone %s", agent_id, state)
        except AcdError as exc:  # the agent changed state meanwhile; nothing to undo
            log.info("agent %s: phone %s not applied: %s", agent_id, state, exc)
