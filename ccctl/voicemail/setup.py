"""Build shared voicemail for the daemon from the configuration, in one call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ccctl.config.models import ContactCenter
from ccctl.menus.plan import VOICEMAIL_CONTEXT
from ccctl.sms.sender import SmsSender
from ccctl.store import Store
from ccctl.voicemail.mail import MailError, SmtpMailer, load_secret_group
from ccctl.voicemail.notify import Notifier
from ccctl.voicemail.service import Voicemails, mailboxes_of
from ccctl.voicemail.spool import SpoolScanner, resolve_spool
from ccctl.voicemail.watcher import SpoolWatcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoicemailDesk:
    """What the daemon holds: the rules for the API, and the loop to run."""

    service: Voicemails
    watcher: SpoolWatcher


def build_voicemail(cc: ContactCenter, store: Store, *, config_dir: Path,
                    secrets_path: Path | None, sms: SmsSender | None,
                    spool: Path | None = None, clock: Callable[[], float] = time.time,
                    poll_s: float = 2.0) -> VoicemailDesk | None:
    """None when no action leaves voicemail and no mailbox notifies anyone. ``spool``
    overrides ``pbx.voicemail_spool`` (``make run`` passes its sandbox's)."""
    boxes = mailboxes_of(cc)
    if not boxes:
        return None
    spool = spool or resolve_spool(cc.pbx.voicemail_spool, config_dir)
    mailer = _mailer(cc, secrets_path)
    if sms is None and any(box.sms for box in boxes.values()):
        log.warning("voicemail: SMS notices are configured but no SMS sender is open "
                    "(no sms: section or no secrets file); none will be sent")
    notifier = Notifier(cc, store, boxes, spool, sms=sms, mailer=mailer, clock=clock)
    scanner = SpoolScanner(spool, VOICEMAIL_CONTEXT, tuple(sorted(boxes)))
    service = Voicemails(store, boxes, spool, {a.id: a.name for a in cc.agents}, clock)
    return VoicemailDesk(service, SpoolWatcher(scanner, store, notifier, poll_s=poll_s))


def _mailer(cc: ContactCenter, secrets_path: Path | None) -> SmtpMailer | None:
    if cc.smtp is None:
        return None
    try:
        secrets = load_secret_group(secrets_path, "smtp") if secrets_path else {}
        return SmtpMailer(cc.smtp, secrets)
    except MailError as exc:
        # The calls matter more than the e-mails: run without them, loudly.
        log.error("voicemail: e-mail notices are off: %s", exc)
        return None
