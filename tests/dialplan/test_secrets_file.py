"""The secrets file: generated once, kept private, stable, never shown."""

from __future__ import annotations

import json
import logging
import re
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ccctl.config.models import Agent, ContactCenter, Trunk
from ccctl.dialplan import Secrets, SecretsError, load_or_create

# A few of the passwords svcrack-style word lists try first.
COMMON_PASSWORDS = {"1234", "123456", "password", "secret", "admin", "agnes", "1001",
                    "operator", "asterisk", "changeme", "qwerty"}


def _all_values(path: Path) -> list[str]:
    data = json.loads(path.read_text())
    return [data["ami"], data["ari"], *data["agents"].values(), *data["trunks"].values()]


def test_given_no_file_then_it_is_created_private_with_a_strong_secret_for_everyone(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "secrets.json"

    secrets = load_or_create(path, example_cc)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(secrets.agents) == {a.id for a in example_cc.agents}
    assert set(secrets.trunks) == {"operator"}
    values = _all_values(path)
    assert len(set(values)) == len(values) == 2 + 6 + 1
    for value in values:
        assert len(value) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", value)
        assert value not in COMMON_PASSWORDS


def test_given_existing_file_then_secrets_stay_the_same_and_file_is_not_rewritten(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    first = load_or_create(path, example_cc)
    written = path.stat().st_mtime_ns

    again = load_or_create(path, example_cc)

    assert again == first
    assert path.stat().st_mtime_ns == written


def test_given_new_agent_then_only_its_secret_is_added(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    before = load_or_create(path, example_cc)
    gunnar = Agent(id="gunnar", name="Gunnar Uppdiktad", extension="1007")
    grown = example_cc.model_copy(update={"agents": (*example_cc.agents, gunnar)})

    after = load_or_create(path, grown)

    assert after.ami_password == before.ami_password
    assert {a: after.agents[a] for a in before.agents} == before.agents
    assert len(after.agent("gunnar")) >= 43
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_given_removed_agent_then_its_secret_is_kept_for_a_later_return(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    before = load_or_create(path, example_cc)
    fewer = example_cc.model_copy(update={"agents": example_cc.agents[1:]})

    load_or_create(path, fewer)
    back = load_or_create(path, example_cc)

    assert back.agent("agnes") == before.agent("agnes")


def test_given_trunk_password_set_by_hand_then_it_is_used(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"trunks": {"operator": "given-by-operator-Xy7qPz"}}))

    secrets = load_or_create(path, example_cc)

    assert secrets.trunk("operator") == "given-by-operator-Xy7qPz"
    assert len(secrets.ami_password) >= 43


def test_given_trunk_without_auth_then_no_secret_is_made_for_it(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    trunk = Trunk(id="stadsnat", match=("198.51.100.0/24",), auth=False)
    cc = example_cc.model_copy(update={"trunks": (trunk,)})

    secrets = load_or_create(tmp_path / "secrets.json", cc)

    assert secrets.trunks == {}


def test_given_any_run_then_no_secret_is_printed_logged_or_shown_by_repr(
    example_cc: ContactCenter, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "secrets.json"
    caplog.set_level(logging.DEBUG)

    secrets = load_or_create(path, example_cc)
    load_or_create(path, example_cc)

    captured = capsys.readouterr()
    shown = captured.out + captured.err + caplog.text + repr(secrets) + str(secrets)
    for value in _all_values(path):
        assert value not in shown


@pytest.mark.parametrize(
    ("content", "hint", "value"),
    [
        ('{"ami": "tiny7"}', "at least 16", "tiny7"),
        ('{"ami": "has a space in it, far too"}', "without spaces", "has a space"),
        ('{"agents": ["agnes-long-enough-123"]}', "agents", "agnes-long"),
        ('{"ami": "a-good-long-secret-value-1234"', "not valid JSON", "a-good-long"),
    ],
)
def test_given_broken_file_then_error_names_the_file_and_never_echoes_values(
    example_cc: ContactCenter, tmp_path: Path, content: str, hint: str, value: str
) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(content)

    with pytest.raises(SecretsError, match=hint) as error:
        load_or_create(path, example_cc)

    assert str(path) in str(error.value)
    assert value not in str(error.value)


def test_given_file_with_loose_mode_then_it_is_made_private(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    load_or_create(path, example_cc)
    path.chmod(0o644)

    load_or_create(path, example_cc)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_given_write_then_no_temporary_file_is_left_behind(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    load_or_create(tmp_path / "secrets.json", example_cc)

    assert [p.name for p in tmp_path.iterdir()] == ["secrets.json"]


def test_given_runs_at_the_same_time_then_all_get_the_same_secrets(
    example_cc: ContactCenter, tmp_path: Path
) -> None:
    path = tmp_path / "secrets.json"
    start = threading.Barrier(6)

    def run() -> Secrets:
        start.wait()
        return load_or_create(path, example_cc)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: run(), range(6)))

    assert all(result == results[0] for result in results)
    assert load_or_create(path, example_cc) == results[0]
