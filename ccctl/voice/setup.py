"""The contact center's YAML, as the routing core needs it."""

from __future__ import annotations

from ccctl.acd.model import AgentProfile, QueueConfig, RouterConfig, ServiceLevelTarget
from ccctl.config.models import ContactCenter


def router_config(cc: ContactCenter) -> RouterConfig:
    return RouterConfig(timezone=cc.site.timezone)


def queue_configs(cc: ContactCenter) -> list[QueueConfig]:
    return [
        QueueConfig(
            id=q.id,
            skills=dict(q.skills),
            service_level=ServiceLevelTarget(percent=q.service_level.percent,
                                             within_s=q.service_level.within_seconds),
            wrap_up_s=q.wrap_up_seconds,
            ring_timeout_s=q.ring_timeout_seconds,
        )
        for q in cc.queues
    ]


def agent_profiles(cc: ContactCenter) -> dict[str, AgentProfile]:
    every_language = frozenset(cc.site.languages)
    return {
        a.id: AgentProfile(skills=dict(a.skills), groups=frozenset(a.groups),
                           languages=frozenset(a.languages) or every_language)
        for a in cc.agents
    }
