"""Provider-neutral USSD hop (what came in) and reply (what goes out)."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from core.domain.msisdn import Msisdn


@dataclass(frozen=True, slots=True)
class UssdHop:
    """One request of a USSD session, parsed by a provider adapter.

    ``cursor`` is the provider's opaque position in the session, kept in the
    session store, so never what was typed (Africa's Talking: the length and a
    keyed digest of the cumulative text, which carries the PIN); the same
    cursor twice is a duplicate hop.
    ``read_inputs(previous_cursor)`` gives what the subscriber typed since the
    previous hop (``None`` on a new session: a chained dial may carry several).
    """

    provider: str
    session_id: str
    msisdn: Msisdn
    service_code: str
    network_code: str
    cursor: str
    read_inputs: Callable[[str | None], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Reply:
    """A screen to show: ``final`` ends the session; ``screen_id`` labels the hop (no personal data);
    ``error`` is the key of the refusal line shown on top (an invalid input), if any."""

    text: str
    final: bool
    screen_id: str
    error: str | None = None


def new_error_id() -> str:
    """An error id shown to the caller and logged: 8 hex characters, a letter first, so no log mask takes it
    for a phone number."""
    return secrets.choice("ABCDEF") + secrets.token_hex(4).upper()[1:]
