"""What a caller must see while a server is down: the bounds and the apology the fault tests check."""
from __future__ import annotations

import re

from menus.texts import render

HOP_BOUND = 2.5  # seconds: the hop deadline (2 s) plus the Redis socket timeout's slack, never more
PROBE_BOUND = 1.0  # seconds: /readyz must answer a load balancer within 1 s
BANK_BOUND = 10.0  # seconds: a bank notification must get its 503 within 10 s
_MARK = "QQQQQQQQ"  # as long as an error id: render() clips placeholders to their length
APOLOGY = re.compile(re.escape(render("common.internal_error", "fr", {"error_id": _MARK})).replace(
    _MARK, r"(?P<error_id>[0-9A-Za-z-]{4,})") + "$")


def is_sms_follows(screen: str) -> bool:
    """True for the screen that ends a hop at its deadline and promises the result by SMS."""
    return screen == render("common.sms_follows", "fr")


def is_try_again(screen: str) -> bool:
    """True for the screen that ends a hop whose lookup outlived its deadline (nothing worth texting)."""
    return screen == render("common.service_busy", "fr")


def is_apology(screen: str) -> bool:
    """True for the French apology carrying an error id (the caller can quote it to the hotline)."""
    return APOLOGY.fullmatch(screen) is not None
