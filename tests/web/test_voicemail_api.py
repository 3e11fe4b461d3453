"""Shared voicemail over the REST API: who sees which mailbox, claims as locks (the first
wins, the others are told who has it), release, done, and the WAV."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from ccctl.store import VoicemailRecord
from ccctl.store.sqlite import SqliteStore
from ccctl.voice.flow import VoiceFlow
from ccctl.voicemail.service import Mailbox, Voicemails
from ccctl.web.api import Services, build_app
from ccctl.web.metrics import Process
from ccctl.web.tokens import Role, TokenBook, TokenFile
from tests.voicemail.helpers import wav_bytes
from tests.web.harness import StandInFlow, bearer, serving_router

SOCIAL = VoicemailRecord(id="socialtjanst-100-1", mailbox="socialtjanst", received_at=100.0,
                         duration_s=7, caller="+46701740605", caller_name="Agda",
                         path="ccctl/socialtjanst/INBOX/msg0000.wav")
SWITCHBOARD = replace(SOCIAL, id="vaxel-100-2", mailbox="vaxel", received_at=200.0,
                      path="ccctl/vaxel/INBOX/msg0000.wav")
NAMES = {"agnes": "Agnes Exempelsson", "bertil": "Bertil Testberg",
         "cecilia": "Cecilia Påhittad"}


def voicemail_app(tmp_path: Path, *, with_voicemail: bool = True
                  ) -> tuple[web.Application, dict[str, str], Path]:
    tokens = TokenFile(tmp_path / "tokens.json")
    token = {name: tokens.create(f"{name}-desk", Role.AGENT, name) for name in NAMES}
    token["anna"] = tokens.create("anna", Role.SUPERVISOR)
    spool = tmp_path / "spool"
    store = SqliteStore(tmp_path / "ccctl.db")
    for record in (SOCIAL, SWITCHBOARD):
        asyncio.run(store.add_voicemail(record, []))
        (spool / record.path).parent.mkdir(parents=True, exist_ok=True)
        (spool / record.path).write_bytes(wav_bytes())
    boxes = {"socialtjanst": Mailbox("socialtjanst", {"": "Socialtjänst"}, ("agnes", "bertil")),
             "vaxel": Mailbox("vaxel", {"": "Växel"}, ("cecilia",))}
    router = serving_router()
    services = Services(cast(VoiceFlow, StandInFlow(router)), router, {}, lambda: 1000.0,
                        lambda: {"ari": "connected"}, lambda: Process(0.0, 0.0, True, 1, 0),
                        voicemail=Voicemails(store, boxes, spool, NAMES, lambda: 1000.0)
                        if with_voicemail else None)
    return build_app(services, TokenBook(tmp_path / "tokens.json")), token, spool


async def _call(client: TestClient[Any, Any], method: str, path: str, token: str,
                json: dict[str, Any] | None = None) -> SimpleNamespace:
    async with client.request(method, path, headers=bearer(token), json=json) as response:
        body = await response.read()
        parsed = (await response.json() if response.content_type == "application/json"
                  else None)
        return SimpleNamespace(status=response.status, json=parsed, body=body,
                               type=response.content_type)


def scenario(app: web.Application, steps: list[tuple[str, str, str, dict[str, Any] | None]]
             ) -> list[SimpleNamespace]:
    async def main() -> list[SimpleNamespace]:
        async with TestClient(TestServer(app)) as client:
            return [await _call(client, *step) for step in steps]

    return asyncio.run(main())


def test_given_agents_and_a_supervisor_then_each_sees_only_their_mailboxes(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)
    agnes, cecilia, anna, hidden = scenario(app, [
        ("GET", "/api/voicemail", token["agnes"], None),
        ("GET", "/api/voicemail", token["cecilia"], None),
        ("GET", "/api/voicemail", token["anna"], None),
        ("GET", f"/api/voicemail/{SOCIAL.id}", token["cecilia"], None)])

    assert agnes.json["mailboxes"] == ["socialtjanst"]
    assert [m["id"] for m in agnes.json["messages"]] == [SOCIAL.id]
    shown = agnes.json["messages"][0]
    assert {k: shown[k] for k in ("mailbox_name", "state", "claimed_by", "caller",
                                  "duration_s", "audio")} == {
        "mailbox_name": "Socialtjänst", "state": "new", "claimed_by": None,
        "caller": "+46701740605", "duration_s": 7, "audio": f"/api/voicemail/{SOCIAL.id}/audio"}
    assert [m["id"] for m in cecilia.json["messages"]] == [SWITCHBOARD.id]
    assert [m["id"] for m in anna.json["messages"]] == [SWITCHBOARD.id, SOCIAL.id]
    assert hidden.status == 404 and "no voicemail" in hidden.json["error"]


def test_given_one_agent_has_claimed_then_another_gets_409_naming_who_has_it(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)
    first, second, seen, again = scenario(app, [
        ("POST", f"/api/voicemail/{SOCIAL.id}/claim", token["agnes"], None),
        ("POST", f"/api/voicemail/{SOCIAL.id}/claim", token["bertil"], None),
        ("GET", "/api/voicemail?state=claimed", token["bertil"], None),
        ("POST", f"/api/voicemail/{SOCIAL.id}/claim", token["agnes"], None)])

    assert first.status == 200 and first.json["claimed_by"] == "agnes"
    assert second.status == 409
    assert second.json["claimed_by"] == "agnes"
    assert "Agnes Exempelsson (agnes) has it" in second.json["error"]
    assert seen.json["messages"][0]["claimed_by_name"] == "Agnes Exempelsson"
    assert again.status == 200  # a retried claim by the holder


def test_given_two_agents_claim_at_the_same_moment_then_one_wins_and_one_gets_409(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)

    async def race() -> list[SimpleNamespace]:
        async with TestClient(TestServer(app)) as client:
            return list(await asyncio.gather(*(
                _call(client, "POST", f"/api/voicemail/{SOCIAL.id}/claim", token[agent])
                for agent in ("agnes", "bertil"))))

    answers = asyncio.run(race())

    assert sorted(a.status for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status == 200).json["claimed_by"]
    assert next(a for a in answers if a.status == 409).json["claimed_by"] == winner


def test_given_a_claim_then_only_the_claimant_or_a_supervisor_releases_or_finishes_it(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)
    url = f"/api/voicemail/{SOCIAL.id}"
    answers = scenario(app, [
        ("POST", f"{url}/done", token["agnes"], None),  # not claimed yet
        ("POST", f"{url}/claim", token["agnes"], None),
        ("POST", f"{url}/release", token["bertil"], None),
        ("POST", f"{url}/done", token["bertil"], None),
        ("POST", f"{url}/release", token["anna"], None),
        ("POST", f"{url}/claim", token["bertil"], None),
        ("POST", f"{url}/done", token["bertil"], None),
        ("POST", f"{url}/claim", token["agnes"], None),
        ("GET", "/api/voicemail", token["agnes"], None)])
    unclaimed, claimed, foreign_release, foreign_done, released, reclaimed, done, late, \
        listing = answers

    assert (unclaimed.status, claimed.status) == (409, 200)
    assert "claim it first" in unclaimed.json["error"]
    assert (foreign_release.status, foreign_done.status) == (403, 403)
    assert "only Agnes Exempelsson (agnes)" in foreign_release.json["error"]
    assert released.status == 200 and released.json["state"] == "new"
    assert (reclaimed.status, done.status) == (200, 200)
    assert (done.json["state"], done.json["done_by"]) == ("done", "bertil")
    assert late.status == 409 and "done already" in late.json["error"]
    assert listing.json["messages"] == []  # the default filter: open messages


def test_given_a_supervisor_then_it_hands_a_message_to_an_agent_of_its_mailbox(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)
    url = f"/api/voicemail/{SOCIAL.id}/claim"
    nobody, outsider, agnes, impostor = scenario(app, [
        ("POST", url, token["anna"], None),
        ("POST", url, token["anna"], {"agent": "cecilia"}),
        ("POST", url, token["anna"], {"agent": "agnes"}),
        ("POST", f"/api/voicemail/{SWITCHBOARD.id}/claim", token["cecilia"],
         {"agent": "agnes"})])

    assert nobody.status == 400 and "{\"agent\": ID}" in nobody.json["error"]
    assert outsider.status == 403 and "not notified" in outsider.json["error"]
    assert agnes.status == 200 and agnes.json["claimed_by"] == "agnes"
    assert impostor.status == 403 and "only for themselves" in impostor.json["error"]


def test_given_the_recording_then_agents_of_the_mailbox_and_supervisors_download_the_wav(
    tmp_path: Path,
) -> None:
    app, token, spool = voicemail_app(tmp_path)
    url = f"/api/voicemail/{SOCIAL.id}/audio"
    (spool / SWITCHBOARD.path).unlink()
    agnes, anna, cecilia, gone = scenario(app, [
        ("GET", url, token["agnes"], None), ("GET", url, token["anna"], None),
        ("GET", url, token["cecilia"], None),
        ("GET", f"/api/voicemail/{SWITCHBOARD.id}/audio", token["anna"], None)])

    assert (agnes.status, agnes.type, agnes.body[:4]) == (200, "audio/wav", b"RIFF")
    assert anna.body == agnes.body
    assert cecilia.status == 404
    assert gone.status == 410 and "no longer in the voicemail spool" in gone.json["error"]


def test_given_a_filter_then_bad_values_are_400_and_unknown_mailboxes_404(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path)
    state, limit, foreign, mine = scenario(app, [
        ("GET", "/api/voicemail?state=unread", token["agnes"], None),
        ("GET", "/api/voicemail?limit=0", token["agnes"], None),
        ("GET", "/api/voicemail?mailbox=vaxel", token["agnes"], None),
        ("GET", "/api/voicemail?mailbox=socialtjanst&state=all", token["agnes"], None)])

    assert state.status == 400 and "open, all, new, claimed, done" in state.json["error"]
    assert limit.status == 400
    assert foreign.status == 404
    assert [m["id"] for m in mine.json["messages"]] == [SOCIAL.id]


def test_given_no_mailbox_in_the_configuration_then_the_routes_answer_503(
    tmp_path: Path,
) -> None:
    app, token, _ = voicemail_app(tmp_path, with_voicemail=False)
    [answer] = scenario(app, [("GET", "/api/voicemail", token["anna"], None)])
    assert answer.status == 503
