"""FastAGI wire format, on lines recorded from Asterisk 22.10 (no Asterisk needed)."""

from __future__ import annotations

import asyncio
import doctest

import pytest

from ccctl.ident import agiprotocol
from ccctl.ident.agichannel import AgiChannel, CallerHungUp, read_request
from ccctl.ident.agiprotocol import (
    AgiCommandError,
    AgiProtocolError,
    encode_command,
    parse_request,
    parse_response,
)
from tests.ident.fake_asterisk import RECORDED_HEADERS

HEADER_LINES = [f"{k}: {v}" for k, v in RECORDED_HEADERS.items()]


def test_given_the_recorded_request_then_step_params_and_channel_are_read() -> None:
    request = parse_request(HEADER_LINES)
    assert request.step == "number"
    assert request.params == {"rule": "kundnummer", "tries": "2", "prompt": "beep"}
    assert (request.uniqueid, request.channel, request.language, request.callerid) == \
        ("1795589228.0", "PJSIP/operator-00000000", "en", "operator")
    assert request.headers["agi_accountcode"] == "", "an empty value is still a header"
    assert "operator" not in repr(request), "headers (caller ID) stay out of repr"


@pytest.mark.parametrize(("change", "message"), [
    (lambda h: [*h, "agi_bogus"], "header line 23 is not 'agi_<name>: <value>' (9 characters)"),
    (lambda h: [x for x in h if not x.startswith("agi_uniqueid")], "lacks header(s) agi_uniqueid"),
    (lambda h: [x.replace("1795589228.0", "x") if "uniqueid" in x else x for x in h],
     "agi_uniqueid is not"),
    (lambda h: [x.replace("identify/number", "voicemail") for x in h],
     "unknown path 'voicemail'"),
    (lambda h: h * 3, "more than 64 header lines"),
])
def test_given_a_malformed_request_then_a_clear_error(change: object, message: str) -> None:
    with pytest.raises(AgiProtocolError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_request(change(HEADER_LINES))  # type: ignore[operator]


@pytest.mark.parametrize(("line", "result", "data"), [
    ("200 result=1 (/usr/share/asterisk/sounds)", "1", "/usr/share/asterisk/sounds"),
    ("200 result=1 ()", "1", ""),  # an unset variable, as Asterisk 22 answers it
    ("200 result=12 (timeout)", "12", "timeout"),
    ("200 result= (timeout)", "", "timeout"),
    ("200 result=1", "1", None),
    ("200 result=-1", "-1", None),
    ("200 result=1 (Alva (Test) Testsson)", "1", "Alva (Test) Testsson"),
])
def test_given_recorded_responses_then_result_and_data(line: str, result: str,
                                                       data: str | None) -> None:
    response = parse_response(line)
    assert (response.result, response.data) == (result, data)


def test_given_a_response_with_endpos_then_it_is_read() -> None:
    assert parse_response("200 result=0 endpos=8160").endpos == 8160


@pytest.mark.parametrize("line", ["510 Invalid or unknown command", "520 End of proper usage.",
                                  "511 Command Not Permitted on a dead channel or intercept "
                                  "routine"])
def test_given_an_error_code_then_a_command_error_with_the_code(line: str) -> None:
    with pytest.raises(AgiCommandError) as caught:
        parse_response(line, "GET DATA")
    assert caught.value.code == int(line[:3])
    assert str(caught.value) == f"Asterisk answered {line[:3]} to AGI GET DATA"


@pytest.mark.parametrize("line", ["200 result=191212121212 garbage", "HTTP/1.1 200 OK",
                                  "200 result=191212121212 (timeout", ""])
def test_given_a_malformed_response_then_an_error_that_does_not_repeat_it(line: str) -> None:
    with pytest.raises(AgiProtocolError) as caught:
        parse_response(line, "GET DATA")
    assert "1212" not in str(caught.value)
    assert f"({len(line)} characters)" in str(caught.value)


def test_given_arguments_with_spaces_quotes_or_nothing_then_quoted_as_asterisk_parses() -> None:
    assert encode_command("GET", "DATA", "beep", "6000", "12") == b"GET DATA beep 6000 12\n"
    assert encode_command("SET", "VARIABLE", "__CCCTL_ID_NAME", "") == \
        b'SET VARIABLE __CCCTL_ID_NAME ""\n'
    assert encode_command("SET", "VARIABLE", "X", 'a "b" \\c') == \
        b'SET VARIABLE X "a \\"b\\" \\\\c"\n'


def test_given_a_line_break_in_an_argument_then_refused_not_sent() -> None:
    with pytest.raises(AgiProtocolError, match="control character"):
        encode_command("SET", "VARIABLE", "X", "a\nEXEC System rm")


# -- a channel over a stream: multi-line 520, HANGUP, dead channel ---------------------


class _Sink:
    """Stands in for the StreamWriter: collects what ccctl sent."""

    def __init__(self) -> None:
        self.sent = b""

    def write(self, data: bytes) -> None:
        self.sent += data

    async def drain(self) -> None:
        return None


def _channel(incoming: bytes) -> tuple[AgiChannel, _Sink]:
    reader = asyncio.StreamReader()
    reader.feed_data(incoming)
    sink = _Sink()
    request = parse_request(HEADER_LINES)
    return AgiChannel(reader, sink, request, command_timeout=1), sink  # type: ignore[arg-type]


def test_given_a_recorded_520_usage_block_then_it_is_skipped_and_the_next_reply_read() -> None:
    recorded = (b"520-Invalid command syntax.  Proper usage follows:\n"
                b"Stream the given <replaceable>file</replaceable>, and receive DTMF data.\n"
                b"Returns the digits received from the channel at the other end.\n"
                b"520 End of proper usage.\n"
                b"200 result=1 (sv)\n")

    async def scenario() -> str | None:
        channel, _ = _channel(recorded)
        with pytest.raises(AgiCommandError) as caught:
            await channel.command("GET", "DATA")
        assert caught.value.code == 520
        return await channel.get_variable("CHANNEL(language)")

    assert asyncio.run(scenario()) == "sv"


def test_given_hangup_then_511_then_caller_hung_up() -> None:
    async def scenario() -> AgiChannel:
        channel, _ = _channel(b"HANGUP\n511 Command Not Permitted on a dead channel or "
                              b"intercept routine\n")
        with pytest.raises(CallerHungUp):
            await channel.set_variable("__CCCTL_ID_STATUS", "identified")
        return channel

    assert asyncio.run(scenario()).hung_up


def test_given_get_data_answers_then_digits_timeout_or_hangup() -> None:
    async def scenario() -> list[str]:
        channel, sink = _channel(b"200 result=12 (timeout)\n200 result= (timeout)\n"
                                 b"200 result=-1\n")
        got = [await channel.get_data("beep", 6000, 12), await channel.get_data("beep", 6000, 12)]
        with pytest.raises(CallerHungUp):
            await channel.get_data("beep", 6000, 12)
        assert sink.sent == b"GET DATA beep 6000 12\n" * 3
        return got

    assert asyncio.run(scenario()) == ["12", ""]


def test_given_get_data_answers_letters_then_a_protocol_error() -> None:
    async def scenario() -> None:
        channel, _ = _channel(b"200 result=12ab\n")
        await channel.get_data("beep", 6000, 12)

    with pytest.raises(AgiProtocolError, match="other than digits"):
        asyncio.run(scenario())


def test_given_the_connection_closes_mid_line_then_a_protocol_error() -> None:
    async def scenario() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(b"agi_network: yes\nagi_netw")
        reader.feed_eof()
        await read_request(reader)

    with pytest.raises(AgiProtocolError, match="closed the AGI connection"):
        asyncio.run(scenario())


def test_doctests() -> None:
    assert doctest.testmod(agiprotocol).failed == 0
