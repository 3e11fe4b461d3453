"""AMI options shared by ``ccctl storm`` and ``ccctl hours``: sandbox or production.

Without ``--ami-credentials`` the commands talk to the sandbox Asterisk that
``ccctl pbx up`` started for the configuration (credentials from its secrets
file), like ``ccctl reload`` does.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ccctl.ami import Credentials
from ccctl.pbx import service


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", "-c", type=Path,
                   default=Path(os.environ.get("CCCTL_CONFIG", "ccctl.yaml")),
                   help="the contact center's main YAML file (default: $CCCTL_CONFIG or "
                        "ccctl.yaml)")
    p.add_argument("--secrets", type=Path,
                   default=service.default_state_dir() / "secrets.json",
                   help="generated secrets file of the sandbox (default: %(default)s)")
    p.add_argument("--ami-credentials", type=Path, default=None,
                   help="INI file with [ami] host, port, username, secret (production); "
                        "default: the sandbox's")
    p.add_argument("--name", default="default", help="sandbox instance name")


def credentials(args: argparse.Namespace, rendered: service.Rendered) -> Credentials:
    if args.ami_credentials:
        return Credentials.from_file(args.ami_credentials)
    return service.sandbox_credentials(rendered)


def prompts_root(args: argparse.Namespace, rendered: service.Rendered) -> Path:
    """The prompts directory as this machine sees it (inside the image for the sandbox)."""
    configured = rendered.plan.prompts_dir
    if args.ami_credentials:
        return Path(configured.replace("${ASTVARLIBDIR}", "/var/lib/asterisk")
                    .replace("${ASTDATADIR}", "/usr/share/asterisk"))
    box = service.sandbox(args.name)
    inside = (configured.replace("${ASTVARLIBDIR}", str(box.inside / "var/lib"))
              .replace("${ASTDATADIR}", "/usr/share/asterisk"))
    return box.image.root / inside.lstrip("/")
