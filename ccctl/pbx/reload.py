"""Safe reload: swap generated files in, reload what changed, verify, or roll back.

validate → render (done by the caller) → stage and swap atomically → reload
the affected Asterisk modules over AMI → verify that every expected endpoint,
context and queue exists → on any failure restore the previous files, reload
again and report why. Calls in progress survive: Asterisk's module reloads
keep existing channels and bridges.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ccctl.ami import AmiClient, AmiError, Credentials
from ccctl.pbx.files import Change, Swap, changes, locked

log = logging.getLogger(__name__)

# Which module re-reads which file. A file that is not listed needs a restart.
RELOAD_MODULE: dict[str, str] = {
    "pjsip.conf": "res_pjsip.so",
    "extensions.conf": "pbx_config.so",
    "queues.conf": "app_queue.so",
    "manager.conf": "manager",
    "ari.conf": "res_ari.so",
    "http.conf": "http",
    "rtp.conf": "res_rtp_asterisk.so",
    "musiconhold.conf": "res_musiconhold.so",
    "voicemail.conf": "app_voicemail.so",
}


def module_for(name: str) -> str | None:
    """``ccctl-pjsip.conf`` (include layout) reloads like ``pjsip.conf``."""
    return RELOAD_MODULE.get(name.removeprefix("ccctl-"))


class ReloadError(RuntimeError):
    """The reload failed; ``rolled_back`` tells whether the previous files are back."""

    def __init__(self, reason: str, *, rolled_back: bool) -> None:
        self.reason = reason
        self.rolled_back = rolled_back
        tail = ("the previous configuration was restored and is serving" if rolled_back
                else "the previous configuration could NOT be restored cleanly")
        super().__init__(f"{reason}; {tail}")


@dataclass(frozen=True)
class Expectations:
    """What must exist in Asterisk once the new configuration is live."""

    endpoints: frozenset[str] = frozenset()
    contexts: frozenset[str] = frozenset()
    extensions: frozenset[tuple[str, str]] = frozenset()  # (context, extension)
    queues: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReloadReport:
    changed: tuple[str, ...]
    modules: tuple[str, ...]
    missing: tuple[str, ...] = field(default=())


async def reload(
    target: Path,
    files: Mapping[str, str],
    credentials: Credentials,
    expected: Expectations,
    *,
    owner: tuple[int, int] | None = None,
) -> ReloadReport:
    """Install ``files`` into ``target`` and make Asterisk use them, or leave it as it was."""
    with locked(target):
        batch = changes(target, files)
        if not batch:
            return ReloadReport(changed=(), modules=())
        modules = _modules(batch)
        swap = Swap(target, owner)
        swap.apply(batch)
        try:
            async with AmiClient(credentials) as ami:
                await _reload_modules(ami, modules)
                missing = await verify(ami, expected)
                if missing:
                    raise ReloadError("after the reload Asterisk lacks " + ", ".join(missing),
                                      rolled_back=False)
        except (AmiError, ReloadError) as exc:
            reason = exc.reason if isinstance(exc, ReloadError) else str(exc)
            log.info("reload failed: %s; restoring the previous files", reason)
            swap.rollback()
            raise ReloadError(reason, rolled_back=await _reload_after_rollback(
                credentials, modules)) from exc
        return ReloadReport(changed=tuple(c.name for c in batch), modules=modules)


def _modules(batch: list[Change]) -> tuple[str, ...]:
    found: list[str] = []
    for change in batch:
        module = module_for(change.name)
        if module is not None and module not in found:
            found.append(module)
    return tuple(found)


async def _reload_modules(ami: AmiClient, modules: tuple[str, ...]) -> None:
    for module in modules:
        log.info("reloading %s", module)
        await ami.action("Reload", Module=module)


async def _reload_after_rollback(credentials: Credentials, modules: tuple[str, ...]) -> bool:
    try:
        async with AmiClient(credentials) as ami:
            await _reload_modules(ami, modules)
    except AmiError as exc:
        log.error("could not reload the restored files: %s", exc)
        return False
    return True


async def verify(ami: AmiClient, expected: Expectations) -> list[str]:
    """What is missing from the running Asterisk, as human-readable items."""
    missing: list[str] = []
    if expected.endpoints:
        listed = await ami.action_list("PJSIPShowEndpoints")
        present = {m.get("ObjectName") for m in listed}
        missing += [f"endpoint {e}" for e in sorted(expected.endpoints - present)]
    for context in sorted(expected.contexts):
        if not await _has_dialplan(ami, context):
            missing.append(f"context {context}")
    for context, exten in sorted(expected.extensions):
        if not await _has_dialplan(ami, context, exten):
            missing.append(f"extension {exten}@{context}")
    if expected.queues:
        listed = await ami.action_list("QueueSummary")
        present = {m.get("Queue") for m in listed}
        missing += [f"queue {q}" for q in sorted(expected.queues - present)]
    return missing


async def _has_dialplan(ami: AmiClient, context: str, exten: str | None = None) -> bool:
    fields = {"Context": context}
    if exten is not None:
        fields["Extension"] = exten
    try:
        listed = await ami.action_list("ShowDialPlan", **fields)
    except AmiError:
        return False
    if exten is None:
        return any(m.get("Context") == context for m in listed)
    return any(m.get("Context") == context and m.get("Extension") == exten for m in listed)
