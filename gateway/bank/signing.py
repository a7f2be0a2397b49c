"""Request signatures: HMAC-SHA256 over timestamp, method, path and raw body, checked in constant time."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

MAX_SKEW_SECONDS = 300


@dataclass(frozen=True, slots=True)
class SignatureProblem(Exception):
    """Why a request is refused with 401 (never says which part was wrong beyond a short reason)."""

    reason: str


def signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of ``timestamp \\n METHOD \\n path \\n body``."""
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secrets: Mapping[str, str], caller_id: str | None, timestamp: str | None, given: str | None,
           method: str, path: str, body: bytes, now: float) -> str:
    """The verified caller id, or ``SignatureProblem``."""
    if not caller_id or not timestamp or not given:
        raise SignatureProblem("missing_signature_headers")
    secret = secrets.get(caller_id)
    if secret is None:
        raise SignatureProblem("unknown_caller")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        raise SignatureProblem("stale_timestamp")
    expected = signature(secret, timestamp, method, path, body)
    if not hmac.compare_digest(expected, given.strip().lower()):
        raise SignatureProblem("bad_signature")
    return caller_id


def parse_secrets(raw: str | None) -> dict[str, str]:
    """``"ibbank:s3cret,otherbank:x"`` -> mapping (secrets contain no comma)."""
    found: dict[str, str] = {}
    for part in (raw or "").split(","):
        if ":" in part:
            name, secret = part.split(":", 1)
            if name.strip() and secret.strip():
                found[name.strip()] = secret.strip()
    return found
