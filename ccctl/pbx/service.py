"""What the ``ccctl`` commands do with a configuration and an Asterisk.

One place turns a config file into rendered files, finds the secrets, the
target directory and the AMI credentials, for the sandbox and for an existing
(production) Asterisk alike. The CLI only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ccctl.ami import AmiClient, Credentials
from ccctl.config import ContactCenter, load_config
from ccctl.dialplan import Layout, PbxPlan, Secrets, build_plan, load_or_create, render_asterisk
from ccctl.hours.sync import SyncReport, sync
from ccctl.pbx.image import Image, default_cache_dir, ensure_image
from ccctl.pbx.reload import Expectations
from ccctl.pbx.sandbox import Sandbox
from ccctl.prompts.build import build as build_prompts


def default_state_dir() -> Path:
    env = os.environ.get("CCCTL_STATE_DIR")
    if env:
        return Path(env)
    if os.geteuid() == 0:
        return Path("/var/lib/ccctl")
    return Path.home() / ".local" / "state" / "ccctl"


@dataclass(frozen=True)
class Rendered:
    """A configuration and everything generated from it."""

    path: Path
    config: ContactCenter
    plan: PbxPlan
    secrets: Secrets
    files: dict[str, str]


def render(
    config_path: Path,
    secrets_path: Path,
    *,
    layout: Layout = Layout.SANDBOX,
    templates_dir: Path | None = None,
    config: ContactCenter | None = None,
) -> Rendered:
    """Load (unless given), plan and render; creates missing secrets."""
    cc = config if config is not None else load_config(config_path)
    plan = build_plan(cc)
    secrets = load_or_create(secrets_path, cc)
    if templates_dir is None and cc.pbx.templates_dir:
        # A relative pbx.templates_dir is relative to the config file, not to the cwd.
        templates_dir = config_path.parent / cc.pbx.templates_dir
    files = render_asterisk(plan, secrets, templates_dir=templates_dir, layout=layout)
    return Rendered(config_path, cc, plan, secrets, files)


def expectations(plan: PbxPlan) -> Expectations:
    """What a live Asterisk must hold once ``plan`` is loaded (context names as generated)."""
    contexts = {"ccctl-inbound", "ccctl-agents", "ccctl-storm"}
    contexts |= {f"ccctl-entry-{e.id}" for e in plan.entry_points}
    contexts |= {f"ccctl-queue-{q.id}" for q in plan.queues}
    contexts |= {f"ccctl-menu-{m.id}" for m in plan.menus}
    contexts |= {f"ccctl-menu-{m.id}-options" for m in plan.menus}
    contexts |= {f"ccctl-hours-{s.id}" for s in plan.schedules}
    return Expectations(
        endpoints=frozenset([a.name for a in plan.agents] + [t.name for t in plan.trunks]),
        contexts=frozenset(contexts),
        extensions=frozenset(("ccctl-inbound", r.number) for r in plan.inbound_routes),
        queues=frozenset(q.id for q in plan.queues),
    )


def sandbox_credentials(rendered: Rendered) -> Credentials:
    ami = rendered.config.pbx.ami
    host = "127.0.0.1" if ami.bind in ("0.0.0.0", "") else ami.bind
    return Credentials(host, ami.port, rendered.plan.ami_user, rendered.secrets.ami_password)


def sandbox(name: str) -> Sandbox:
    """A sandbox instance in the cached image, without building the image if it is missing."""
    return Sandbox(Image(default_cache_dir() / "asterisk-root"), name)


def start_sandbox(rendered: Rendered, name: str, *, prompts: Path | None = None) -> Sandbox:
    """Install the rendered files (and, given a build directory, the prompts built from
    the configuration) into a fresh config tree and start Asterisk."""
    box = Sandbox(ensure_image(), name)
    box.install(rendered.files)
    if prompts is not None:
        build_prompts(rendered.path, prompts)
        box.install_prompts(prompts, rendered.config.pbx.prompts_dir)
    box.start(rendered.config.pbx)
    return box


async def sync_hours(credentials: Credentials, cc: ContactCenter,
                     today: dt.date | None = None) -> list[SyncReport]:
    """Holidays, reduced days and exceptions of every schedule into AstDB (see hours.sync)."""
    day = today or dt.datetime.now(ZoneInfo(cc.site.timezone)).date()
    async with AmiClient(credentials) as ami:
        return [await sync(ami, schedule, day) for schedule in cc.hours]


def connection_summary(rendered: Rendered, box: Sandbox, secrets_path: Path) -> str:
    cc, plan = rendered.config, rendered.plan
    lines = [
        f"Asterisk sandbox {box.name!r} is up (pid {box.pid()}) with {cc.site.name}.",
        f"  SIP (UDP)      {cc.pbx.sip.bind}:{cc.pbx.sip.port}",
        f"  WebRTC (WS)    ws://{cc.pbx.http.bind}:{cc.pbx.http.port}/ws",
        f"  AMI            {cc.pbx.ami.bind}:{cc.pbx.ami.port} (user {plan.ami_user})",
        f"  ARI            http://{cc.pbx.http.bind}:{cc.pbx.http.port}/ari "
        f"(user {plan.ari_user}, app {plan.stasis_app})",
        f"  Passwords      in {secrets_path} (mode 0600; never printed)",
        "  Agents (SIP user = id):",
    ]
    lines += [f"    {a.name:<10} ext {a.extension}  {'WebRTC' if a.webrtc else 'SIP phone'}"
              for a in plan.agents]
    lines.append("  Entry numbers:")
    lines += [f"    {r.number:<14} → {r.entry_point} ({r.language}) → "
              + (f"queue {r.queue}" if r.queue else "opening hours and menus")
              for r in plan.inbound_routes]
    if plan.trunks:
        lines.append(f"  Test call      ccctl pbx call CONFIG {plan.inbound_routes[0].number}"
                     f"  (SIPp calls in as trunk {plan.trunks[0].name!r})")
    lines.append(f"  Logs           {box.log_dir}/messages.log")
    return "\n".join(lines)
