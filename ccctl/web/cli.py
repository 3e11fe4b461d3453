"""``ccctl token create|list|revoke``: the REST API's bearer tokens.

Wiring: ``ccctl.cli`` calls :func:`add_parsers` with its sub-parsers; each action
sets ``func`` to a function taking the parsed arguments and returning the exit
status. ``create`` prints the new token alone on standard output (so a script can
capture it) and everything else on standard error; no command prints it again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccctl.pbx import service
from ccctl.web.tokens import Role, TokenError, TokenFile

EXIT_INVALID = 2


def default_tokens_path() -> Path:
    """Where ``ccctl run`` and ``ccctl token`` look unless told otherwise."""
    return service.default_state_dir() / "tokens.json"


def add_tokens_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tokens", type=Path, default=default_tokens_path(),
                        help="the API tokens file (mode 0600; default: %(default)s)")


def add_parsers(subparsers: Any) -> None:
    """Add ``token create|list|revoke`` to ccctl's ``add_subparsers()`` object."""
    token = subparsers.add_parser("token", help="REST API tokens (agent, supervisor, admin)")
    actions = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")

    p = actions.add_parser("create", help="create a token and print it (once, never again)")
    p.add_argument("name", help="a name for the token, e.g. the person or tool that uses it")
    p.add_argument("--role", required=True, choices=[r.value for r in Role],
                   help="agent: only its own agent and the call it serves; supervisor: all "
                        "of /api; admin: everything")
    p.add_argument("--agent", default=None, help="the agent id an agent token acts for")
    add_tokens_option(p)
    p.set_defaults(func=_cmd_create)

    p = actions.add_parser("list", help="list the tokens (names and roles, never the tokens)")
    add_tokens_option(p)
    p.set_defaults(func=_cmd_list)

    p = actions.add_parser("revoke", help="revoke a token; the daemon refuses it at once")
    p.add_argument("name", help="the token's name (see 'ccctl token list')")
    add_tokens_option(p)
    p.set_defaults(func=_cmd_revoke)


def _fail(exc: TokenError) -> int:
    print(f"ccctl token: {exc}", file=sys.stderr)
    return EXIT_INVALID


def _cmd_create(args: argparse.Namespace) -> int:
    try:
        token = TokenFile(args.tokens).create(args.name, Role(args.role), args.agent)
    except TokenError as exc:
        return _fail(exc)
    for_agent = f" for agent {args.agent}" if args.agent else ""
    print(f"token {args.name!r} ({args.role}{for_agent}) added to {args.tokens}; it is shown "
          "only now: send it as 'Authorization: Bearer TOKEN'", file=sys.stderr)
    print(token)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    try:
        tokens = TokenFile(args.tokens).tokens()
    except TokenError as exc:
        return _fail(exc)
    if not tokens:
        print(f"no tokens in {args.tokens}; create one with 'ccctl token create'",
              file=sys.stderr)
        return 0
    rows = [("NAME", "ROLE", "AGENT", "CREATED", "REVOKED")] + [
        (t.name, t.role.value, t.agent or "-", t.created, t.revoked or "-") for t in tokens]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip())
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    try:
        token = TokenFile(args.tokens).revoke(args.name)
    except TokenError as exc:
        return _fail(exc)
    print(f"token {token.name!r} revoked at {token.revoked}; a running daemon refuses it from "
          "its next request")
    return 0
