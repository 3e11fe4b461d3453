"""SMS texts from per-language templates, rendered in a Jinja sandbox.

Each kind of message has a typed context (:class:`CallbackUnreachable`,
:class:`VoicemailNotice`) whose variables are the only names a template may
use; :func:`check_template` enforces that when the configuration is loaded,
so a typo fails at ``ccctl check``, not when the first citizen is missed.
Errors name the template (``callback_unreachable.sv``) and what is wrong.

>>> from datetime import UTC, datetime
>>> templates = SmsTemplates({"voicemail": {"sv": "Röstmeddelande i {{ queue }} kl. {{ time }}"}},
...                          default_language="sv", timezone="Europe/Stockholm")
>>> notice = VoicemailNotice(queue="Växeln", organisation="Exempelby kommun", caller="",
...                          received_at=datetime(2025, 3, 4, 13, 5, tzinfo=UTC),
...                          duration_seconds=42)
>>> templates.render(notice, "en")  # no English text: the default language is used
'Röstmeddelande i Växeln kl. 14:05'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from ccctl.sms.errors import TemplateError


class TemplateName(StrEnum):
    CALLBACK_UNREACHABLE = "callback_unreachable"
    VOICEMAIL = "voicemail"


@dataclass(frozen=True)
class CallbackUnreachable:
    """A citizen asked for a callback and every attempt to reach them failed."""

    queue: str  # the queue's name in the citizen's language
    organisation: str
    requested_at: datetime  # when they asked (timezone-aware)
    attempts: int

    name: ClassVar[TemplateName] = TemplateName.CALLBACK_UNREACHABLE

    def variables(self, zone: ZoneInfo) -> dict[str, object]:
        local = self.requested_at.astimezone(zone)
        return {"queue": self.queue, "organisation": self.organisation,
                "date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"),
                "attempts": self.attempts}


@dataclass(frozen=True)
class VoicemailNotice:
    """A voicemail was left in a queue or entry point; sent to the chosen agents."""

    queue: str
    organisation: str
    caller: str  # E.164, or "" when the number was withheld
    received_at: datetime
    duration_seconds: int

    name: ClassVar[TemplateName] = TemplateName.VOICEMAIL

    def variables(self, zone: ZoneInfo) -> dict[str, object]:
        local = self.received_at.astimezone(zone)
        return {"queue": self.queue, "organisation": self.organisation,
                "caller": self.caller, "date": local.strftime("%Y-%m-%d"),
                "time": local.strftime("%H:%M"), "duration": self.duration_seconds}


Context = CallbackUnreachable | VoicemailNotice
VARIABLES: Mapping[TemplateName, frozenset[str]] = {
    TemplateName.CALLBACK_UNREACHABLE: frozenset(
        {"queue", "organisation", "date", "time", "attempts"}),
    TemplateName.VOICEMAIL: frozenset(
        {"queue", "organisation", "caller", "date", "time", "duration"}),
}

DEFAULT_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "callback_unreachable": {
        "sv": "Hej! Du bad {{ organisation }} ({{ queue }}) ringa upp dig den {{ date }} "
              "kl. {{ time }}. Vi har försökt {{ attempts }} gånger men inte nått dig. "
              "Välkommen att ringa oss igen.",
        "en": "Hello! You asked {{ organisation }} ({{ queue }}) to call you back on "
              "{{ date }} at {{ time }}. We tried {{ attempts }} times but could not reach "
              "you. You are welcome to call us again.",
    },
    "voicemail": {
        "sv": "Nytt röstmeddelande i {{ queue }} från {{ caller or 'okänt nummer' }}, "
              "{{ date }} kl. {{ time }} ({{ duration }} s). Ta det i ccctl.",
        "en": "New voicemail in {{ queue }} from {{ caller or 'a withheld number' }}, "
              "{{ date }} at {{ time }} ({{ duration }} s). Claim it in ccctl.",
    },
}


def _environment() -> SandboxedEnvironment:
    # Plain text, not HTML: no autoescape. StrictUndefined: a missing value is an error.
    return SandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined,
                                keep_trailing_newline=False)


def check_template(name: str, language: str, source: str) -> None:
    """Parse ``source`` and check it uses only the variables of its kind of message."""
    where = f"SMS template {name}.{language}"
    try:
        kind = TemplateName(name)
    except ValueError:
        known = ", ".join(sorted(TemplateName))
        raise TemplateError(f"{where}: no such kind of message; known: {known}") from None
    try:
        tree = _environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{where}, line {exc.lineno}: {exc.message}") from None
    unknown = meta.find_undeclared_variables(tree) - VARIABLES[kind]
    if unknown:
        raise TemplateError(f"{where}: unknown variable(s) {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(sorted(VARIABLES[kind]))}")


class SmsTemplates:
    """Compiled templates: ``{kind: {language: source}}``, falling back to one language."""

    def __init__(self, sources: Mapping[str, Mapping[str, str]], *, default_language: str,
                 timezone: str) -> None:
        self._default = default_language
        self._zone = ZoneInfo(timezone)
        environment = _environment()
        self._compiled: dict[tuple[str, str], jinja2.Template] = {}
        for name, texts in sources.items():
            for language, source in texts.items():
                check_template(name, language, source)
                self._compiled[(name, language)] = environment.from_string(source)

    def render(self, context: Context, language: str) -> str:
        """The text for ``context`` in ``language`` (or the default language)."""
        name = context.name.value
        if (name, language) not in self._compiled:
            language = self._default
        template = self._compiled.get((name, language))
        if template is None:
            raise TemplateError(f"SMS template {name}.{language} is not configured; add it "
                                "under sms.templates")
        try:
            text = template.render(context.variables(self._zone))
        except Exception as exc:  # any error in a template's own code (ZeroDivisionError…)
            raise TemplateError(f"SMS template {name}.{language} failed to render: "
                                f"{type(exc).__name__}: {exc}") from None
        text = text.strip()
        if not text:
            raise TemplateError(f"SMS template {name}.{language} rendered an empty text")
        return text
