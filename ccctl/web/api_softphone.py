"""The browser softphone's settings for one WebRTC agent (docs/softphone.md).

Only the agent's own session or token (or a supervisor's) gets them — the route's
access class is ``own agent`` — and only for an agent whose device is ``webrtc``:
the SIP password of a desk phone is never handed to a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from ccctl.config.models import ContactCenter, Device
from ccctl.dialplan import Secrets


@dataclass(frozen=True)
class SoftphoneServices:
    cc: ContactCenter
    secrets: Secrets


SOFTPHONE = web.AppKey("softphone", SoftphoneServices)


async def settings(request: web.Request) -> web.Response:
    services = request.app.get(SOFTPHONE)
    agent_id = request.match_info["agent"]
    agent = next((a for a in services.cc.agents if a.id == agent_id), None) \
        if services is not None else None
    if services is None or agent is None or agent.device is not Device.WEBRTC:
        return web.json_response(
            {"error": f"agent {agent_id!r} has no WebRTC softphone (device: webrtc in the "
                      "configuration)"}, status=404)
    http = services.cc.pbx.http
    host = "127.0.0.1" if http.bind in ("0.0.0.0", "") else http.bind
    return web.json_response({
        "ws_url": f"ws://{host}:{http.port}/ws", "sip_uri": f"sip:{agent.id}@{host}",
        "display_name": agent.name, "password": services.secrets.agent(agent.id)},
        headers={"Cache-Control": "no-store"})
