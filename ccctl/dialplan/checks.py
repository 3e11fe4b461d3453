"""Checks that the configuration fits one PBX namespace and its config syntax.

The YAML models validate each item on its own; these checks cover what only
matters once everything lands in one PBX: names shared between agents and
trunks, numbers shared between extensions and entry points, and values that
are copied into .conf files as they are.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter

from ccctl.config.models import ContactCenter, Trunk

# Values copied into pjsip.conf verbatim: allow only what they can legitimately be.
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
_ADDRESS = re.compile(r"[A-Za-z0-9.:-]+(/[0-9.]{1,15})?")
_CODEC = re.compile(r"[a-z0-9_]{1,20}")


class PlanError(ValueError):
    """The configuration cannot be turned into a PBX plan; the message says why."""


def check(cc: ContactCenter) -> None:
    """Raise PlanError naming the field and a fix for the first problem found."""
    _check_conflicts(cc)
    _check_listeners(cc)
    for trunk in cc.trunks:
        _check_trunk(trunk)


def _check_conflicts(cc: ContactCenter) -> None:
    """Names that share one PBX namespace must be unique across the whole config."""
    _unique("agent or trunk id (both become SIP endpoint names)",
            [a.id for a in cc.agents] + [t.id for t in cc.trunks])
    _unique("queue id", [q.id for q in cc.queues])
    _unique("entry point id", [e.id for e in cc.entry_points])
    _unique("agent extension or entry number (both are dialable from agents' phones)",
            [a.extension for a in cc.agents] + [n for e in cc.entry_points for n in e.numbers])


def _check_listeners(cc: ContactCenter) -> None:
    for name in ("sip", "http", "ami"):
        bind = getattr(cc.pbx, name).bind
        try:
            ipaddress.ip_address(bind)
        except ValueError:
            raise PlanError(f"pbx.{name}.bind: {bind!r} is not an IP address; "
                            "use e.g. 127.0.0.1 (loopback) or 0.0.0.0 (all interfaces)") from None


def _check_trunk(trunk: Trunk) -> None:
    if trunk.host is not None and not _HOST.fullmatch(trunk.host):
        raise PlanError(f"trunks.{trunk.id}.host: {trunk.host!r} is not host[:port], "
                        "e.g. sip.operator.example:5060")
    for address in trunk.match:
        if not _ADDRESS.fullmatch(address):
            raise PlanError(f"trunks.{trunk.id}.match: {address!r} is not an IP address, "
                            "network (CIDR) or host name, e.g. 192.0.2.0/24")
    for codec in trunk.codecs:
        if not _CODEC.fullmatch(codec):
            raise PlanError(f"trunks.{trunk.id}.codecs: {codec!r} is not a codec name "
                            "such as alaw, ulaw, g722 or opus")


def _unique(what: str, values: list[str]) -> None:
    twice = sorted(value for value, count in Counter(values).items() if count > 1)
    if twice:
        raise PlanError(f"each {what} must be unique; used more than once: {', '.join(twice)}")
