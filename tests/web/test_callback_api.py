"""Callbacks booked over the API (a web contact form's backend): checked, then queued
with the time they were asked for as their entry time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccctl.acd.model import TaskKind
from tests.web.harness import make_api, request


def _book(tmp_path: Path, body: dict[str, Any]) -> tuple[int, dict[str, Any], Any]:
    api = make_api(tmp_path)
    status, answer, _ = request(api, "POST", "/api/callbacks", api.token["david"], json=body)
    return status, answer, api


def test_given_a_valid_booking_then_a_callback_waits_in_the_queue_with_the_number(
    tmp_path: Path,
) -> None:
    status, answer, api = _book(tmp_path, {"queue": "vaxel", "number": "070-174 06 05",
                                           "language": "sv"})
    assert status == 201, answer
    task = api.flow.router.task(answer["id"])
    assert task.kind is TaskKind.CALLBACK
    assert task.identification["callback_number"] == "+46701740605"
    assert [e.task_id for e in api.flow.router.queue_view("vaxel", 10**10)][-1] == answer["id"]


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"queue": "vaxel"}, 400, "'queue' and 'number' (strings) are required"),
    ({"queue": "bygg", "number": "+46701740605"}, 404, "no queue 'bygg'"),
    ({"queue": "vaxel", "number": "12"}, 400, "not a telephone number"),
    ({"queue": "vaxel", "number": "+46900123456"}, 403, "may not be called back"),
    ({"queue": "vaxel", "number": "+46701740605", "language": "fi"}, 400,
     "'language' must be one of sv, en"),
    ({"queue": "vaxel", "number": "+46701740605", "at": "2026-11-26T09:00"}, 400,
     "has no UTC offset"),
    ({"queue": "vaxel", "number": "+46701740605", "at": "tomorrow"}, 400,
     "is not an ISO 8601 time"),
])
def test_given_a_bad_booking_then_the_error_says_what_and_nothing_is_queued(
    tmp_path: Path, body: dict[str, Any], status: int, says: str,
) -> None:
    answer_status, answer, api = _book(tmp_path, body)
    assert answer_status == status and says in answer["error"]
    assert len(api.flow.router.queue_view("vaxel", 10**10)) == 1  # only the harness's t2
