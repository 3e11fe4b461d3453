"""The REST app with the web UI attached, over the web tests' router (tests.web.harness),
and web users of each role. No Asterisk and no browser."""

from __future__ import annotations

from pathlib import Path

from ccctl.config import load_config
from ccctl.web.auth import FailureLimiter
from ccctl.web.tokens import Role
from ccctl.web.ui.app import build_ui
from ccctl.web.ui.users import UserFile
from tests.acd.builders import T0
from tests.web.harness import Api, make_api

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "example" / "ccctl.yaml"
PASSWORDS = {"anna": "anna-lösenord-1", "fredrik": "fredrik-lösen-2", "ops": "ops-password-3"}


def add_users(path: Path) -> None:
    users = UserFile(path)
    users.add("anna", Role.SUPERVISOR, PASSWORDS["anna"])
    users.add("fredrik", Role.AGENT, PASSWORDS["fredrik"], "fredrik")
    users.add("ops", Role.ADMIN, PASSWORDS["ops"])


def ui_api(tmp_path: Path, limiter: FailureLimiter | None = None) -> Api:
    users = tmp_path / "state" / "users.json"
    add_users(users)
    cc = load_config(EXAMPLE)
    return make_api(tmp_path, ui=lambda router: build_ui(cc, router, lambda: T0 + 10, users,
                                                        limiter))
