"""The session-store port: one locked read and one write per hop, every key with a TTL."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.domain.msisdn import Msisdn
from menus.state import SessionState


STRANGER = "[]"  # the caller record of a phone known to hold no account (no directory lookup needed)


class SessionBusyError(Exception):
    """Another hop of the same session held the lock for longer than we may wait."""


@dataclass(frozen=True, slots=True)
class StoreTtls:
    """Lifetimes in seconds: session, per-session lock, resume checkpoint, remembered language, and the
    cached accounts of a phone (``caller``; 0 turns that cache off)."""

    session: int = 300
    lock: float = 5.0
    resume: int = 600
    language: int = 365 * 24 * 3600
    caller: int = 60


@dataclass(slots=True)
class HopLease:
    """What ``acquire`` read under the session lock, and the lock's token."""

    session_key: str
    msisdn: str
    token: str
    state: SessionState | None
    checkpoint: SessionState | None
    language: str | None
    caller: str | None = None  # the phone's accounts as last cached (JSON), None when not cached
    registry_stale: bool = False  # the store's phone registry needs a refresh (``refresh_registry``)
    limited: bool = False  # a new session refused by the session limit: nothing read, lock already released


class SessionStore(Protocol):
    """Sessions keyed by provider and session id; checkpoints and language keyed by phone.

    Key layout (Redis), every key of a phone under its hash tag ``{pN}`` (N: its registry bucket):
    ``cnss:ussd:{pN}:session:<key>``, ``cnss:ussd:{pN}:lock:<key>``, ``cnss:ussd:{pN}:resume:<msisdn>``,
    ``cnss:ussd:{pN}:lang:<msisdn>``, ``cnss:ussd:{pN}:caller:<msisdn>``, ``cnss:ussd:{pN}:registry``,
    ``cnss:ussd:{pN}:sessions:<msisdn>`` (new sessions in the limit's window), and ``cnss:ussd:value:<name>``. Also the
    ``PhoneRegistrations`` port: a phone whose registration changed is forgotten by the caller cache.
    """

    def acquire(self, session_key: str, msisdn: str, *, wait: float,
                session_limit: tuple[int, float] | None = None) -> HopLease:
        """Take the session lock (waiting up to ``wait`` s) and read state, checkpoint, language and the
        phone's cached accounts (``STRANGER`` when the store knows the phone holds none).

        With ``session_limit`` (count, window s) a new session beyond the phone's limit comes back
        ``limited`` (lock released, nothing read). One round trip when the lock is free. Raises
        ``SessionBusyError`` on timeout.
        """
        ...

    def commit(self, lease: HopLease, state: SessionState | None, *, checkpoint: SessionState | None,
               language: str | None, caller: str | None = None) -> None:
        """Save (or delete, when None) the session and the phone's checkpoint, set the language and
        cache the phone's accounts if given, and release the lock: one round trip."""
        ...

    def phone_changed(self, msisdn: Msisdn) -> None:
        """Forget the cached accounts of a phone whose registration changed."""
        ...

    def release(self, lease: HopLease) -> None:
        """Release the lock without writing (error paths); only the holder's token releases."""
        ...

    def put_value(self, name: str, value: str, ttl: int) -> None:
        """Store a short-lived value (e.g. a hashed activation code)."""
        ...

    def get_value(self, name: str) -> str | None:
        """Read a short-lived value, or None once expired."""
        ...

    def delete_value(self, name: str) -> None:
        """Forget a short-lived value."""
        ...
