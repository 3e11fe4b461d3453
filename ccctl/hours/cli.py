"""``ccctl hours sync|check``: holidays into AstDB; is an entry point open at a moment.

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
from ccctl.config import load_config
from ccctl.hours.calendar import evaluate
from ccctl.hours.sync import SyncReport, sync
from ccctl.pbx import service
from ccctl.storm import connect

EXIT_INVALID = 2


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hours = subparsers.add_parser(
        "hours", help="opening hours: sync holidays to Asterisk, check a moment"
    ).add_subparsers(dest="hours_command", required=True, metavar="ACTION")

    p = hours.add_parser("sync", help="write holidays, reduced days and exceptions to AstDB")
    p.add_argument("config", type=Path, help="the contact center's main YAML file")
    p.add_argument("--today", default=None,
                   help="first day to write, YYYY-MM-DD (default: today in the site time zone)")
    connect.add_options(p)
    p.set_defaults(func=_cmd_sync)

    p = hours.add_parser("check", help="is ENTRY open, reduced or closed, and why")
    p.add_argument("config", type=Path, help="the contact center's main YAML file")
    p.add_argument("entry", help="entry-point id")
    p.add_argument("--at", default=None,
                   help="moment, ISO time e.g. 2026-06-19T10:00 (site time zone unless "
                        "given; default: now)")
    p.set_defaults(func=_cmd_check)


def _cmd_sync(args: argparse.Namespace) -> int:
    rendered = service.render(args.config, args.secrets)
    cc = rendered.config
    zone = ZoneInfo(cc.site.timezone)
    today = (dt.date.fromisoformat(args.today) if args.today
             else dt.datetime.now(zone).date())

    async def run() -> list[SyncReport]:
        async with AmiClient(connect.credentials(args, rendered)) as ami:
            return [await sync(ami, schedule, today) for schedule in cc.hours]

    for report in asyncio.run(run()):
        print(f"hours {report.schedule}: {report.written} day(s) written, "
              f"{report.deleted} stale deleted (from {today}, 400 days)")
    if not cc.hours:
        print(f"{args.config}: no 'hours:' schedules; nothing to sync")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    cc = load_config(args.config)
    entry = next((e for e in cc.entry_points if e.id == args.entry), None)
    if entry is None:
        print(f"{args.config}: no entry point {args.entry!r}; use one of "
              f"{', '.join(e.id for e in cc.entry_points)}", file=sys.stderr)
        return EXIT_INVALID
    zone = ZoneInfo(cc.site.timezone)
    try:
        at = dt.datetime.fromisoformat(args.at) if args.at else dt.datetime.now(zone)
    except ValueError:
        print(f"--at {args.at!r} is not an ISO time; write e.g. 2026-06-19T10:00",
              file=sys.stderr)
        return EXIT_INVALID
    local = at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone)
    schedule = next((s for s in cc.hours if s.id == entry.hours), None)
    if schedule is None:
        print(f"{entry.id} at {local:%Y-%m-%d %H:%M}: open (no opening hours configured)")
        return 0
    verdict = evaluate(schedule, local, cc.site.timezone)
    print(f"{entry.id} at {local:%Y-%m-%d %H:%M %Z}: {verdict.state} ({verdict.why}; "
          f"schedule {schedule.id})")
    return 0
