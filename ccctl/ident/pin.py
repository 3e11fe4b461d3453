"""PINs: stored as salted scrypt hashes, compared in constant time.

The stored form is ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (salt and hash in
base64), produced by ``ccctl ident hash-pin``. Parameters travel with the
hash so they can be raised later without invalidating stored PINs.

>>> stored = hash_pin("4711", salt=bytes(16))
>>> stored.startswith("scrypt$16384$8$1$")
True
>>> verify_pin("4711", stored), verify_pin("4712", stored)
(True, False)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

__all__ = ["PinError", "check_pin_format", "hash_pin", "is_pin_hash", "verify_pin"]

# ~16 MiB and some tens of milliseconds per check: slow for guessing, fine per call.
_N, _R, _P = 2**14, 8, 1
_DKLEN = 32
_PIN = re.compile(r"^[0-9]{4,8}$")
_STORED = re.compile(
    r"^scrypt\$(?P<n>[0-9]{1,8})\$(?P<r>[0-9]{1,2})\$(?P<p>[0-9]{1,2})"
    r"\$(?P<salt>[A-Za-z0-9+/=]{16,88})\$(?P<hash>[A-Za-z0-9+/=]{16,88})$")


class PinError(ValueError):
    """A PIN of the wrong shape, or a stored hash that is not one. Never holds the PIN."""


def check_pin_format(pin: str) -> None:
    if _PIN.fullmatch(pin) is None:
        raise PinError("a PIN is 4 to 8 digits")


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The stored form of ``pin`` with a fresh random salt (``salt`` only for tests)."""
    check_pin_format(pin)
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return "$".join(["scrypt", str(_N), str(_R), str(_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def is_pin_hash(stored: str) -> bool:
    """True when ``stored`` has the shape ``hash_pin`` produces."""
    return _STORED.fullmatch(stored) is not None


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` hashes to ``stored``; the comparison takes constant time."""
    match = _STORED.fullmatch(stored)
    if match is None:
        raise PinError("stored PIN is not in the form 'ccctl ident hash-pin' produces")
    n, r, p = int(match["n"]), int(match["r"]), int(match["p"])
    if n < 2**10 or n > 2**20 or n & (n - 1):
        raise PinError("stored PIN hash has an unusable scrypt cost")
    try:
        salt = base64.b64decode(match["salt"], validate=True)
        expected = base64.b64decode(match["hash"], validate=True)
    except binascii.Error:
        raise PinError("stored PIN hash is not valid base64") from None
    if _PIN.fullmatch(pin) is None:
        # Still spend the time, so a malformed entry is not faster to reject.
        pin = ""
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected),
                            maxmem=128 * r * (n + p + 2) + 1024 * 1024)
    return hmac.compare_digest(digest, expected) and pin != ""
