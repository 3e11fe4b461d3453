"""What a caller's choice leads to, and the DTMF menus that offer the choices.

Every action is a mapping with an ``action:`` key naming its kind, e.g.
``{action: queue, queue: bygglov, skills: {engelska: 2}}``. The same actions
serve menu options, a menu's final action, an entry point's closed action and
a queue's no-agents action; each place accepts the kinds that make sense
there (checked where the action is used, with the YAML location).

Imports only pydantic and :mod:`ccctl.config.types` (no import cycles).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ccctl.config.types import DialString, Id, LanguageCode, SkillLevel

__all__ = [
    "Action", "CallbackAction", "EntryAction", "HangupAction", "IdentifyAction",
    "LanguageAction", "Menu", "MenuAction", "MenuKey", "MessageAction", "QueueAction",
    "TransferAction", "VoicemailAction", "WaitAction",
]

MenuKey = Annotated[
    str, Field(pattern=r"^[0-9*]$", description="A DTMF key: 0-9 or *")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class QueueAction(_Model):
    """Queue the call; the choice adds skills and a priority for the routing."""

    action: Literal["queue"] = Field(description="queue")
    queue: Id = Field(description="Queue id")
    skills: dict[Id, SkillLevel] = Field(
        default_factory=dict, description="Extra skills this choice asks for: skill id → level"
    )
    priority: int | None = Field(
        default=None, ge=0, le=100, description="Priority of the call; default: the queue's"
    )


class MenuAction(_Model):
    """Go to another (sub-)menu."""

    action: Literal["menu"] = Field(description="menu")
    menu: Id = Field(description="Menu id")


class EntryAction(_Model):
    """Continue as if the caller had dialled another entry point."""

    action: Literal["entry"] = Field(description="entry")
    entry: Id = Field(description="Entry-point id")


class VoicemailAction(_Model):
    """Let the caller leave a message in a shared mailbox."""

    action: Literal["voicemail"] = Field(description="voicemail")
    mailbox: Id = Field(description="Mailbox: the id of a queue or an entry point")


class TransferAction(_Model):
    """Transfer the call to an external number through a trunk."""

    action: Literal["transfer"] = Field(description="transfer")
    number: DialString = Field(description="The number to dial")
    trunk: Id | None = Field(
        default=None, description="Trunk id; default: the first trunk with a host"
    )


class MessageAction(_Model):
    """Play a message; then return to the menu or hang up."""

    action: Literal["message"] = Field(description="message")
    prompt: Id = Field(description="Prompt id of the message")
    then: Literal["menu", "hangup"] = Field(
        default="hangup", description="menu: offer the menu again (only in menus); hangup"
    )


class CallbackAction(_Model):
    """Offer a callback: the ccctl daemon books it (needs the daemon running)."""

    action: Literal["callback"] = Field(description="callback")
    queue: Id = Field(description="Queue whose agents call back")
    unavailable_prompt: Id | None = Field(
        default=None,
        description="Played when the daemon cannot take the booking; default: hang up silently",
    )


class HangupAction(_Model):
    """End the call."""

    action: Literal["hangup"] = Field(description="hangup")


class WaitAction(_Model):
    """Keep the caller waiting in the queue (only as a queue's no_agents action)."""

    action: Literal["wait"] = Field(description="wait")


class LanguageAction(_Model):
    """Choose the language (in a language menu); then the entry point's menu follows."""

    action: Literal["language"] = Field(description="language")
    language: LanguageCode = Field(description="Language code, one of site.languages")


class IdentifyAction(_Model):
    """Identify the caller through the ccctl daemon, then continue with ``then``.

    When the daemon is unreachable the call continues unidentified: never fails.
    """

    action: Literal["identify"] = Field(description="identify")
    method: Literal["anumber", "personnummer", "pin", "number"] = Field(
        description="anumber (caller id), personnummer, pin, or number (a number rule)"
    )
    directory: Id | None = Field(
        default=None, description="Directory id (anumber, personnummer, pin)"
    )
    rule: Id | None = Field(default=None, description="Number rule id (method number)")
    tries: int = Field(default=3, ge=1, le=5, description="Attempts to enter the digits")
    prompt: Id | None = Field(default=None, description="Prompt asking for the digits")
    then: Action = Field(description="What follows, identified or not")


Action = Annotated[
    QueueAction | MenuAction | EntryAction | VoicemailAction | TransferAction | MessageAction
    | CallbackAction | HangupAction | WaitAction | LanguageAction | IdentifyAction,
    Field(discriminator="action"),
]


class Menu(_Model):
    """A DTMF menu: a prompt, then one key per option."""

    id: Id = Field(description="Unique menu id; the dialplan context is ccctl-menu-<id>")
    name: str = Field(default="", max_length=100, description="Human-readable name")
    prompt: Id = Field(description="Prompt id read to the caller (lists the options)")
    options: dict[MenuKey, Action] = Field(
        min_length=1, description="Key → action, e.g. '1': {action: queue, queue: vaxel}"
    )
    tries: int = Field(
        default=3, ge=1, le=10, description="Times the menu is offered before the final action"
    )
    timeout_seconds: int = Field(
        default=5, ge=1, le=60, description="How long to wait for a key after the prompt"
    )
    invalid_prompt: Id | None = Field(
        default=None, description="Played after a key that is not an option"
    )
    timeout_prompt: Id | None = Field(
        default=None, description="Played when no key was pressed in time"
    )
    final: Action = Field(
        default=HangupAction(action="hangup"),
        description="Action after the last try (invalid key or timeout); default: hang up",
    )

    @field_validator("options", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        # YAML reads an unquoted 1: as the number 1; a key is the character pressed.
        if isinstance(value, dict):
            return {str(key): option for key, option in value.items()}
        return value


IdentifyAction.model_rebuild()
