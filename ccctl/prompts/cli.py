"""The ``ccctl prompts`` commands; the main CLI adds them with :func:`add_parsers`.

Exit status as for the rest of ccctl: 0 done, 2 a prompt or recording is
wrong (the message names each file), 1 a tool is missing or the output
cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccctl.prompts import sounds
from ccctl.prompts.build import BuildError, Options, build
from ccctl.prompts.errors import PromptError, ToolMissingError
from ccctl.prompts.importer import DEFAULT_MAX_SECONDS

EXIT_FAILED = 1
EXIT_INVALID = 2


def add_parsers(subparsers: Any) -> None:
    """Add ``prompts build`` and ``prompts sounds`` to the main parser's subparsers."""
    prompts = subparsers.add_parser("prompts", help="build prompts from text and recordings")
    sub = prompts.add_subparsers(dest="prompts_command", required=True, metavar="COMMAND")
    p = sub.add_parser("build", help="synthesise/import every prompt into <out>/<lang>/<id>.wav")
    p.add_argument("config", type=Path, help="the contact center's YAML file")
    p.add_argument("--out", type=Path, default=None,
                   help="output directory (default: 'prompts' beside the config file)")
    p.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS,
                   help=f"longest recording accepted (default {DEFAULT_MAX_SECONDS:.0f} s)")
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("sounds", help="write Asterisk's standard sounds in Swedish into DIR "
                       "(e.g. /usr/share/asterisk/sounds/sv)")
    p.add_argument("dir", type=Path, help="target directory")
    p.set_defaults(func=_cmd_sounds)


def _cmd_build(args: argparse.Namespace) -> int:
    out: Path = args.out or args.config.parent / "prompts"
    try:
        report = build(args.config, out, Options(max_seconds=args.max_seconds))
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED if exc.tool_missing else EXIT_INVALID
    print(f"{out}: {len(report.built)} built, {len(report.skipped)} unchanged, "
          f"{len(report.filled)} filled from another language, {len(report.removed)} removed")
    return 0


def _cmd_sounds(args: argparse.Namespace) -> int:
    try:
        written = sounds.install_sounds(args.dir)
    except ToolMissingError as exc:
        print(f"ccctl: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except PromptError as exc:
        print(f"ccctl: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.dir}: {'written' if written else 'already up to date'}")
    return 0
