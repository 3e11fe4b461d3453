"""``ccctl ident serve CONFIG`` and ``ccctl ident hash-pin``.

``add_parsers(subparsers)`` adds the ``ident`` command to ccctl's parser;
each action sets ``func`` to a function taking the parsed arguments and
returning the exit status, like the other commands.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ccctl.config import load_config
from ccctl.ident.agi import serve
from ccctl.ident.pin import PinError, check_pin_format, hash_pin
from ccctl.ident.records import DirectoryError

__all__ = ["add_parsers", "read_pin"]

EXIT_FAILED = 1
EXIT_INVALID = 2


def read_pin(stdin: TextIO, ask: Callable[[str], str] = getpass.getpass) -> str:
    """The PIN from the terminal (asked twice, not echoed) or one line of piped input.

    Never from the command line: argv is visible to every user in ``ps``.
    """
    if stdin.isatty():
        pin = ask("PIN (not shown): ")
        if ask("Same PIN again: ") != pin:
            raise PinError("the two PINs differ; nothing was hashed")
    else:
        pin = stdin.readline().rstrip("\r\n")
    check_pin_format(pin)
    return pin


def _cmd_hash_pin(args: argparse.Namespace) -> int:
    try:
        pin = read_pin(sys.stdin)
    except PinError as exc:
        print(f"ccctl ident hash-pin: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(hash_pin(pin))
    return 0


async def _serve_until_stopped(config_path: Path, port: int | None) -> None:
    config = load_config(config_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with serve(config, config_dir=config_path.parent, port=port) as server:
            print(f"ccctl ident: FastAGI identification on {config.pbx.agi.bind}:{server.port} "
                  "(Ctrl-C stops)", file=sys.stderr)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_serve_until_stopped(args.config, args.port))
    except DirectoryError as exc:
        print(f"ccctl ident serve: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def add_parsers(subparsers: Any) -> None:
    """Add ``ident serve`` and ``ident hash-pin`` to ccctl's ``add_subparsers()`` object."""
    ident = subparsers.add_parser("ident", help="caller identification (FastAGI, PINs)")
    actions = ident.add_subparsers(dest="ident_command", required=True, metavar="ACTION")
    p = actions.add_parser("serve", help="run the FastAGI identification server until Ctrl-C")
    p.add_argument("config", type=Path, help="the contact center's main YAML file")
    p.add_argument("--port", type=int, default=None,
                   help="listen on this port instead of pbx.agi's")
    p.set_defaults(func=_cmd_serve)
    p = actions.add_parser(
        "hash-pin", help="read a PIN (stdin, not echoed) and print its stored form")
    p.set_defaults(func=_cmd_hash_pin)
