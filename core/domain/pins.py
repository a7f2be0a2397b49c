"""USSD PINs: four digits, stored only as argon2 hashes."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.domain.errors import InvalidPinError
from core.domain.parties import HolderKind

PIN_DIGITS = 4


def validate_pin(pin: str) -> str:
    """A PIN is exactly four ASCII digits."""
    if len(pin) != PIN_DIGITS or not pin.isascii() or not pin.isdigit():
        raise InvalidPinError(reason="format")
    return pin


def validate_new_pin(pin: str) -> str:
    """A new PIN: four digits, not all the same and not a straight run (1234, 9876)."""
    validate_pin(pin)
    digits = [int(ch) for ch in pin]
    steps = {b - a for a, b in zip(digits, digits[1:])}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):
        raise InvalidPinError(reason="too_simple")
    return pin


# OWASP's argon2id profile (19 MiB, 2 passes, 1 lane). A 4-digit PIN cannot resist an offline
# search whatever the cost; the lockout is the real defence, so the hash stays cheap enough that a
# USSD hop on one core is not dominated by it (argon2-cffi's default, 64 MiB x 3 passes, was).
PIN_TIME_COST, PIN_MEMORY_KIB, PIN_LANES = 2, 19_456, 1


class PinHasher:
    """Hashes and verifies PINs with argon2id."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher(time_cost=PIN_TIME_COST, memory_cost=PIN_MEMORY_KIB,
                                                parallelism=PIN_LANES)

    def hash(self, pin: str) -> str:
        """Hash a validated PIN."""
        return self._hasher.hash(validate_pin(pin))

    def verify(self, pin_hash: str, pin: str) -> bool:
        """True when ``pin`` matches ``pin_hash``; never raises on a wrong PIN."""
        try:
            return self._hasher.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True, slots=True)
class Credential:
    """The PIN of an employer or insured account, with its failure counter and lock."""

    holder_kind: HolderKind
    holder_number: str
    pin_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None
    lockouts: int = 0  # locks since the last correct PIN


DEFAULT_LOCK_STEPS = (timedelta(minutes=30), timedelta(hours=2), timedelta(hours=24))


@dataclass(frozen=True, slots=True)
class PinPolicy:
    """Wrong PINs before the first lock, and how long each successive lock lasts.

    Failures count from the last correct PIN; a lock does not reset them. The ``max_attempts``-th
    failure locks for ``lock_steps[0]``; once that lock ends, every further failure locks for the
    next step; a failure after the last step blocks access until an agent unlocks it. So at most
    ``max_attempts + len(lock_steps)`` guesses are possible between two correct PINs (6 by default).
    """

    max_attempts: int = 3
    lock_steps: tuple[timedelta, ...] = DEFAULT_LOCK_STEPS

    def blocks(self, credential: Credential) -> bool:
        """True when only an agent may unlock the credential."""
        return credential.lockouts > len(self.lock_steps)

    def attempts_left(self, credential: Credential) -> int:
        """Wrong PINs the holder may still type before the next lock."""
        return max(0, self.max_attempts - credential.failed_attempts)

    def after_failure(self, credential: Credential, now: datetime) -> Credential:
        """The credential after one more wrong PIN at ``now``: counted, and locked or blocked when due."""
        failures = credential.failed_attempts + 1
        if failures < self.max_attempts:
            return replace(credential, failed_attempts=failures, locked_until=None)
        lockouts = credential.lockouts + 1
        until = now + self.lock_steps[lockouts - 1] if lockouts <= len(self.lock_steps) else None
        return replace(credential, failed_attempts=failures, lockouts=lockouts, locked_until=until)

    @staticmethod
    def cleared(credential: Credential) -> Credential:
        """The credential after a correct PIN or an agent's unlock: no failures, no lock."""
        return replace(credential, failed_attempts=0, locked_until=None, lockouts=0)


def seal(key: bytes, secret: str) -> str:
    """A short-lived typed secret (activation code, PIN awaiting confirmation) as it may be kept in a session.

    Keyed with the server's key and salted: whoever reads the session store alone cannot
    search the 10,000 PINs or the million codes, as they could against a plain or argon2 hash.
    """
    salt = secrets.token_hex(8)
    return f"{salt}${hmac.new(key, f'{salt}${secret}'.encode(), hashlib.sha256).hexdigest()}"


def sealed_matches(key: bytes, sealed: str, secret: str) -> bool:
    """True when ``secret`` is what ``sealed`` was made from (compared in constant time)."""
    salt, _, digest = sealed.partition("$")
    expected = hmac.new(key, f"{salt}${secret}".encode(), hashlib.sha256).hexdigest()
    return bool(digest) and hmac.compare_digest(expected, digest)
