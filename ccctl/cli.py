"""``ccctl``: validate, generate, diff and reload a contact center; run the sandbox.

Exit status: 0 done, 1 the operation failed (a reload was rolled back, say),
2 the configuration or the command line is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ccctl import daemon
from ccctl.ami import AmiError, Credentials
from ccctl.config import ConfigError, json_schema, load
from ccctl.dialplan import Layout, PlanError, SecretsError
from ccctl.hours import cli as hours_cli
from ccctl.hours.sync import SyncReport
from ccctl.ident import cli as ident_cli
from ccctl.pbx import service
from ccctl.pbx.files import changes, unified_diff
from ccctl.pbx.image import ImageError, ensure_image
from ccctl.pbx.reload import ReloadError, reload
from ccctl.pbx.sandbox import Sandbox, SandboxError, install_standard_sounds
from ccctl.prompts import cli as prompts_cli
from ccctl.storm import cli as storm_cli
from ccctl.testing import sipp
from ccctl.web import cli as token_cli
from ccctl.web.tokens import Role, TokenFile
from ccctl.web.ui import cli as user_cli
from ccctl.web.ui.users import demo_users

log = logging.getLogger("ccctl")

EXIT_FAILED = 1
EXIT_INVALID = 2


def _cmd_validate(args: argparse.Namespace) -> int:
    loaded = load(args.config)
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    cc = loaded.config
    print(f"{args.config}: valid — {cc.site.name}: {len(cc.entry_points)} entry points, "
          f"{len(cc.queues)} queues, {len(cc.agents)} agents, {len(cc.skills)} skills")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _render(args: argparse.Namespace) -> service.Rendered:
    return service.render(args.config, args.secrets, layout=Layout(args.layout),
                          templates_dir=args.templates)


def _cmd_generate(args: argparse.Namespace) -> int:
    rendered = _render(args)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(rendered.files.items()):
        path = out / name
        path.write_text(text)
        path.chmod(0o640)  # they hold secrets
        print(path)
    return 0


def _target(args: argparse.Namespace) -> Path:
    return args.target if args.target else service.sandbox(args.name).etc


def _cmd_diff(args: argparse.Namespace) -> int:
    rendered = _render(args)
    batch = changes(_target(args), rendered.files)
    for change in batch:
        sys.stdout.write(unified_diff(change))
    if not batch:
        print(f"no changes: {_target(args)} already holds this configuration", file=sys.stderr)
    return 0


def _cmd_reload(args: argparse.Namespace) -> int:
    rendered = _render(args)
    if args.target:
        if not args.ami_credentials:
            print("--target needs --ami-credentials FILE (an [ami] section with host, port, "
                  "username, secret)", file=sys.stderr)
            return EXIT_INVALID
        credentials = Credentials.from_file(args.ami_credentials)
        owner = None
    else:
        credentials = service.sandbox_credentials(rendered)
        box = service.sandbox(args.name)
        if box.pid() is None:
            print(f"sandbox {args.name!r} is not running; start it with 'ccctl pbx up'",
                  file=sys.stderr)
            return EXIT_FAILED
        owner = box.image.asterisk_uid_gid()
    report = asyncio.run(reload(_target(args), rendered.files, credentials,
                                service.expectations(rendered.plan), owner=owner))
    if not report.changed:
        print("no changes; nothing reloaded")
    else:
        print(f"reloaded {', '.join(report.modules) or 'nothing'} for "
              f"{', '.join(report.changed)}; verified")
    _print_hours(asyncio.run(service.sync_hours(credentials, rendered.config)))
    return 0


def _print_hours(reports: list[SyncReport]) -> None:
    for report in reports:
        print(f"hours {report.schedule}: {report.written} day(s) written, "
              f"{report.deleted} stale deleted")


def _cmd_run(args: argparse.Namespace) -> int:
    rendered = service.render(args.config, args.secrets)
    host, _, port = args.http.rpartition(":")
    options = daemon.DaemonOptions(
        store_url=args.store or daemon.default_store_url(args.secrets.parent),
        config_dir=args.config.parent, tokens_path=args.tokens, secrets_path=args.secrets,
        http_host=host or "127.0.0.1", http_port=int(port))
    return daemon.run(rendered.config, rendered.secrets, options)


def _cmd_pbx_build(args: argparse.Namespace) -> int:
    image = ensure_image()
    if install_standard_sounds(image):
        print(f"{image.root}: Swedish standard sounds installed")
    print(f"{image.root}: {image.version()}")
    return 0


def _cmd_pbx_up(args: argparse.Namespace) -> int:
    rendered = _render(args)
    box = service.start_sandbox(rendered, args.name,
                                prompts=args.secrets.parent / "prompts" / args.name)
    _print_hours(asyncio.run(service.sync_hours(service.sandbox_credentials(rendered),
                                                rendered.config)))
    print(service.connection_summary(rendered, box, args.secrets), flush=True)
    if args.daemon:
        return _run_with_daemon(args, rendered, box)
    if not args.foreground:
        return 0
    print("Running in the foreground; Ctrl-C stops Asterisk.", flush=True)
    _wait_for_signal(lambda: box.pid() is not None)
    box.stop()
    print("Asterisk stopped.")
    return 0


def _run_with_daemon(args: argparse.Namespace, rendered: service.Rendered,
                     box: Sandbox) -> int:
    """``make run``: the daemon in the foreground next to the sandbox, with a fresh demo
    supervisor token printed (earlier demo tokens are revoked); Ctrl-C stops both."""
    state = args.secrets.parent
    tokens = TokenFile(state / "tokens.json")
    for old in tokens.tokens():
        if old.name.startswith("make-run-") and not old.revoked:
            tokens.revoke(old.name)
    name = f"make-run-{time.strftime('%Y%m%d-%H%M%S')}"
    token = tokens.create(name, Role.SUPERVISOR)
    print(f"ccctl daemon: REST API on http://127.0.0.1:8800 (GET /openapi.json)\n"
          f"  demo supervisor token ({name}, revoked at the next 'make run'):\n"
          f"  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8800/api/queues\n"
          "  web UI http://127.0.0.1:8800/ — demo log-ins (new passwords at every 'make run'):",
          flush=True)
    agents = [a.id for a in rendered.config.agents[:1]]
    for user, password in demo_users(state / "users.json", agents).items():
        print(f"    {user}  {password}")
    print("Running in the foreground; Ctrl-C stops the daemon and Asterisk.", flush=True)
    options = daemon.DaemonOptions(
        store_url=daemon.default_store_url(state), config_dir=args.config.parent,
        tokens_path=state / "tokens.json", secrets_path=args.secrets,
        voicemail_spool=box.home / "var/spool/voicemail")
    try:
        daemon.run(rendered.config, rendered.secrets, options)
    finally:
        box.stop()
        print("The daemon and Asterisk stopped.")
    return 0


def _wait_for_signal(still_running: Callable[[], bool]) -> None:
    stop = False

    def _handler(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGTERM, _handler)
    while not stop and still_running():
        time.sleep(0.5)


def _cmd_pbx_down(args: argparse.Namespace) -> int:
    box = service.sandbox(args.name)
    print("stopped" if box.stop() else f"sandbox {args.name!r} was not running")
    return 0


def _cmd_pbx_status(args: argparse.Namespace) -> int:
    box = service.sandbox(args.name)
    pid = box.pid()
    if pid is None:
        print(f"sandbox {args.name!r}: down")
        return EXIT_FAILED
    print(f"sandbox {args.name!r}: up, pid {pid}")
    print(box.rx("core show uptime").strip())
    print(box.rx("pjsip show endpoints").strip().splitlines()[-1])
    errors = box.log_lines("ERROR")
    print(f"{len(errors)} ERROR line(s) in {box.log_dir / 'messages.log'}")
    return 0


def _cmd_pbx_call(args: argparse.Namespace) -> int:
    rendered = _render(args)
    trunk = next((t for t in rendered.plan.trunks if t.auth_username), None)
    if trunk is None or trunk.auth_username is None:
        print("the configuration has no trunk with auth: true to call in through",
              file=sys.stderr)
        return EXIT_INVALID
    sip = rendered.config.pbx.sip
    result = sipp.run(sipp.Call(sip.bind, sip.port, args.number, trunk.auth_username,
                                rendered.secrets.trunk(trunk.name),
                                duration_ms=int(args.seconds * 1000),
                                scenario="caller_answered.xml"))
    if result.ok and result.pbx_hung_up:
        print(f"call to {args.number}: answered; the PBX ended it within {args.seconds:g} s "
              "(with no agent reachable, the queue's no-agents action applies)")
        return 0
    if result.ok:
        print(f"call to {args.number}: answered, held {args.seconds:g} s, hung up cleanly")
        return 0
    print(f"call to {args.number} failed (sipp exit {result.returncode}):\n{result.errors}",
          file=sys.stderr)
    return EXIT_FAILED


def _add_render_options(
    p: argparse.ArgumentParser, *, target: bool = False, layout: bool = True
) -> None:
    p.add_argument("config", type=Path, help="the contact center's main YAML file")
    p.add_argument("--secrets", type=Path,
                   default=service.default_state_dir() / "secrets.json",
                   help="generated secrets file (created 0600 when missing; default: "
                        "%(default)s)")
    p.add_argument("--templates", type=Path, default=None,
                   help="operator template directory searched before the packaged templates")
    if layout:
        p.add_argument("--layout", choices=[x.value for x in Layout],
                       default=Layout.SANDBOX.value,
                       help="sandbox: complete files; include: ccctl-*.conf for a site's own "
                            "files to #include")
    else:
        p.set_defaults(layout=Layout.SANDBOX.value)
    if target:
        p.add_argument("--target", type=Path, default=None,
                       help="Asterisk config directory to compare with / install into "
                            "(default: the sandbox's)")
        p.add_argument("--ami-credentials", type=Path, default=None,
                       help="INI file with [ami] host, port, username, secret (with --target)")
        p.add_argument("--name", default="default", help="sandbox instance name")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccctl", description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a configuration; errors at file:line:column")
    p.add_argument("config", type=Path, help="the contact center's main YAML file")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the YAML (for editors)")
    p.add_argument("--out", type=Path, default=None,
                   help="write the schema to this file instead of standard output")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("generate", help="render the Asterisk config files into a directory")
    _add_render_options(p)
    p.add_argument("--out", type=Path, required=True, help="directory to write into")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("diff", help="show what a reload would change (secrets masked)")
    _add_render_options(p, target=True)
    p.set_defaults(func=_cmd_diff)

    p = sub.add_parser("reload", help="install, reload over AMI, verify; roll back on failure")
    _add_render_options(p, target=True)
    p.set_defaults(func=_cmd_reload)

    p = sub.add_parser("run", help="the daemon: calls wait in ccctl's queues, REST API")
    _add_render_options(p, layout=False)
    p.add_argument("--store", default=None,
                   help="sqlite:///PATH or postgresql://… (default: ccctl.db beside the "
                        "secrets file)")
    p.add_argument("--http", default="127.0.0.1:8800",
                   help="HOST:PORT for the REST API (default: %(default)s; keep it on "
                        "loopback)")
    token_cli.add_tokens_option(p)
    p.set_defaults(func=_cmd_run)

    pbx = sub.add_parser("pbx", help="the sandbox Asterisk 22").add_subparsers(
        dest="pbx_command", required=True, metavar="ACTION")
    p = pbx.add_parser("build", help="build the cached Debian sid image with Asterisk 22")
    p.set_defaults(func=_cmd_pbx_build)
    p = pbx.add_parser("up", help="install the config and start Asterisk on loopback")
    _add_render_options(p, layout=False)
    p.add_argument("--name", default="default", help="sandbox instance name")
    p.add_argument("--foreground", action="store_true", help="stay running until Ctrl-C")
    p.add_argument("--daemon", action="store_true",
                   help="also run the ccctl daemon in the foreground (what 'make run' does)")
    p.set_defaults(func=_cmd_pbx_up)
    for action, func, text in (("down", _cmd_pbx_down, "stop the sandbox Asterisk"),
                               ("status", _cmd_pbx_status, "is it running; endpoints; errors")):
        p = pbx.add_parser(action, help=text)
        p.add_argument("--name", default="default", help="sandbox instance name")
        p.set_defaults(func=func)
    p = pbx.add_parser("call", help="place a SIPp test call to NUMBER through the trunk")
    _add_render_options(p, layout=False)
    p.add_argument("number", help="number to call, e.g. +46846500400")
    p.add_argument("--seconds", type=float, default=3.0, help="how long to stay on the line")
    p.set_defaults(func=_cmd_pbx_call)
    storm_cli.add_parsers(sub)
    hours_cli.add_parsers(sub)
    ident_cli.add_parsers(sub)
    prompts_cli.add_parsers(sub)
    token_cli.add_parsers(sub)
    user_cli.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.func(args)
    except (ConfigError, PlanError, SecretsError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except ReloadError as exc:
        print(f"reload failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (AmiError, SandboxError, ImageError, OSError, RuntimeError) as exc:
        print(f"ccctl: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return code
