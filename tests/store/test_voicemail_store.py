"""Voicemail in the store (SQLite and PostgreSQL alike): each message once, claims as
locks that survive a restart, notices that are due until sent."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from ccctl.store import Store, VoicemailNoticeRecord, VoicemailRecord, open_store

MESSAGE = VoicemailRecord(id="socialtjanst-100-1", mailbox="socialtjanst",
                          received_at=1000.0, duration_s=7, caller="+46701740605",
                          caller_name="Agda", path="ccctl/socialtjanst/INBOX/msg0000.wav")
NOTICES = [VoicemailNoticeRecord(MESSAGE.id, "agnes", "sms", next_at=1000.0),
           VoicemailNoticeRecord(MESSAGE.id, "agnes", "email", next_at=1000.0)]


async def _with_store(url: str, body: object) -> object:
    store = await open_store(url)
    try:
        return await body(store)  # type: ignore[operator]
    finally:
        await store.close()


def test_given_a_message_seen_twice_then_it_is_recorded_once_with_its_notices(
    store_url: str,
) -> None:
    async def scenario(store: Store) -> tuple[bool, bool, list[VoicemailRecord], int]:
        first = await store.add_voicemail(MESSAGE, NOTICES)
        moved = replace(MESSAGE, path="ccctl/socialtjanst/Old/msg0000.wav", state="claimed")
        second = await store.add_voicemail(moved, NOTICES)
        return first, second, await store.voicemails(), len(
            await store.due_voicemail_notices(2000.0))

    first, second, records, due = asyncio.run(_with_store(store_url, scenario))  # type: ignore[misc]

    assert (first, second) == (True, False)
    assert records == [replace(MESSAGE, path="ccctl/socialtjanst/Old/msg0000.wav")]
    assert due == 2  # not doubled by the second sighting


def test_given_two_agents_claiming_at_once_then_exactly_one_wins(store_url: str) -> None:
    async def scenario(store: Store) -> list[str | None]:
        await store.add_voicemail(MESSAGE, [])
        results = await asyncio.gather(store.claim_voicemail(MESSAGE.id, "agnes", 1.0),
                                       store.claim_voicemail(MESSAGE.id, "bertil", 1.0))
        return [r.claimed_by if r else None for r in results]

    holders = asyncio.run(_with_store(store_url, scenario))  # type: ignore[arg-type]

    assert len(set(holders)) == 1 and holders[0] in ("agnes", "bertil")  # type: ignore[arg-type]


def test_given_a_claim_then_it_survives_a_restart_and_only_its_holder_releases_it(
    store_url: str,
) -> None:
    async def claim(store: Store) -> None:
        await store.add_voicemail(MESSAGE, [])
        await store.claim_voicemail(MESSAGE.id, "agnes", 5.0)

    async def after_restart(store: Store) -> tuple[object, ...]:
        kept = await store.voicemail(MESSAGE.id)
        by_other = await store.release_voicemail(MESSAGE.id, "bertil")
        by_holder = await store.release_voicemail(MESSAGE.id, "agnes")
        return kept, by_other, by_holder

    asyncio.run(_with_store(store_url, claim))
    kept, by_other, by_holder = asyncio.run(_with_store(store_url, after_restart))  # type: ignore[misc]

    assert (kept.state, kept.claimed_by, kept.claimed_at) == ("claimed", "agnes", 5.0)
    assert by_other.claimed_by == "agnes"
    assert (by_holder.state, by_holder.claimed_by) == ("new", None)


def test_given_finish_then_only_the_holder_or_anyone_without_a_condition_marks_done(
    store_url: str,
) -> None:
    async def scenario(store: Store) -> tuple[object, ...]:
        await store.add_voicemail(MESSAGE, [])
        unclaimed = await store.finish_voicemail(MESSAGE.id, "agnes", 2.0, "agnes")
        await store.claim_voicemail(MESSAGE.id, "agnes", 3.0)
        by_other = await store.finish_voicemail(MESSAGE.id, "bertil", 4.0, "bertil")
        by_holder = await store.finish_voicemail(MESSAGE.id, "agnes", 5.0, "agnes")
        again = await store.finish_voicemail(MESSAGE.id, "anna", 6.0, None)
        unknown = await store.finish_voicemail("nope", "anna", 6.0, None)
        return unclaimed, by_other, by_holder, again, unknown

    unclaimed, by_other, by_holder, again, unknown = asyncio.run(
        _with_store(store_url, scenario))  # type: ignore[misc]

    assert unclaimed.state == "new" and by_other.state == "claimed"
    assert (by_holder.state, by_holder.done_by, by_holder.done_at) == ("done", "agnes", 5.0)
    assert again.done_by == "agnes" and unknown is None


def test_given_notices_then_only_pending_due_ones_come_back_until_sent(store_url: str) -> None:
    async def scenario(store: Store) -> tuple[list[str], list[str], list[str]]:
        await store.add_voicemail(MESSAGE, NOTICES)
        sms, email = NOTICES
        await store.update_voicemail_notice(replace(sms, state="sent", attempts=1))
        await store.update_voicemail_notice(replace(email, attempts=1, next_at=1060.0,
                                                    last_error="451"))
        before = await store.due_voicemail_notices(1059.0)
        after = await store.due_voicemail_notices(1060.0)
        await store.update_voicemail_notice(replace(email, state="failed", attempts=12))
        done = await store.due_voicemail_notices(10**9)
        return ([n.channel for n in before], [f"{n.channel}:{n.last_error}" for n in after],
                [n.channel for n in done])

    before, after, done = asyncio.run(_with_store(store_url, scenario))  # type: ignore[misc]

    assert (before, after, done) == ([], ["email:451"], [])


def test_given_filters_then_the_listing_is_newest_first_in_those_mailboxes_and_states(
    store_url: str,
) -> None:
    async def scenario(store: Store) -> tuple[list[str], list[str]]:
        for n, (box, at) in enumerate([("socialtjanst", 1.0), ("vaxel", 2.0),
                                       ("socialtjanst", 3.0)]):
            await store.add_voicemail(replace(MESSAGE, id=f"{box}-{n}", mailbox=box,
                                              received_at=at), [])
        await store.claim_voicemail("socialtjanst-2", "agnes", 4.0)
        mine = await store.voicemails(mailboxes=["socialtjanst"])
        new = await store.voicemails(states=["new"])
        return [r.id for r in mine], [r.id for r in new]

    mine, new = asyncio.run(_with_store(store_url, scenario))  # type: ignore[misc]

    assert mine == ["socialtjanst-2", "socialtjanst-0"]
    assert new == ["vaxel-1", "socialtjanst-0"]
