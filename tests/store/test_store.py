"""The store keeps what the daemon acknowledged — across restarts and kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from ccctl.store import CallRecord, Entry, StoreError, open_store


def _run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_given_journaled_events_and_a_snapshot_then_recovery_returns_only_what_follows(
    store_url: str,
) -> None:
    async def scenario() -> tuple[object, list[tuple[int, Entry]]]:
        store = await open_store(store_url)
        first = await store.append([Entry("TaskArrived", 10.0, {"task": "t1"}),
                                    Entry("AgentLogin", 11.0, {"agent": "agnes"})])
        await store.save_snapshot(first, {"tasks": ["t1"], "agents": ["agnes"]})
        await store.append([Entry("OfferAccepted", 12.5, {"task": "t1", "agent": "agnes"})])
        await store.close()
        reopened = await open_store(store_url)
        recovery = await reopened.recover()
        await reopened.close()
        return recovery.snapshot, list(recovery.entries)

    snapshot, entries = _run(scenario())  # type: ignore[misc]

    assert snapshot == {"tasks": ["t1"], "agents": ["agnes"]}
    assert [(e.kind, e.at, dict(e.payload)) for _, e in entries] == [
        ("OfferAccepted", 12.5, {"task": "t1", "agent": "agnes"})]


def test_given_call_records_then_they_are_listed_by_end_time_and_replaced_by_id(
    store_url: str,
) -> None:
    first = CallRecord("c1", "t1", "vaxel", "voice", 100.0, 160.0, "answered", 120.0, "elin",
                       "sv", "+46701740605")
    second = CallRecord("c2", "t2", "bygglov", "voice", 110.0, 140.0, "abandoned")

    async def scenario() -> list[CallRecord]:
        store = await open_store(store_url)
        await store.add_call_record(first)
        await store.add_call_record(second)
        await store.add_call_record(second)  # written twice (retry): still one record
        records = await store.call_records(since=0)
        await store.close()
        return records

    assert _run(scenario()) == [second, first]


def test_given_an_unknown_url_then_the_error_says_which_schemes_work() -> None:
    with pytest.raises(StoreError, match="sqlite:///"):
        _run(open_store("mysql://somewhere/db"))


CHILD = textwrap.dedent("""
    import asyncio, sys
    from ccctl.store import Entry, open_store

    async def main() -> None:
        store = await open_store(sys.argv[1])
        for i in range(100000):
            seq = await store.append([Entry("Tick", float(i), {"i": i})])
            print(seq, flush=True)

    asyncio.run(main())
""")


def test_given_kill_9_while_writing_then_every_acknowledged_event_is_recovered(
    store_url: str,
) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, store_url], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    acknowledged = [int(child.stdout.readline()) for _ in range(200)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    async def recovered() -> list[int]:
        store = await open_store(store_url)
        recovery = await store.recover()
        await store.close()
        return [seq for seq, _ in recovery.entries]

    seqs = _run(recovered())
    assert set(acknowledged) <= set(seqs)  # type: ignore[arg-type]
    assert seqs == sorted(seqs)  # type: ignore[type-var]
