"""Agents working from a desk phone: log in, log out, pause and ready by dialling a code.

The generated ``[ccctl-agents]`` context sends ``*50`` … ``*53`` (see
``pbx.agent_codes``) to ``Stasis(<app>,phone,<command>)``. The agent is the phone's
own endpoint — nobody can log another agent in from their phone. ccctl sets
``CCCTL_RESULT`` (``ok`` or ``error``) and hands the channel back to the dialplan,
which plays the confirmation; without the daemon the dialplan plays an error.
"""

from __future__ import annotations

import logging

from ccctl.acd import events as ev
from ccctl.acd.errors import AcdError
from ccctl.acd.model import AgentProfile
from ccctl.ari import events as ari
from ccctl.ari.rest import AriError
from ccctl.voice.flow import VoiceFlow

log = logging.getLogger(__name__)

PAUSE_REASON = "phone"


def endpoint_of(channel_name: str) -> str:
    """``PJSIP/fredrik-0000002a`` → ``fredrik``."""
    _, _, rest = channel_name.partition("/")
    return rest.rsplit("-", 1)[0]


class PhoneCommands:
    def __init__(self, flow: VoiceFlow, profiles: dict[str, AgentProfile]) -> None:
        self.flow = flow
        self.profiles = profiles
        flow.stasis_roles["phone"] = self.on_command

    async def on_command(self, event: ari.StasisStart) -> None:
        agent_id = endpoint_of(event.channel.name)
        command = event.args[1]
        result = "error"
        try:
            await self.flow.feed(self._event(agent_id, command))
            result = "ok"
            log.info("agent %s: %s from the phone", agent_id, command)
        except (AcdError, ValueError) as exc:
            log.info("agent %s: %s from the phone refused: %s", agent_id, command, exc)
        rest = self.flow.rest()
        try:
            await rest.set_variable(event.channel.id, "CCCTL_RESULT", result)
            await rest.continue_in_dialplan(event.channel.id)
        except AriError as exc:  # the phone hung up meanwhile
            log.info("agent %s: could not confirm %s: %s", agent_id, command, exc)

    def _event(self, agent_id: str, command: str) -> ev.Event:
        profile = self.profiles.get(agent_id)
        if profile is None:
            raise ValueError(f"endpoint {agent_id!r} is not an agent in the configuration")
        events: dict[str, ev.Event] = {
            "login": ev.AgentLogin(agent_id=agent_id, profile=profile),
            "logout": ev.AgentLogout(agent_id=agent_id),
            "pause": ev.AgentPause(agent_id=agent_id, reason=PAUSE_REASON),
            "ready": ev.AgentReady(agent_id=agent_id),
        }
        if command not in events:
            raise ValueError(f"unknown phone command {command!r}")
        return events[command]
