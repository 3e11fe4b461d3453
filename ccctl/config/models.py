"""Validated, frozen models of a contact center described in YAML.

Every model forbids unknown keys and is immutable once built. Cross-references
(a queue naming a skill, an entry point naming a queue) are checked by
:func:`ccctl.config.crossref.check` after the models are built, so that each
error can point at the YAML node that holds the bad reference.
"""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ccctl.config.types import (
    DialString,
    DtmfKey,
    E164Number,
    E164Prefix,
    Extension,
    Id,
    LanguageCode,
    LocalizedText,
    PhoneCode,
    Port,
    Seconds,
    SkillLevel,
)
from ccctl.hours.models import Schedule
from ccctl.ident.models import Directory, NumberRule
from ccctl.menus.models import Action, Menu
from ccctl.prompts.models import Prompt

# The shared annotated types live in ccctl.config.types; re-exported here.
from ccctl.sms.config import SmsConfig
from ccctl.sms.errors import InvalidMessageError
from ccctl.sms.models import validate_e164
from ccctl.voicemail.config import EmailAddress, SmtpConfig, VoicemailNotify
from ccctl.web.ui.config import Wallboard

__all__ = [
    "CLOSED_ACTIONS", "NO_AGENTS_ACTIONS", "Action", "Agent", "ContactCenter", "Destination",
    "Device", "DialString", "EntryPoint", "Extension", "Group", "Id", "LanguageCode", "Listener",
    "LocalizedText", "Menu", "Model", "Pbx", "Port", "Queue", "Schedule", "Seconds",
    "ServiceLevel", "Site", "Skill", "SkillLevel", "SmtpConfig", "Trunk", "VoicemailNotify",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Site(Model):
    """Who the contact center is and which languages it speaks."""

    name: str = Field(min_length=1, max_length=100, description="Organisation name")
    languages: tuple[LanguageCode, ...] = Field(
        min_length=1, description="Languages offered to callers, in menu order"
    )
    default_language: LanguageCode = Field(description="Fallback language for every prompt")
    timezone: str = Field(
        default="Europe/Stockholm", description="IANA time zone for opening hours and reports"
    )

    # Field validators (not one model validator) so that errors point at the field.
    @field_validator("languages")
    @classmethod
    def _each_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("languages lists a language twice")
        return value

    @field_validator("default_language")
    @classmethod
    def _default_is_offered(cls, value: str, info: ValidationInfo) -> str:
        languages = info.data.get("languages")
        if languages is not None and value not in languages:
            raise ValueError(
                f"default_language {value!r} is not one of languages {list(languages)}"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as "
                             "'Europe/Stockholm'") from None
        return value


class Skill(Model):
    """Something an agent can do and a queue can require, e.g. a subject or a language."""

    id: Id = Field(description="Unique skill id, used by agents and queues")
    name: LocalizedText = Field(default_factory=dict, description="Display name per language")


class Group(Model):
    """A team of agents (e.g. one department); used for widening rules and views."""

    id: Id = Field(description="Unique group id, used by agents")
    name: LocalizedText = Field(default_factory=dict, description="Display name per language")


class Device(StrEnum):
    SIP = "sip"
    WEBRTC = "webrtc"


class Agent(Model):
    """A person who answers calls, with the phone they answer on."""

    id: Id = Field(description="Unique agent id")
    name: str = Field(min_length=1, max_length=100, description="Full name, shown to colleagues")
    extension: Extension = Field(description="Internal extension, unique among agents")
    device: Device = Field(default=Device.SIP, description="sip (desk/soft phone) or webrtc")
    skills: dict[Id, SkillLevel] = Field(default_factory=dict, description="skill id → level")
    groups: tuple[Id, ...] = Field(default=(), description="Ids of the groups the agent is in")
    languages: tuple[LanguageCode, ...] = Field(
        default=(), description="Languages the agent speaks; empty = every site language"
    )
    contact: str | None = Field(
        default=None,
        pattern=r"^sip:[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?$",
        description="Static SIP contact (for phones that do not register)",
    )
    email: EmailAddress | None = Field(
        default=None, description="E-mail address for notices (voicemail)")
    mobile: E164Number | None = Field(
        default=None, description="Mobile number in E.164, e.g. +46701740605, for SMS "
        "notices (voicemail)")

    @field_validator("mobile")
    @classmethod
    def _real_number(cls, value: str | None) -> str | None:
        # The pattern admits any digits; the SMS gateway wants a number that exists.
        if value is not None:
            try:
                validate_e164(value, "mobile")
            except InvalidMessageError as exc:
                raise ValueError(str(exc)) from None
        return value


class ServiceLevel(Model):
    """E.g. 80 % of calls answered within 20 s."""

    percent: float = Field(gt=0, le=100, description="Share of calls to answer in time, %")
    within_seconds: int = Field(gt=0, le=3600, description="Answer-time target in seconds")


class Announcements(Model):
    """What a waiting caller is told, in their language, by the ccctl daemon.

    Recomputed for each caller every time: their own position, and the expected
    wait from their position, the agents who can take the call and recent
    handle times (see docs/ewt.md).
    """

    first_after_seconds: int = Field(
        default=20, ge=0, le=3600, description="Wait this long before the first announcement")
    every_seconds: int = Field(
        default=60, ge=0, le=3600, description="Repeat this often; 0 = only once")
    position: bool = Field(default=True, description='Say the position: "Du är nummer 3 i kön"')
    expected_wait: bool = Field(
        default=True, description='Say the expected wait in whole minutes ("mer än" when unsure)')
    agents_answering: bool = Field(
        default=False, description='Say how many agents are answering ("Det finns 4 …")')


class CallbackMode(StrEnum):
    AGENT_FIRST = "agent_first"
    CUSTOMER_FIRST = "customer_first"


class Callback(Model):
    """Callbacks in a queue: the caller presses a key, confirms or enters a number and
    hangs up; they keep their place, and ccctl calls them back at their turn."""

    key: DtmfKey = Field(default="1", description="Key a waiting caller presses for it")
    mode: CallbackMode = Field(
        default=CallbackMode.AGENT_FIRST,
        description="agent_first: the agent answers, then ccctl dials the citizen; "
        "customer_first: the citizen answers, then an agent is rung",
    )
    attempts: int = Field(default=3, ge=1, le=10, description="Calls to the citizen at most")
    retry_seconds: int = Field(
        default=300, ge=1, le=86_400, description="Wait between attempts")
    ring_seconds: int = Field(
        default=30, ge=5, le=120, description="Ring the citizen this long per attempt")
    hours: Id | None = Field(
        default=None, description="Schedule (hours id) when callbacks are dialled; a callback "
        "asked for outside it is booked for the next opening; default: any time")
    caller_id: E164Number | None = Field(
        default=None, description="Number the citizen sees; default: the trunk's")


class Queue(Model):
    """Where calls wait for an agent with the required skills."""

    id: Id = Field(description="Unique queue id, used by entry points")
    name: LocalizedText = Field(default_factory=dict, description="Display name per language")
    skills: dict[Id, SkillLevel] = Field(
        default_factory=dict, description="Required skill id → minimum level"
    )
    service_level: ServiceLevel = Field(
        default=ServiceLevel(percent=80, within_seconds=20),
        description="Target for the wallboard and reports",
    )
    wrap_up_seconds: Seconds = Field(
        default=30, description="After-call work time before the agent is offered a new call"
    )
    ring_timeout_seconds: int = Field(
        default=20, ge=5, le=300, description="Ring an agent this long before trying the next"
    )
    priority: int = Field(default=0, ge=0, le=100, description="Higher is served first")
    no_agents: Action | None = Field(
        default=None,
        description="When no agent is logged in: message, voicemail, callback, queue "
        "(overflow to another queue) or wait (keep waiting); default: the call ends",
    )
    announcements: Announcements | None = Field(
        default_factory=Announcements,
        description="Periodic announcements while the caller waits (null: none)",
    )
    callback: Callback | None = Field(
        default=None, description="Offer waiting callers a callback that keeps their place")
    voicemail: VoicemailNotify | None = Field(
        default=None, description="Who is told of messages left in this queue's mailbox "
        "(a voicemail action with mailbox: <this id>), by SMS and e-mail")

    @field_validator("no_agents")
    @classmethod
    def _no_agents_kind(cls, value: Action | None) -> Action | None:
        _allowed(value, NO_AGENTS_ACTIONS, "no_agents")
        return value


class Destination(Model):
    """Where an entry point sends its calls."""

    queue: Id = Field(description="Queue id")


class EntryPoint(Model):
    """A number callers dial, and where its calls go."""

    id: Id = Field(description="Unique entry-point id")
    name: str = Field(default="", max_length=100, description="Human-readable name")
    numbers: tuple[DialString, ...] = Field(min_length=1, description="Numbers/DIDs that reach it")
    language: LanguageCode | None = Field(
        default=None, description="Language of this number; default: site default_language"
    )
    destination: Destination | None = Field(
        default=None, description="Where the calls go when there is no menu"
    )
    hours: Id | None = Field(
        default=None, description="Opening-hours schedule id; default: always open"
    )
    closed: Action | None = Field(
        default=None,
        description="When closed: message, voicemail, callback or transfer (needs 'hours')",
    )
    storm: bool = Field(
        default=True, description="Play a storm message set with 'ccctl storm set' for this "
        "entry point or for all"
    )
    anumber_directory: Id | None = Field(
        default=None,
        description="Directory id: look the caller's number up before the greeting (name, "
        "routing; a record's language skips the language menu)",
    )
    greeting: Id | None = Field(
        default=None, description="Prompt id played after the opening-hours check"
    )
    language_menu: Id | None = Field(
        default=None, description="Menu id of a language menu (options of action language)"
    )
    menu: Id | dict[LanguageCode, Id] | None = Field(
        default=None,
        description="Menu id, or a menu id per language; languages not listed use the "
        "site default_language's menu",
    )
    voicemail: VoicemailNotify | None = Field(
        default=None, description="Who is told of messages left in this entry point's "
        "mailbox (a voicemail action with mailbox: <this id>), by SMS and e-mail")

    @field_validator("closed")
    @classmethod
    def _closed_kind(cls, value: Action | None) -> Action | None:
        _allowed(value, CLOSED_ACTIONS, "closed")
        return value

    @model_validator(mode="after")
    def _goes_somewhere(self) -> EntryPoint:
        if self.destination is None and self.menu is None:
            raise ValueError("an entry point needs 'destination: {queue: ...}' or a 'menu'")
        if self.hours is not None and self.closed is None:
            raise ValueError(f"entry point {self.id!r} has hours but no 'closed' action; add "
                             "e.g. closed: {action: message, prompt: stangt}")
        return self


class Trunk(Model):
    """A SIP trunk (operator). Inbound calls are identified by source address."""

    id: Id = Field(description="Unique trunk id")
    host: str | None = Field(
        default=None, description="Outbound proxy host[:port]; none = inbound only"
    )
    match: tuple[str, ...] = Field(
        default=(), description="Source addresses (CIDR) that identify this trunk"
    )
    auth: bool = Field(
        default=True, description="Challenge inbound calls with a generated secret"
    )
    codecs: tuple[str, ...] = Field(
        default=("alaw", "ulaw"), description="Asterisk codec names, in order of preference"
    )

    @model_validator(mode="after")
    def _identified_somehow(self) -> Trunk:
        if not self.match and not self.auth:
            raise ValueError("a trunk needs 'match' addresses or 'auth: true'; otherwise "
                             "anyone could call in through it")
        return self


class Outbound(Model):
    """Calls ccctl places outside: transfers to external numbers (and callbacks later).

    Agents may dial only numbers that start with an ``allow`` prefix and with no
    ``deny`` prefix (E.164, longest match not needed: any deny wins), so a transfer
    cannot reach premium-rate or foreign numbers by mistake or on purpose.
    """

    trunk: Id | None = Field(
        default=None, description="Trunk to dial out through; default: the first with a host"
    )
    allow: tuple[E164Prefix, ...] = Field(
        default=("+46",), description="E.164 prefixes that may be dialled"
    )
    deny: tuple[E164Prefix, ...] = Field(
        default=("+46900", "+46939", "+46944"),
        description="E.164 prefixes that may never be dialled (default: Swedish premium rate)",
    )

    def permits(self, number: str) -> bool:
        return (any(number.startswith(p) for p in self.allow)
                and not any(number.startswith(p) for p in self.deny))


class DirectoryEntry(Model):
    """Someone outside the queues that agents transfer callers to, found by name."""

    id: Id = Field(description="Unique entry id")
    name: LocalizedText = Field(description="Name per language, searched by agents")
    number: E164Number = Field(description="Number in E.164, e.g. +46846500499")
    note: str = Field(default="", max_length=200, description="Shown to agents, e.g. hours")


class Listener(Model):
    """An address and port Asterisk listens on."""

    bind: str = Field(default="127.0.0.1", description="Address to listen on")
    port: Port = Field(description="Port to listen on")


class AgentCodes(Model):
    """What agents dial from a desk phone to log in, log out, pause and become ready."""

    login: PhoneCode = Field(default="*50", description="Log in (and become ready)")
    logout: PhoneCode = Field(default="*51", description="Log out")
    pause: PhoneCode = Field(default="*52", description="Pause (reason: phone)")
    ready: PhoneCode = Field(default="*53", description="End a pause or wrap-up")

    @model_validator(mode="after")
    def _distinct(self) -> AgentCodes:
        codes = [self.login, self.logout, self.pause, self.ready]
        if len(set(codes)) != len(codes):
            raise ValueError(f"agent codes must differ (got {', '.join(codes)})")
        return self


class Pbx(Model):
    """Where Asterisk listens. Defaults keep every interface on loopback."""

    sip: Listener = Field(default=Listener(port=5060), description="SIP (UDP and TCP)")
    http: Listener = Field(
        default=Listener(port=8088), description="Asterisk HTTP: ARI and WebRTC websocket"
    )
    ami: Listener = Field(default=Listener(port=5038), description="Asterisk Manager Interface")
    rtp_start: Port = Field(default=10000, description="First UDP port for media")
    rtp_end: Port = Field(default=10999, description="Last UDP port for media")
    stasis_app: Id = Field(default="ccctl", description="ARI application name of the daemon")
    prompts_dir: str = Field(
        default="${ASTVARLIBDIR}/ccctl/prompts",
        description="Prompt directory as Asterisk sees it (<dir>/<lang>/<prompt>.wav); "
        "may start with ${ASTVARLIBDIR} or ${ASTDATADIR}",
    )
    agi: Listener = Field(
        default=Listener(port=4573), description="ccctl's FastAGI server (identification)"
    )
    templates_dir: str | None = Field(
        default=None, description="Directory searched for operator overrides of the templates"
    )
    agent_codes: AgentCodes = Field(
        default=AgentCodes(), description="Codes agents dial to log in, out, pause, ready"
    )
    voicemail_spool: str = Field(
        default="/var/spool/asterisk/voicemail", min_length=1,
        description="Asterisk's voicemail spool as the ccctl daemon sees it (absolute, or "
        "relative to the main file); sandbox:NAME: that of the sandbox instance NAME",
    )

    @model_validator(mode="after")
    def _rtp_range(self) -> Pbx:
        if self.rtp_end <= self.rtp_start:
            raise ValueError("rtp_end must be above rtp_start")
        return self


class ContactCenter(Model):
    """The whole configuration, after includes are merged."""

    site: Site = Field(description="Who the contact center is and which languages it speaks")
    pbx: Pbx = Field(default=Pbx(), description="Where Asterisk listens")
    skills: tuple[Skill, ...] = Field(default=(), description="Skills agents have, queues need")
    groups: tuple[Group, ...] = Field(default=(), description="Teams of agents")
    agents: tuple[Agent, ...] = Field(default=(), description="People who answer calls")
    queues: tuple[Queue, ...] = Field(min_length=1, description="Where calls wait for agents")
    entry_points: tuple[EntryPoint, ...] = Field(
        min_length=1, description="Numbers callers dial"
    )
    trunks: tuple[Trunk, ...] = Field(default=(), description="SIP trunks to operators")
    outbound: Outbound = Field(
        default=Outbound(), description="Which numbers agents may transfer callers to"
    )
    directory: tuple[DirectoryEntry, ...] = Field(
        default=(), description="Transfer targets outside the queues (departments, partners)"
    )
    sms: SmsConfig | None = Field(
        default=None, description="SMS provider and texts (callbacks, voicemail); see docs/sms.md"
    )
    smtp: SmtpConfig | None = Field(
        default=None, description="Mail relay for voicemail notices; see docs/voicemail.md"
    )
    wallboard: Wallboard = Field(
        default=Wallboard(), description="Wallboard tiles and colours (the web UI's /wallboard)"
    )
    prompts: tuple[Prompt, ...] = Field(default=(), description="What callers hear")
    menus: tuple[Menu, ...] = Field(default=(), description="DTMF menus and language menus")
    hours: tuple[Schedule, ...] = Field(default=(), description="Opening-hours schedules")
    directories: tuple[Directory, ...] = Field(
        default=(), description="Where caller records are looked up (identification)"
    )
    number_rules: tuple[NumberRule, ...] = Field(
        default=(), description="What entered case or customer numbers must look like"
    )


CLOSED_ACTIONS = ("message", "voicemail", "callback", "transfer")
NO_AGENTS_ACTIONS = ("message", "voicemail", "callback", "queue", "wait")


def _allowed(action: Action | None, kinds: tuple[str, ...], where: str) -> None:
    if action is not None and action.action not in kinds:
        raise ValueError(f"action {action.action!r} is not possible as {where}; "
                         f"use one of {', '.join(kinds)}")
