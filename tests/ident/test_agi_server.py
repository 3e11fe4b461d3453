"""The FastAGI server end to end over TCP, against a fake channel speaking real FastAGI."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ccctl.config.models import ContactCenter
from ccctl.ident.agi import serve
from ccctl.ident.checksum import luhn_check_digit
from ccctl.ident.models import CsvBackend, Directory
from ccctl.ident.pin import hash_pin
from ccctl.ident.records import DirectoryError
from tests.ident.fake_asterisk import FakeChannel, call

PNR, BAD_PNR = "191212121212", "191212121213"  # Skatteverket test number; wrong check digit
PIN, WRONG_PIN = "73920581", "73920582"
SECRETS = (PNR, PNR[2:], BAD_PNR, PIN, WRONG_PIN)
CONTRACT = {"CCCTL_ID_STATUS", "CCCTL_ID_METHOD", "CCCTL_ID_NAME", "CCCTL_ID_REF",
            "CCCTL_ID_SKILLS", "CCCTL_ID_PRIORITY", "CCCTL_ID_QUEUE"}
CSV = ("id,name,language,phone,personnummer,customer_number,skills,priority,queue,pin_hash\n"
       "kund-0001,Tolvan Testsson,sv,+46701740605,19121212-1212,9000019,bygglov:3,7,vaxel,"
       f"{hash_pin(PIN)}\n"
       "kund-0002,Alva Påhittad,de,+46701740606,,,,,,\n")


@pytest.fixture
def config(tmp_path: Path) -> ContactCenter:
    (tmp_path / "kunder.csv").write_text(CSV)
    return ContactCenter.model_validate({
        "site": {"name": "Exempelkommun", "languages": ["sv", "en"], "default_language": "sv"},
        "queues": [{"id": "vaxel"}],
        "entry_points": [{"id": "huvudnummer", "numbers": ["+46846500400"],
                          "destination": {"queue": "vaxel"}}],
        "directories": [{"id": "kunder", "backend": {"type": "csv", "path": "kunder.csv"}}],
        "number_rules": [
            {"id": "kundnummer", "min_length": 7, "max_length": 7, "checksum": "luhn",
             "directory": "kunder"},
            {"id": "arende", "min_length": 6, "max_length": 10, "pattern": "^[1-9][0-9]+$"},
        ],
    })


Run = Callable[..., list[FakeChannel]]


@pytest.fixture
def run(config: ContactCenter, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Run:
    """Serve ``config`` on a free port and play the given calls one after another."""
    caplog.set_level(logging.DEBUG)

    def play(*channels: FakeChannel, cfg: ContactCenter = config) -> list[FakeChannel]:
        async def scenario() -> None:
            async with serve(cfg, config_dir=tmp_path, port=0,
                             today=lambda: date(2026, 11, 25), digit_timeout_ms=100) as server:
                for channel in channels:
                    await call(server.port, channel)

        asyncio.run(scenario())
        for secret in SECRETS:
            assert secret not in caplog.text, "digits the caller typed reached the log"
        return list(channels)

    return play


def test_given_a_valid_personnummer_then_identified_and_only_the_contract_variables_set(
        run: Run) -> None:
    [channel] = run(FakeChannel("identify/personnummer?directory=kunder&tries=3",
                                typed=[PNR]))
    assert set(channel.set_by_ccctl()) == CONTRACT
    assert channel.set_by_ccctl() == {
        "CCCTL_ID_STATUS": "identified", "CCCTL_ID_METHOD": "personnummer",
        "CCCTL_ID_NAME": "Tolvan Testsson", "CCCTL_ID_REF": "kund-0001",
        "CCCTL_ID_SKILLS": "bygglov:3", "CCCTL_ID_PRIORITY": "7", "CCCTL_ID_QUEUE": "vaxel"}
    assert channel.variables["CHANNEL(language)"] == "sv"
    assert set(channel.variables) - {f"__{name}" for name in CONTRACT} == {"CHANNEL(language)"}
    assert not any(PNR in value for value in channel.variables.values())


def test_given_a_wrong_then_a_right_personnummer_then_identified_on_the_second_try(
        run: Run, caplog: pytest.LogCaptureFixture) -> None:
    [channel] = run(FakeChannel("identify/personnummer?directory=kunder&tries=2",
                                typed=[BAD_PNR, PNR]))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"
    assert "1795589228.0: personnummer: try 1: personnummer check digit does not match" \
        in caplog.text


def test_given_tries_run_out_then_unidentified_after_exactly_that_many_prompts(
        run: Run) -> None:
    [channel] = run(FakeChannel("identify/personnummer?directory=kunder&tries=3",
                                typed=[BAD_PNR, "", "12345"]))
    assert len(channel.prompts) == 3
    assert channel.set_by_ccctl() == {
        "CCCTL_ID_STATUS": "unidentified", "CCCTL_ID_METHOD": "personnummer",
        "CCCTL_ID_NAME": "", "CCCTL_ID_REF": "", "CCCTL_ID_SKILLS": "",
        "CCCTL_ID_PRIORITY": "", "CCCTL_ID_QUEUE": ""}


def test_given_a_valid_personnummer_not_in_the_directory_then_unidentified(run: Run) -> None:
    body = "200101121"  # 1 January 2020, valid check digit below, not in the CSV
    [channel] = run(FakeChannel("identify/personnummer?directory=kunder",
                                typed=["20" + body + str(luhn_check_digit(body))]))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "unidentified"


def test_given_the_organisations_prompt_exists_then_it_is_played_else_a_beep(
        run: Run, caplog: pytest.LogCaptureFixture) -> None:
    prompts = "/var/lib/asterisk/ccctl/prompts"
    found = FakeChannel("identify/personnummer?directory=kunder&prompt=ange-pnr", typed=[PNR],
                        language="sv", variables={"CCCTL_PROMPTS": prompts},
                        files={f"{prompts}/sv/ange-pnr.wav"})
    missing = FakeChannel("identify/personnummer?directory=kunder&prompt=ange-pnr", typed=[PNR],
                          language="en", variables={"CCCTL_PROMPTS": prompts},
                          files={f"{prompts}/sv/ange-pnr.wav"})
    run(found, missing)
    assert found.prompts == [f"{prompts}/sv/ange-pnr"]
    assert missing.prompts == ["beep"]
    assert "prompt en/ange-pnr.wav not found; playing a beep instead" in caplog.text


def test_given_a_known_caller_id_in_national_form_then_identified_by_anumber(run: Run) -> None:
    known, withheld, unknown = run(
        FakeChannel("identify/anumber?directory=kunder", callerid="0701740605"),
        FakeChannel("identify/anumber?directory=kunder", callerid="anonymous"),
        FakeChannel("identify/anumber?directory=kunder", callerid="+46701740699"))
    assert known.set_by_ccctl()["CCCTL_ID_REF"] == "kund-0001"
    assert known.set_by_ccctl()["CCCTL_ID_METHOD"] == "anumber"
    assert [c.set_by_ccctl()["CCCTL_ID_STATUS"] for c in (withheld, unknown)] == \
        ["unidentified", "unidentified"]
    assert not known.prompts, "the A-number step never asks the caller anything"


def test_given_a_record_language_the_site_does_not_offer_then_the_language_is_kept(
        run: Run) -> None:
    [channel] = run(FakeChannel("identify/anumber?directory=kunder", callerid="0701740606"))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"
    assert "CHANNEL(language)" not in channel.variables


def test_given_an_identified_caller_and_the_right_pin_then_identified_by_pin(run: Run) -> None:
    [channel] = run(FakeChannel("identify/pin?directory=kunder&tries=2",
                                variables={"__CCCTL_ID_REF": "kund-0001"},
                                typed=[WRONG_PIN, PIN]))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"
    assert channel.set_by_ccctl()["CCCTL_ID_METHOD"] == "pin"
    assert channel.set_by_ccctl()["CCCTL_ID_REF"] == "kund-0001"


def test_given_every_pin_wrong_then_failed_and_the_earlier_identity_withdrawn(
        run: Run, caplog: pytest.LogCaptureFixture) -> None:
    [channel] = run(FakeChannel("identify/pin?directory=kunder&tries=2",
                                variables={"__CCCTL_ID_REF": "kund-0001",
                                           "__CCCTL_ID_NAME": "Tolvan Testsson"},
                                typed=[WRONG_PIN, WRONG_PIN]))
    result = channel.set_by_ccctl()
    assert (result["CCCTL_ID_STATUS"], result["CCCTL_ID_REF"], result["CCCTL_ID_NAME"]) == \
        ("failed", "", "")
    assert "pin: every try failed for record kund-0001" in caplog.text


def test_given_no_earlier_identification_then_no_pin_is_asked_for(run: Run) -> None:
    [channel] = run(FakeChannel("identify/pin?directory=kunder"))
    assert channel.prompts == []
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "unidentified"


def test_given_a_customer_number_rule_with_a_directory_then_looked_up(run: Run) -> None:
    found, bad = run(FakeChannel("identify/number?rule=kundnummer&tries=1", typed=["9000019"]),
                     FakeChannel("identify/number?rule=kundnummer&tries=1", typed=["9000027"]))
    assert found.set_by_ccctl()["CCCTL_ID_REF"] == "kund-0001"
    assert found.set_by_ccctl()["CCCTL_ID_METHOD"] == "number:kundnummer"
    assert bad.set_by_ccctl()["CCCTL_ID_STATUS"] == "unidentified"
    assert found.commands[0].startswith("GET DATA beep ") and found.commands[0].endswith(" 7")


def test_given_a_case_number_rule_without_directory_then_the_number_is_the_reference(
        run: Run) -> None:
    [channel] = run(FakeChannel("identify/number?rule=arende&tries=2", typed=["0123456", "123456"]))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"
    assert channel.set_by_ccctl()["CCCTL_ID_REF"] == "123456"
    assert len(channel.prompts) == 2, "the leading zero broke the rule's pattern once"


@pytest.mark.parametrize(("script", "message"), [
    ("identify/personnummer?directory=nosuch", "directory 'nosuch' is not configured"),
    ("identify/number?rule=nosuch", "number rule 'nosuch' is not configured"),
    ("identify/personnummer?directory=kunder&tries=9", "tries must be a whole number 1-5"),
    ("identify/face?directory=kunder", "unknown identification step 'face'"),
])
def test_given_a_request_ccctl_cannot_serve_then_failed_and_a_logged_reason(
        run: Run, caplog: pytest.LogCaptureFixture, script: str, message: str) -> None:
    [channel] = run(FakeChannel(script, typed=[PNR]))
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "failed"
    assert message in caplog.text and "call continues unidentified" in caplog.text
    assert channel.prompts == [], "nothing is asked of a caller ccctl cannot identify"


def test_given_a_malformed_response_then_logged_without_digits_and_the_server_serves_on(
        run: Run, caplog: pytest.LogCaptureFixture) -> None:
    broken = FakeChannel("identify/personnummer?directory=kunder",
                         raw_replies={"GET DATA": f"200 result={PNR} garbage"})
    after = FakeChannel("identify/personnummer?directory=kunder", typed=[PNR])
    run(broken, after)
    assert broken.set_by_ccctl() == {}, "nothing is set once the conversation is out of step"
    assert "1795589228.0: identify/personnummer: malformed AGI response to GET DATA" \
        in caplog.text
    assert after.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"


def test_given_the_caller_hangs_up_while_typing_then_nothing_is_set(
        run: Run, caplog: pytest.LogCaptureFixture) -> None:
    [channel] = run(FakeChannel("identify/personnummer?directory=kunder",
                                hang_up_at_get_data=True))
    assert channel.set_by_ccctl() == {}
    assert "caller hung up during identify/personnummer" in caplog.text


def test_given_garbage_instead_of_a_request_then_refused_and_the_server_serves_on(
        config: ContactCenter, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> FakeChannel:
        async with serve(config, config_dir=tmp_path, port=0) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            assert await reader.read() == b"", "ccctl closes the connection"
            writer.close()
            channel = FakeChannel("identify/anumber?directory=kunder", callerid="0701740605")
            await call(server.port, channel)
            return channel

    channel = asyncio.run(scenario())
    assert "FastAGI request refused: AGI request header line 1 is not" in caplog.text
    assert channel.set_by_ccctl()["CCCTL_ID_STATUS"] == "identified"


def test_given_a_call_in_progress_when_the_server_stops_then_its_handler_is_cancelled(
        config: ContactCenter, tmp_path: Path) -> None:
    async def scenario() -> bytes:
        async with serve(config, config_dir=tmp_path, port=0) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(FakeChannel("identify/personnummer?directory=kunder").headers())
            await writer.drain()
            first = await reader.readline()  # ccctl is now waiting for the GET DATA answer
        rest = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        return first + rest

    assert asyncio.run(scenario()) == b"GET DATA beep 6000 12\n"


def test_given_a_directory_that_cannot_be_opened_then_serve_fails_before_listening(
        config: ContactCenter, tmp_path: Path) -> None:
    broken = config.model_copy(update={"directories": (
        Directory(id="kunder", backend=CsvBackend(type="csv", path="missing.csv")),)})

    async def scenario() -> None:
        async with serve(broken, config_dir=tmp_path, port=0):
            raise AssertionError("must not get here")

    with pytest.raises(DirectoryError, match=r"missing\.csv"):
        asyncio.run(scenario())
