"""Callback secrets checked in constant time, closed by default in production."""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from config import PRODUCTION


def key_matches(expected: str | None, given: str | None) -> bool:
    """True when no key is configured, or ``given`` equals it (compared in constant time)."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def callback_allowed(config: Mapping[str, Any], secrets: Mapping[str, str | None]) -> bool:
    """Whether a provider callback may be served: every configured secret (setting name -> what the request
    carries) matches, in constant time. With none of them configured, a callback is open in development
    and closed in production."""
    if not any(config.get(setting) for setting in secrets):
        return config.get("GATEWAY_ENV") != PRODUCTION
    matches = [hmac.compare_digest(str(config.get(setting) or "").encode(), (given or "").encode())
               for setting, given in secrets.items()]  # every one compared, whichever fails
    return all(matches)
