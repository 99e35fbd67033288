"""The signature on every delivery, and its check for receivers (and tests).

    Casedesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

`t` is the instant of the attempt (each retry signs anew with its own time), `body` the exact bytes POSTed
(UTF-8 JSON). Replay protection is the receiver's: reject a `t` more than 5 minutes from its own clock
(`tolerance`), so a captured request cannot be replayed later, and remember the `Casedesk-Delivery` ids it
has processed, so a retry of a delivery it already took (a lost answer) is recognised and not applied twice.
Several `v1=` entries may come (a secret being rotated): any one matching is enough.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

HEADER = "Casedesk-Signature"
TOLERANCE = 300  # seconds


class SignatureError(ValueError):
    """The header is missing, malformed, too old or does not match the body."""


def sign(secret: str, body: bytes, t: int) -> str:
    """The hex HMAC-SHA256 of f"{t}." followed by the body, keyed by the secret."""
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, now: datetime) -> str:
    t = int(now.timestamp())
    return f"t={t},v1={sign(secret, body, t)}"


def verify(secret: str, header: str, body: bytes, now: datetime, tolerance: int = TOLERANCE) -> int:
    """Check a Casedesk-Signature header against the body as received; its timestamp if valid, else
    SignatureError saying why."""
    t: int | None = None
    signatures = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            t = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if t is None or not signatures:
        raise SignatureError("no t= and v1= in the signature header")
    if abs(now.timestamp() - t) > tolerance:
        raise SignatureError(f"timestamp {t} is more than {tolerance} s from now: a replay or a wrong clock")
    expected = sign(secret, body, t)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("the signature does not match the body")
    return t
