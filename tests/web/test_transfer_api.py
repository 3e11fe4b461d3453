"""Transfer requests are checked before anything happens to the call: which target,
whether the number is a number, and whether outbound calls may reach it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.harness import make_api, request


def _transfer(tmp_path: Path, body: dict[str, Any], path: str = "/api/tasks/t1/transfer"
              ) -> tuple[int, dict[str, Any]]:
    api = make_api(tmp_path)
    status, answer, _ = request(api, "POST", path, api.token["fredrik"], json=body)
    return status, answer


def test_given_a_premium_rate_number_then_403_says_which_numbers_are_allowed(
    tmp_path: Path,
) -> None:
    status, body = _transfer(tmp_path, {"number": "0900-123 45 6"})
    assert status == 403
    assert "+46900123456 may not be dialled" in body["error"]
    assert "starting with +46, except +46900, +46939, +46944" in body["error"]


@pytest.mark.parametrize("number", ["0900-123", "not a number", "+4"])
def test_given_something_that_is_not_a_telephone_number_then_400_asks_for_e164(
    tmp_path: Path, number: str,
) -> None:
    status, body = _transfer(tmp_path, {"number": number})
    assert status == 400 and "E.164" in body["error"]


@pytest.mark.parametrize("body", [{}, {"queue": "vaxel", "agent": "david"}, {"number": 46}])
def test_given_no_single_target_then_400_lists_what_may_be_given(
    tmp_path: Path, body: dict[str, Any],
) -> None:
    status, answer = _transfer(tmp_path, body)
    assert status == 400
    assert "exactly one of 'queue', 'agent', 'directory' or 'number'" in answer["error"]


def test_given_an_unknown_directory_entry_then_404_names_it(tmp_path: Path) -> None:
    status, body = _transfer(tmp_path, {"directory": "socialjourn"})
    assert (status, body["error"]) == (404, "no directory entry 'socialjourn'")


def test_given_a_consultation_with_a_queue_then_400_says_who_can_be_consulted(
    tmp_path: Path,
) -> None:
    status, body = _transfer(tmp_path, {"queue": "vaxel"}, "/api/tasks/t1/consult")
    assert status == 400 and "a colleague ('agent') or a number" in body["error"]


def test_given_no_consultation_when_completing_then_409_says_there_is_none(
    tmp_path: Path,
) -> None:
    status, body = _transfer(tmp_path, {}, "/api/tasks/t1/consult/complete")
    assert status == 409 and "no answered consultation" in body["error"]


def test_given_a_search_then_directory_entries_and_agents_match_by_name_with_their_state(
    tmp_path: Path,
) -> None:
    api = make_api(tmp_path)
    status, body, _ = request(api, "GET", "/api/directory?q=SOCIAL", api.token["david"])
    assert status == 200
    assert body["results"] == [{"kind": "directory", "id": "socialjouren",
                                "name": {"sv": "Socialjouren"}, "number": "+46846500490",
                                "note": ""}]
    api = make_api(tmp_path / "again")
    _, body, _ = request(api, "GET", "/api/directory?q=fred", api.token["david"])
    assert body["results"] == [{"kind": "agent", "id": "fredrik", "name": "Fredrik Påhittad",
                                "state": "busy"}]
