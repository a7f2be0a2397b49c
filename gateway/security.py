"""Callback-key checks in constant time."""
from __future__ import annotations

import hmac


def key_matches(expected: str | None, given: str | None) -> bool:
    """True when no key is configured, or ``given`` equals it (compared in constant time)."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
