"""Mailboxes from the configuration, and a poll loop that outlives its failures."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, cast

import pytest

from ccctl.config import load_config
from ccctl.store import Store
from ccctl.voicemail.notify import Notifier
from ccctl.voicemail.service import mailboxes_of
from ccctl.voicemail.setup import build_voicemail
from ccctl.voicemail.spool import SpoolScanner
from ccctl.voicemail.watcher import SpoolWatcher
from tests.voicemail.helpers import leave

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example" / "ccctl.yaml"


def test_given_the_example_then_its_shared_mailbox_notifies_agnes_and_bertil() -> None:
    boxes = mailboxes_of(load_config(EXAMPLE))

    assert list(boxes) == ["socialtjanst"]
    box = boxes["socialtjanst"]
    assert box.notify == ("agnes", "bertil") and not box.sms and not box.email
    assert (box.name("en"), box.name(""), box.name("fi")) == (
        "Social services", "Socialtjänst", "Socialtjänst")


def test_given_the_example_then_the_daemon_builds_voicemail_on_the_configured_spool(
    tmp_path: Path,
) -> None:
    cc = load_config(EXAMPLE)
    desk = build_voicemail(cc, cast(Store, object()), config_dir=EXAMPLE.parent,
                           secrets_path=None, sms=None, spool=tmp_path)

    assert desk is not None
    assert desk.watcher.scanner.spool == tmp_path
    assert desk.service.visible(_agent("bertil")) == ("socialtjanst",)
    assert desk.service.visible(_agent("fredrik")) == ()


def _agent(agent_id: str) -> Any:
    from ccctl.voicemail.service import Viewer  # noqa: PLC0415

    return Viewer(agent_id, agent_id=agent_id)


class BrokenStore:
    """A store that fails the first ``failures`` writes, as a lost database connection."""

    def __init__(self, failures: int) -> None:
        self.failures, self.added = failures, 0

    async def add_voicemail(self, record: object, notices: object) -> bool:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the database went away")
        self.added += 1
        return True

    async def due_voicemail_notices(self, now: float, limit: int = 100) -> list[object]:
        return []


def test_given_the_store_fails_then_the_watcher_logs_and_records_the_message_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    leave(tmp_path, "socialtjanst", 0, "100-1")
    store = BrokenStore(failures=2)
    notifier = cast(Notifier, type("N", (), {
        "notices_for": lambda self, box, message: [],
        "send_due": lambda self: store.due_voicemail_notices(0)})())
    watcher = SpoolWatcher(SpoolScanner(tmp_path, "ccctl", ("socialtjanst",)),
                           cast(Store, store), notifier, poll_s=0.01)

    async def main() -> None:
        task = asyncio.create_task(watcher.run())
        for _ in range(200):
            await asyncio.sleep(0.01)
            if store.added:
                break
        task.cancel()

    asyncio.run(main())

    assert store.added == 1
    assert caplog.text.count("polling the spool failed") == 2
