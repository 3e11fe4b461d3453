"""Fixtures for the generation tests: the example contact center, built in Python.

The configuration mirrors ``config/example/*.yaml`` (Exempelkommun) but is
written here so that generation tests do not depend on the YAML loader, and
so that the golden files change only when generation changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from ccctl.config.models import (
    Agent,
    ContactCenter,
    Destination,
    Device,
    EntryPoint,
    Group,
    Queue,
    ServiceLevel,
    Site,
    Skill,
    Trunk,
)
from ccctl.dialplan import Secrets


def exempelkommun() -> ContactCenter:
    return ContactCenter(
        site=Site(name="Exempelkommun", languages=("sv", "en"), default_language="sv"),
        skills=(
            Skill(id="socialtjanst", name={"sv": "Socialtjänst", "en": "Social services"}),
            Skill(id="bygglov", name={"sv": "Bygglov", "en": "Building permits"}),
            Skill(id="vaxel", name={"sv": "Växel", "en": "Switchboard"}),
            Skill(id="engelska", name={"sv": "Engelska", "en": "English"}),
        ),
        groups=(Group(id="social"), Group(id="samhallsbyggnad"), Group(id="kontaktcenter")),
        agents=(
            Agent(id="agnes", name="Agnes Exempelsson", extension="1001",
                  skills={"socialtjanst": 5, "engelska": 3}, groups=("social",)),
            Agent(id="bertil", name="Bertil Testberg", extension="1002",
                  skills={"socialtjanst": 3}, groups=("social",),
                  contact="sip:bertil@127.0.0.1:5071"),
            Agent(id="cecilia", name="Cecilia Påhittad", extension="1003", device=Device.WEBRTC,
                  skills={"bygglov": 4, "engelska": 4}, groups=("samhallsbyggnad",)),
            Agent(id="david", name="David Fiktivsson", extension="1004",
                  skills={"bygglov": 2, "vaxel": 2}, groups=("samhallsbyggnad",)),
            Agent(id="elin", name="Elin Låtsasdotter", extension="1005", device=Device.WEBRTC,
                  skills={"vaxel": 5, "engelska": 5, "socialtjanst": 1},
                  groups=("kontaktcenter",)),
            Agent(id="fredrik", name="Fredrik Provare", extension="1006",
                  skills={"vaxel": 4, "bygglov": 1}, groups=("kontaktcenter",)),
        ),
        queues=(
            Queue(id="socialtjanst", name={"sv": "Socialtjänst", "en": "Social services"},
                  skills={"socialtjanst": 1},
                  service_level=ServiceLevel(percent=80, within_seconds=60),
                  wrap_up_seconds=60, ring_timeout_seconds=20),
            Queue(id="bygglov", name={"sv": "Bygglov", "en": "Building permits"},
                  skills={"bygglov": 1},
                  service_level=ServiceLevel(percent=80, within_seconds=120),
                  wrap_up_seconds=30),
            Queue(id="vaxel", name={"sv": "Växel", "en": "Switchboard"}, skills={"vaxel": 1},
                  service_level=ServiceLevel(percent=80, within_seconds=20),
                  wrap_up_seconds=10, ring_timeout_seconds=15),
        ),
        entry_points=(
            EntryPoint(id="huvudnummer", name="Exempelkommun huvudnummer",
                       numbers=("+46846500400", "046500400"), language="sv",
                       destination=Destination(queue="vaxel")),
            EntryPoint(id="english", name="Exempelkommun English line",
                       numbers=("+46846500401", "046500401"), language="en",
                       destination=Destination(queue="vaxel")),
        ),
        trunks=(
            Trunk(id="operator", host="sbc.operator.example",
                  match=("192.0.2.10/32", "192.0.2.11/32"), auth=True),
        ),
    )


def fixed_secrets_for(cc: ContactCenter) -> Secrets:
    """Recognisable, fixed secrets so that golden files are stable."""
    return Secrets(
        ami_password="test-ami-secret-0123456789",
        ari_password="test-ari-secret-0123456789",
        agents={a.id: f"test-sip-secret-{a.id}" for a in cc.agents},
        trunks={t.id: f"test-trunk-secret-{t.id}" for t in cc.trunks if t.auth},
    )


@pytest.fixture
def example_cc() -> ContactCenter:
    return exempelkommun()


@pytest.fixture
def fixed_secrets(example_cc: ContactCenter) -> Secrets:
    return fixed_secrets_for(example_cc)


@pytest.fixture
def secrets_for() -> Callable[[ContactCenter], Secrets]:
    return fixed_secrets_for


def setting(text: str, section: str, key: str) -> list[str]:
    """Values of ``key`` in every ``[section]`` of an Asterisk .conf text.

    Lines are split on '\\n' only, as Asterisk's own parser does.
    """
    values, current = [], None
    for raw in text.split("\n"):
        line = raw.split(";", 1)[0].strip()
        if line.startswith("["):
            current = line[1:line.index("]")]
            continue
        match = re.match(r"(\w+)\s*=>?\s*(.*)", line)
        if current == section and match and match[1] == key:
            values.append(match[2])
    return values


@pytest.fixture
def conf_setting() -> Callable[[str, str, str], list[str]]:
    return setting
