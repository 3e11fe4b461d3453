"""``ccctl user add|list|remove``: who may log in to the web UI, in which role.

The password is read from standard input: asked twice without echo on a terminal,
else the first line (so a script can pipe it in). It is never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ccctl.pbx import service
from ccctl.web.tokens import Role
from ccctl.web.ui.users import UserError, UserFile

EXIT_INVALID = 2


def default_users_path() -> Path:
    """Where ``ccctl run`` and ``ccctl user`` look: next to the API tokens."""
    return service.default_state_dir() / "users.json"


def _users_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=Path, default=default_users_path(),
                        help="the web UI users file (mode 0600; default: %(default)s)")


def add_parsers(subparsers: Any) -> None:
    """Add ``user add|list|remove`` to ccctl's ``add_subparsers()`` object."""
    user = subparsers.add_parser("user", help="web UI log-ins (agent, supervisor, admin)")
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    p = actions.add_parser("add", help="add a user; the password is read from standard input")
    p.add_argument("name", help="the user name to log in with")
    p.add_argument("--role", required=True, choices=[r.value for r in Role],
                   help="agent: the agent desktop for its own agent; supervisor: the "
                        "supervisor view; admin: everything")
    p.add_argument("--agent", default=None, help="the agent id an agent user logs in as")
    _users_option(p)
    p.set_defaults(func=_cmd_add)

    p = actions.add_parser("list", help="list the users (names and roles, never passwords)")
    _users_option(p)
    p.set_defaults(func=_cmd_list)

    p = actions.add_parser("remove", help="remove a user; the next log-in is refused")
    p.add_argument("name", help="the user's name (see 'ccctl user list')")
    _users_option(p)
    p.set_defaults(func=_cmd_remove)


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ; nothing was changed")
    return first


def _cmd_add(args: argparse.Namespace) -> int:
    try:
        UserFile(args.users).add(args.name, Role(args.role), _password(), args.agent)
    except UserError as exc:
        print(f"ccctl user: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"user {args.name!r} ({args.role}) added to {args.users}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    try:
        users = UserFile(args.users).users()
    except UserError as exc:
        print(f"ccctl user: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not users:
        print(f"no users in {args.users}; add one with 'ccctl user add'", file=sys.stderr)
    for u in users:
        print(f"{u.name}  {u.role.value}  {u.agent or '-'}  {u.created}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    try:
        UserFile(args.users).remove(args.name)
    except UserError as exc:
        print(f"ccctl user: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"user {args.name!r} removed; a running daemon refuses their next log-in")
    return 0
