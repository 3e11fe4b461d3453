"""SMS gateway: one interface, three providers, retries with idempotency keys.

* :mod:`models` — :class:`SmsMessage`, :class:`SendResult`, :class:`DeliveryReport`.
* :mod:`provider` — the :class:`SmsProvider` protocol and shared HTTP handling;
  :mod:`twilio_provider` (official ``twilio`` package, async),
  :mod:`elks_provider` (46elks HTTP API), :mod:`webhook_provider` (generic JSON).
* :mod:`sender` — :class:`SmsSender`: retries, backoff, the idempotency ledger
  (:mod:`ledger`, in memory or SQLite), delivery reports.
* :mod:`config`, :mod:`templates`, :mod:`factory` — configuration, message
  texts per language, and building it all. See docs/sms.md.
"""

# ccctl.config.models imports this package's config models, which import
# ccctl.config.types: load ccctl.config first, so that importing this package on
# its own never meets a half-initialised ccctl.config (a circular import).
import ccctl.config  # noqa: F401  (isort: skip)

from ccctl.sms.errors import (
    ForgedCallbackError,
    IdempotencyConflictError,
    InvalidMessageError,
    MalformedCallbackError,
    PermanentSendError,
    RetriesExhaustedError,
    SendError,
    SmsError,
    TemplateError,
    TransientSendError,
    UncertainSendError,
)
from ccctl.sms.factory import build_provider, load_sms_secrets, open_sms, resolve_secret
from ccctl.sms.ledger import MemoryLedger, SendLedger, SqliteLedger
from ccctl.sms.models import (
    CallbackRequest,
    DeliveryReport,
    DeliveryState,
    SendResult,
    SmsMessage,
)
from ccctl.sms.provider import SmsProvider, callback_from_aiohttp
from ccctl.sms.retry import RetryPolicy
from ccctl.sms.sender import SmsSender
from ccctl.sms.templates import CallbackUnreachable, SmsTemplates, VoicemailNotice

__all__ = [
    "CallbackRequest",
    "CallbackUnreachable",
    "DeliveryReport",
    "DeliveryState",
    "ForgedCallbackError",
    "IdempotencyConflictError",
    "InvalidMessageError",
    "MalformedCallbackError",
    "MemoryLedger",
    "PermanentSendError",
    "RetriesExhaustedError",
    "RetryPolicy",
    "SendError",
    "SendLedger",
    "SendResult",
    "SmsError",
    "SmsMessage",
    "SmsProvider",
    "SmsSender",
    "SmsTemplates",
    "SqliteLedger",
    "TemplateError",
    "TransientSendError",
    "UncertainSendError",
    "VoicemailNotice",
    "build_provider",
    "callback_from_aiohttp",
    "load_sms_secrets",
    "open_sms",
    "resolve_secret",
]
