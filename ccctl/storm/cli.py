"""``ccctl storm set|clear|show``: storm messages that take effect on the next call.

Wiring: ``ccctl.cli`` calls :func:`add_parsers` with its sub-parsers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from ccctl.ami import AmiClient
from ccctl.pbx import service
from ccctl.prompts.synth import synthesize
from ccctl.storm import connect
from ccctl.storm.service import ALL, Mode, StormMessage, clear, set_message, show

EXIT_INVALID = 2


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    storm = subparsers.add_parser(
        "storm", help="storm messages: a temporary announcement, no reload needed"
    ).add_subparsers(dest="storm_command", required=True, metavar="ACTION")

    p = storm.add_parser("set", help="play a message to every new caller of ENTRY (or all)")
    p.add_argument("entry", help="entry-point id, or 'all'")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--prompt", help="id of a prompt from the configuration")
    what.add_argument("--text", help="text to synthesise (in --lang)")
    p.add_argument("--lang", default=None, help="language of --text (default: the site's)")
    p.add_argument("--from", dest="start", default=None,
                   help="start, ISO time e.g. 2026-11-25T14:00 (default: now)")
    p.add_argument("--until", default=None, help="end, ISO time (default: until cleared)")
    p.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.CONTINUE.value,
                   help="after the message: continue to the menu, or hang up")
    connect.add_options(p)
    p.set_defaults(func=_cmd_set)

    p = storm.add_parser("clear", help="remove the message of ENTRY (or all)")
    p.add_argument("entry", help="entry-point id, or 'all'")
    connect.add_options(p)
    p.set_defaults(func=_cmd_clear)

    p = storm.add_parser("show", help="list the storm messages stored now")
    connect.add_options(p)
    p.set_defaults(func=_cmd_show)


def _rendered(args: argparse.Namespace) -> service.Rendered:
    return service.render(args.config, args.secrets)


def _key(args: argparse.Namespace, rendered: service.Rendered) -> str | None:
    entries = [e.id for e in rendered.config.entry_points]
    if args.entry == ALL or args.entry in entries:
        return str(args.entry)
    print(f"{args.config}: no entry point {args.entry!r}; use one of {', '.join(entries)} "
          "or 'all'", file=sys.stderr)
    return None


def _epoch(text: str | None, timezone: str, option: str) -> int:
    if text is None:
        return 0
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"ccctl storm: {option} {text!r} is not an ISO time; write e.g. "
                         "2026-11-25T14:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return int(moment.timestamp())


def _cmd_set(args: argparse.Namespace) -> int:
    rendered = _rendered(args)
    key = _key(args, rendered)
    if key is None:
        return EXIT_INVALID
    site = rendered.config.site
    prompt = args.prompt
    if prompt is not None and prompt not in {p.id for p in rendered.config.prompts}:
        print(f"{args.config}: no prompt {prompt!r} under 'prompts:'; give --text instead, or "
              "add the prompt and run 'ccctl prompts build'", file=sys.stderr)
        return EXIT_INVALID
    if args.text is not None:
        prompt = _synthesise(args, rendered, key)
    message = StormMessage(prompt, Mode(args.mode), _epoch(args.start, site.timezone, "--from"),
                           _epoch(args.until, site.timezone, "--until"))
    if message.until and message.until <= max(message.start, int(dt.datetime.now().timestamp())):
        print("--until is in the past or before --from: the message would never play",
              file=sys.stderr)
        return EXIT_INVALID

    async def run() -> None:
        async with AmiClient(connect.credentials(args, rendered)) as ami:
            await set_message(ami, key, message)

    asyncio.run(run())
    print(f"storm message for {key}: {message.describe(dt.datetime.now(dt.UTC))}; "
          "new calls hear it now")
    return 0


def _synthesise(args: argparse.Namespace, rendered: service.Rendered, key: str) -> str:
    """Speak ``--text`` into the prompt directory for its language (and languages lacking one)."""
    site = rendered.config.site
    language = args.lang or site.default_language
    if language not in site.languages:
        raise SystemExit(f"ccctl storm: --lang {language!r} is not one of site.languages "
                         f"({', '.join(site.languages)})")
    prompt = f"storm-{key}"
    root = connect.prompts_root(args, rendered)
    out: Path = synthesize(args.text, language, root / language / f"{prompt}.wav")
    for other in site.languages:  # a caller in another language hears this one, not silence
        target = root / other / f"{prompt}.wav"
        if other != language and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(out.read_bytes())
    return prompt


def _cmd_clear(args: argparse.Namespace) -> int:
    rendered = _rendered(args)
    key = _key(args, rendered)
    if key is None:
        return EXIT_INVALID

    async def run() -> bool:
        async with AmiClient(connect.credentials(args, rendered)) as ami:
            return await clear(ami, key)

    print(f"storm message for {key} cleared" if asyncio.run(run())
          else f"there was no storm message for {key}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    rendered = _rendered(args)
    keys = [ALL, *sorted(e.id for e in rendered.config.entry_points)]

    async def run() -> dict[str, StormMessage]:
        async with AmiClient(connect.credentials(args, rendered)) as ami:
            return await show(ami, keys)

    messages = asyncio.run(run())
    now = dt.datetime.now(dt.UTC)
    for key, message in messages.items():
        print(f"{key}: {message.describe(now)}")
    if not messages:
        print("no storm messages")
    return 0
