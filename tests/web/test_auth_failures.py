"""Why a request is refused (401, 429, 503), tokens changing under a running app, logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ccctl.web.auth import FailureLimiter
from ccctl.web.tokens import Role
from tests.web.harness import call, make_api, request, with_client

QUEUES = "/api/queues"
Client = TestClient[Any, Any]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_given_a_revoked_token_then_401_saying_it_was_revoked(tmp_path: Path) -> None:
    api = make_api(tmp_path)
    status, body, headers = request(api, "GET", QUEUES, api.token["revoked"])
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="ccctl", error="invalid_token"'
    assert "'old-laptop' was revoked at" in body["error"]


@pytest.mark.parametrize("header", ["Bearer not-a-token-of-ours", "Basic YWRtaW46YWRtaW4=",
                                    "Bearer", "Bearer   ", "bearer nope"])
def test_given_an_unknown_or_malformed_authorization_then_401_invalid_token(
        tmp_path: Path, header: str) -> None:
    status, body, headers = request(make_api(tmp_path), "GET", QUEUES,
                                    headers={"Authorization": header})
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="ccctl", error="invalid_token"'
    assert "'Bearer TOKEN'" in body["error"] or "not valid" in body["error"]


def test_given_the_scheme_in_another_case_then_the_token_is_still_accepted(
        tmp_path: Path) -> None:
    api = make_api(tmp_path)
    status, _, _ = request(api, "GET", QUEUES,
                           headers={"Authorization": f"bEaReR {api.token['supervisor']}"})
    assert status == 200


def test_given_tokens_created_and_revoked_while_the_app_runs_then_they_count_at_once(
        tmp_path: Path) -> None:
    api = make_api(tmp_path)

    async def scenario(client: Client) -> list[int]:
        statuses = [(await call(client, "GET", QUEUES, api.token["supervisor"]))[0]]
        api.tokens.revoke("anna")
        statuses.append((await call(client, "GET", QUEUES, api.token["supervisor"]))[0])
        new = api.tokens.create("bea", Role.SUPERVISOR)
        statuses.append((await call(client, "GET", QUEUES, new))[0])
        return statuses

    assert with_client(api.app, scenario) == [200, 401, 200]


def test_given_ten_unknown_tokens_in_a_minute_then_the_address_gets_429_until_it_passes(
        tmp_path: Path) -> None:
    clock = Clock()
    api = make_api(tmp_path, clock)
    anna = api.token["supervisor"]

    async def scenario(client: Client) -> list[Any]:
        seen: list[Any] = []
        for _ in range(10):
            clock.now += 1
            seen.append((await call(client, "GET", QUEUES, "guess"))[0])
        status, body, headers = await call(client, "GET", QUEUES, anna)
        seen += [status, headers.get("Retry-After"), body["error"]]
        clock.now += 51  # the first failure (at +1) leaves the window at +61
        seen.append((await call(client, "GET", QUEUES, anna))[0])
        return seen

    seen = with_client(api.app, scenario)
    assert seen[:10] == [401] * 10
    assert seen[10:12] == [429, "51"]  # even a good token: a guesser learns nothing
    assert seen[12] == "too many invalid API tokens from 127.0.0.1; try again in 51 s"
    assert seen[13] == 200


@pytest.mark.parametrize("kind", ["missing", "revoked", "forbidden"])
def test_given_many_requests_that_are_not_guesses_then_no_429(tmp_path: Path,
                                                              kind: str) -> None:
    api = make_api(tmp_path, Clock())
    token = {"missing": None, "revoked": api.token["revoked"],
             "forbidden": api.token["fredrik"]}[kind]

    async def scenario(client: Client) -> list[int]:
        statuses = [(await call(client, "GET", QUEUES, token))[0] for _ in range(25)]
        return [*statuses, (await call(client, "GET", QUEUES, api.token["supervisor"]))[0]]

    statuses = with_client(api.app, scenario)
    assert 429 not in statuses
    assert statuses[-1] == 200


def test_given_open_routes_when_an_address_is_blocked_then_they_still_answer(
        tmp_path: Path) -> None:
    api = make_api(tmp_path, Clock())

    async def scenario(client: Client) -> list[int]:
        for _ in range(10):
            await call(client, "GET", QUEUES, "guess")
        return [(await call(client, "GET", path))[0] for path in (QUEUES, "/health")]

    assert with_client(api.app, scenario) == [429, 200]


def test_given_a_limiter_then_failures_older_than_the_window_are_forgotten() -> None:
    clock = Clock()
    limiter = FailureLimiter(max_failures=3, window_s=10.0, clock=clock)
    reached = [limiter.failed("192.0.2.7") for _ in range(3)]
    assert reached == [False, False, True]
    assert limiter.retry_after("192.0.2.7") == 10.0
    assert limiter.retry_after("192.0.2.8") == 0.0  # another address is not affected
    clock.now += 10.0
    assert limiter.retry_after("192.0.2.7") == 0.0


def test_given_many_addresses_then_the_limiter_forgets_those_with_nothing_recent() -> None:
    clock = Clock()
    limiter = FailureLimiter(clock=clock)
    for n in range(1100):
        limiter.failed(f"2001:db8::{n:x}")
    clock.now += 61
    limiter.failed("192.0.2.1")
    assert len(limiter._failures) == 1


def test_given_a_broken_tokens_file_then_503_and_every_token_is_refused_until_fixed(
        tmp_path: Path) -> None:
    api = make_api(tmp_path)
    path = api.tokens.path
    good = path.read_text()

    async def scenario(client: Client) -> list[Any]:
        path.write_text("{not json")
        status, body, _ = await call(client, "GET", QUEUES, api.token["supervisor"])
        path.write_text(good)
        return [status, body["error"], (await call(client, "GET", QUEUES,
                                                    api.token["supervisor"]))[0]]

    assert with_client(api.app, scenario) == [
        503, "the daemon cannot read its API tokens file; its log says why", 200]


def test_given_no_tokens_file_then_every_api_request_is_401_and_health_answers(
        tmp_path: Path) -> None:
    api = make_api(tmp_path)
    api.tokens.path.unlink()

    async def scenario(client: Client) -> list[int]:
        return [(await call(client, "GET", QUEUES, api.token["admin"]))[0],
                (await call(client, "GET", "/health"))[0]]

    assert with_client(api.app, scenario) == [401, 200]


def test_given_requests_with_good_and_bad_tokens_then_no_token_reaches_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = make_api(tmp_path)
    guess = "Zm9vYmFyLWEtZ3Vlc3MtdGhhdC1sb29rcy1yZWFsaXN0aWM"

    async def scenario(client: Client) -> None:
        for token in [*api.token.values(), guess]:
            await call(client, "GET", QUEUES, token)
            await call(client, "POST", "/api/agents/fredrik/login", token)

    with_client(api.app, scenario)
    assert "old-laptop" in caplog.text  # the refusals are logged, by name
    for token in [*api.token.values(), guess]:
        assert token not in caplog.text
