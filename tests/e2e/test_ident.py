"""Caller identification against a real Asterisk 22: FastAGI, SIP INFO digits, AMI.

A small test context calls ccctl's FastAGI server (running in this test
process) and reports the result variables in a UserEvent, which the test
reads over AMI. SIPp is the caller, typing digits as SIP INFO. Afterwards
every log the run produced is searched for the personnummer typed.

Calls reach the PBX as an operator delivers them, too: through a trunk that
Asterisk recognises by the SBC's source address (SIPp on 127.0.0.2, no
password), the citizen's number in From or P-Asserted-Identity.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ccctl.ami import AmiClient, Message
from ccctl.config.models import ContactCenter
from ccctl.ident.agi import serve
from ccctl.ident.checksum import luhn_valid
from ccctl.ident.models import CsvBackend, Directory
from ccctl.ident.pin import hash_pin
from ccctl.testing import sipp
from tests.e2e.pbx import Pbx, destroy, free_port, prepare, start_with_test_dialplan

pytestmark = pytest.mark.pbx

# Skatteverket's published test personnummer, in the forms someone might grep for.
VALID_PNR = "191212121212"
VALID_FORMS = ("191212121212", "19121212-1212", "121212-1212", "1212121212")
BAD_CHECKSUM = "191212121213"
NO_SUCH_DATE = "191213321217"  # checksum right, 32 December does not exist
KNOWN_CALLER, UNKNOWN_CALLER = "0701740605", "+46701740699"  # PTS fiction numbers
PIN, WRONG_PIN = "73920581", "73920582"
# Callers from fixed lines, as the operator's trunk delivers them (E.164).
LANDLINE_CALLER, UNKNOWN_LANDLINE = "+46846500470", "+46846500479"
CSV = ("id,name,language,phone,personnummer,skills,priority,queue,pin_hash\n"
       "kund-0001,Tolvan Testsson,sv,+46701740605,19121212-1212,engelska:2,7,vaxel,"
       f"{hash_pin(PIN)}\n"
       f"kund-0002,Sigge Påhittad,en,{LANDLINE_CALLER},,bygglov:2,,,\n")
NUMBERS = {"anumber": "+46846500490", "pnr": "+46846500491", "pnr-missing-prompt": "+46846500492",
           "pin": "+46846500493", "trunk": "+46846500494"}
# The operator's SBC: a trunk recognised by source address alone (no password).
SBC_TRUNK, SBC_ADDRESS = "e2e-sbc", "127.0.0.2"


def _extensions(agi_port: int) -> str:
    agi = f"agi://127.0.0.1:{agi_port}/identify"
    return f"""
[ccctl-inbound](+)
exten => {NUMBERS['anumber']},1,Goto(ccctl-test-ident,anumber,1)
exten => {NUMBERS['pnr']},1,Goto(ccctl-test-ident,pnr,1)
exten => {NUMBERS['pnr-missing-prompt']},1,Goto(ccctl-test-ident,pnr-missing-prompt,1)
exten => {NUMBERS['pin']},1,Goto(ccctl-test-ident,pin,1)
exten => {NUMBERS['trunk']},1,Goto(ccctl-test-ident,trunk,1)

[ccctl-test-ident]
exten => anumber,1,Answer()
 same => n,Set(CALLERID(num)=${{PJSIP_HEADER(read,X-Ccctl-Caller)}})
 same => n,AGI({agi}/anumber?directory=testkatalog)
 same => n,Goto(report,1)
exten => pnr,1,Answer()
 same => n,Set(CCCTL_PROMPTS=${{ASTDATADIR}}/sounds)
 same => n,AGI({agi}/personnummer?directory=testkatalog&tries=2&prompt=beep)
 same => n,Goto(report,1)
exten => pnr-missing-prompt,1,Answer()
 same => n,Set(CCCTL_PROMPTS=${{ASTDATADIR}}/sounds)
 same => n,AGI({agi}/personnummer?directory=testkatalog&tries=2&prompt=ange-personnummer)
 same => n,Goto(report,1)
exten => pin,1,Answer()
 same => n,Set(CALLERID(num)=${{PJSIP_HEADER(read,X-Ccctl-Caller)}})
 same => n,AGI({agi}/anumber?directory=testkatalog)
 same => n,AGI({agi}/pin?directory=testkatalog&tries=3)
 same => n,Goto(report,1)
exten => trunk,1,Answer()
 same => n,AGI({agi}/anumber?directory=testkatalog)
 same => n,Goto(report,1)
exten => report,1,UserEvent(ccctl-ident,IdEndpoint: ${{CHANNEL(endpoint)}},IdStatus: ${{CCCTL_ID_STATUS}},IdMethod: ${{CCCTL_ID_METHOD}},IdName: ${{CCCTL_ID_NAME}},IdRef: ${{CCCTL_ID_REF}},IdSkills: ${{CCCTL_ID_SKILLS}},IdPriority: ${{CCCTL_ID_PRIORITY}},IdQueue: ${{CCCTL_ID_QUEUE}},IdLanguage: ${{CHANNEL(language)}},IdAgistatus: ${{AGISTATUS}})
 same => n,Hangup()
"""  # noqa: E501 - one dialplan line


@dataclasses.dataclass
class Sandbox:
    pbx: Pbx
    agi_port: int
    config: ContactCenter
    config_dir: Path


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    tmp = tmp_path_factory.mktemp("ident")
    pbx = prepare(tmp)
    pbx.edit("e2e.yaml", "pbx:\n", f"trunks:\n  - id: {SBC_TRUNK}\n"
             f"    match: [\"{SBC_ADDRESS}/32\"]\n    auth: false\npbx:\n")
    agi_port = free_port(socket.SOCK_STREAM)
    (tmp / "callers.csv").write_text(CSV)
    directory = Directory(id="testkatalog", backend=CsvBackend(type="csv", path="callers.csv"))
    config = pbx.rendered().config.model_copy(update={"directories": (directory,)})
    start_with_test_dialplan(pbx, _extensions(agi_port))
    try:
        yield Sandbox(pbx, agi_port, config, tmp)
    finally:
        destroy(pbx)


def _call(box: Sandbox, number: str, entries: list[str], caller: str = "") \
        -> tuple[Message, sipp.SippResult]:
    """Place one call; return the ccctl-ident UserEvent and SIPp's result."""
    scenario = sipp.info_dtmf_scenario(box.config_dir, entries, caller=caller)
    return _identify(box, dataclasses.replace(box.pbx.call(number), scenario=str(scenario),
                                              timeout_s=60))


def _trunk_call(box: Sandbox, caller: str, asserted: str = "") -> sipp.Call:
    """A call to the trunk test number from the operator's SBC: From ``caller``, and
    P-Asserted-Identity ``asserted`` if given."""
    scenario = sipp.trunk_scenario(box.config_dir, asserted=asserted)
    return dataclasses.replace(box.pbx.call(NUMBERS["trunk"]), scenario=scenario, caller=caller,
                               local_ip=SBC_ADDRESS, timeout_s=60)


def _identify(box: Sandbox, call: sipp.Call) -> tuple[Message, sipp.SippResult]:
    """Run ``call``; return the ccctl-ident UserEvent and SIPp's result."""

    async def run() -> tuple[Message, sipp.SippResult]:
        events: asyncio.Queue[Message] = asyncio.Queue()

        def on_event(message: Message) -> None:
            if message.get("Event") == "UserEvent" and message.get("UserEvent") == "ccctl-ident":
                events.put_nowait(message)

        async with serve(box.config, config_dir=box.config_dir, port=box.agi_port,
                         today=lambda: date(2026, 11, 25)), \
                AmiClient(box.pbx.credentials(), on_event=on_event):
            running = sipp.Running(call)
            try:
                event = await asyncio.wait_for(events.get(), 60)
            finally:
                result = running.wait()  # the dialplan hangs up right after the event
        return event, result

    return asyncio.run(run())


def _assert_no_personnummer_in_logs(box: Sandbox, caplog: pytest.LogCaptureFixture,
                                    result: sipp.SippResult) -> None:
    texts = {"ccctl log": caplog.text, "SIPp errors": result.errors}
    for path in sorted(box.pbx.box.log_dir.rglob("*")) + sorted(box.pbx.box.etc.glob("*")):
        if path.is_file():
            texts[str(path)] = path.read_text(errors="replace")
    assert any("identify/" in text for text in texts.values()), \
        "the logs do not show the identification ran; the search below would prove nothing"
    for where, text in texts.items():
        for form in (*VALID_FORMS, BAD_CHECKSUM, NO_SUCH_DATE, PIN, WRONG_PIN):
            assert form not in text, f"a personnummer or PIN typed by the caller is in {where}"
    # Digits logged one per line can be put back together: check that too.
    typed = {where: _dtmf_per_channel(text) for where, text in texts.items()}
    leaks = [where for where, channels in typed.items()
             if any(secret in digits for digits in channels
                    for secret in (VALID_PNR, BAD_CHECKSUM, PIN, WRONG_PIN))]
    assert not leaks, (f"Asterisk logged the caller's DTMF digit by digit in {leaks}: a "
                       "personnummer or PIN can be pieced together (a 'dtmf' log level?)")


def _dtmf_per_channel(text: str) -> list[str]:
    digits: dict[str, str] = {}
    for match in re.finditer(r"DTMF end '([0-9*#])' received on (\S+),", text):
        digits[match[2]] = digits.get(match[2], "") + match[1]
    return list(digits.values())


def test_the_personnummer_used_here_are_the_test_numbers_they_claim_to_be() -> None:
    assert luhn_valid(VALID_PNR[2:]) and not luhn_valid(BAD_CHECKSUM[2:])
    assert luhn_valid(NO_SUCH_DATE[2:])


def test_given_a_caller_whose_number_is_in_the_directory_then_identified_by_anumber(
        sandbox: Sandbox) -> None:
    event, result = _call(sandbox, NUMBERS["anumber"], [], caller=KNOWN_CALLER)
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"]) == \
        ("identified", "anumber", "kund-0001")
    assert (event["IdName"], event["IdSkills"], event["IdPriority"], event["IdQueue"]) == \
        ("Tolvan Testsson", "engelska:2", "7", "vaxel")
    assert event["IdLanguage"] == "sv", "the record's language follows the call"


def test_given_a_caller_whose_number_is_not_in_the_directory_then_unidentified(
        sandbox: Sandbox) -> None:
    event, result = _call(sandbox, NUMBERS["anumber"], [], caller=UNKNOWN_CALLER)
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"], event["IdName"]) == \
        ("unidentified", "anumber", "", "")


def test_given_a_valid_personnummer_typed_as_sip_info_then_identified_and_not_logged(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    event, result = _call(sandbox, NUMBERS["pnr"], [VALID_PNR])
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"], event["IdName"]) == \
        ("identified", "personnummer", "kund-0001", "Tolvan Testsson")
    _assert_no_personnummer_in_logs(sandbox, caplog, result)


def test_given_two_invalid_personnummer_then_retried_then_unidentified_and_not_logged(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    event, result = _call(sandbox, NUMBERS["pnr-missing-prompt"], [BAD_CHECKSUM, NO_SUCH_DATE])
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"]) == \
        ("unidentified", "personnummer", "")
    tries = [r.getMessage() for r in caplog.records if "personnummer: try" in r.getMessage()]
    assert [t.split(": ", 3)[-1] for t in tries] == [
        "personnummer check digit does not match",
        "personnummer does not contain a real date of birth"]
    assert "ange-personnummer.wav not found; playing a beep instead" in caplog.text
    _assert_no_personnummer_in_logs(sandbox, caplog, result)


def test_given_a_known_caller_when_the_pin_is_wrong_then_right_then_identified_by_pin(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    event, result = _call(sandbox, NUMBERS["pin"], [WRONG_PIN, PIN], caller=KNOWN_CALLER)
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"]) == \
        ("identified", "pin", "kund-0001")
    assert "pin: try 1: PIN does not match" in caplog.text
    _assert_no_personnummer_in_logs(sandbox, caplog, result)


def test_given_a_known_caller_when_every_pin_is_wrong_then_failed_and_not_shown_as_them(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    event, result = _call(sandbox, NUMBERS["pin"], [WRONG_PIN] * 3, caller=KNOWN_CALLER)
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"], event["IdName"]) == \
        ("failed", "pin", "", ""), "a caller who fails the PIN is not shown as the record"
    _assert_no_personnummer_in_logs(sandbox, caplog, result)


def test_given_a_trunk_call_from_a_number_in_the_directory_then_identified_by_anumber(
        sandbox: Sandbox) -> None:
    event, result = _identify(sandbox, _trunk_call(sandbox, LANDLINE_CALLER))
    assert result.ok, result.errors
    assert event["IdEndpoint"] == SBC_TRUNK, "the call came in through the IP-identified trunk"
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"], event["IdName"]) == \
        ("identified", "anumber", "kund-0002", "Sigge Påhittad")
    assert (event["IdSkills"], event["IdLanguage"]) == ("bygglov:2", "en")


def test_given_a_trunk_call_from_a_number_not_in_the_directory_then_unidentified(
        sandbox: Sandbox) -> None:
    event, result = _identify(sandbox, _trunk_call(sandbox, UNKNOWN_LANDLINE))
    assert result.ok, result.errors
    assert event["IdEndpoint"] == SBC_TRUNK
    assert (event["IdStatus"], event["IdMethod"], event["IdRef"], event["IdName"]) == \
        ("unidentified", "anumber", "", "")


def test_given_a_trunk_call_whose_p_asserted_identity_is_in_the_directory_then_identified(
        sandbox: Sandbox) -> None:
    # From shows another number (a presented switchboard number, say); the operator
    # vouches for the line in P-Asserted-Identity, and that is who is calling.
    event, result = _identify(sandbox, _trunk_call(sandbox, UNKNOWN_LANDLINE,
                                                   asserted=LANDLINE_CALLER))
    assert result.ok, result.errors
    assert (event["IdStatus"], event["IdRef"]) == ("identified", "kund-0002")


def test_given_a_password_trunk_when_from_carries_the_callers_number_then_identified(
        sandbox: Sandbox) -> None:
    # The operator trunk authenticates with its digest user while From carries the
    # caller: Asterisk must find the trunk by the user in the credentials.
    scenario = sipp.info_dtmf_scenario(sandbox.config_dir, [])
    call = dataclasses.replace(sandbox.pbx.call(NUMBERS["trunk"]), scenario=scenario,
                               caller=LANDLINE_CALLER, timeout_s=60)
    event, result = _identify(sandbox, call)
    assert result.ok, result.errors
    assert event["IdEndpoint"] == "operator"
    assert (event["IdStatus"], event["IdRef"]) == ("identified", "kund-0002")


def test_given_the_sbc_trunks_name_in_from_when_sent_from_another_address_then_refused(
        sandbox: Sandbox) -> None:
    # The SBC trunk has no password; naming it in From from anywhere else must not
    # get a call in (Asterisk would otherwise match the endpoint by From user).
    intruder = dataclasses.replace(_trunk_call(sandbox, SBC_TRUNK), local_ip="127.0.0.1",
                                   timeout_s=10)
    result = sipp.run(intruder)
    # Challenged like any unknown caller; without a password it never gets a call up.
    assert "401 Unauthorized" in result.errors
    assert not result.ok and result.successful == 0
