"""USSD PINs: four digits, stored only as argon2id hashes keyed with a server-side pepper."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
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


# The stored form: "$cnsspin$v=1$kid=<key id>$" + argon2id of HMAC-SHA256(pepper, "<kind>:<number>:<pin>").
# The pepper (PIN_PEPPER, never in the database) is what protects a 4-digit PIN: without it a stolen
# table cannot test a single candidate. The argon2id on top is deliberately cheap (1 MiB, 2 passes:
# about 1.5 ms of CPU) so that a login is not dominated by it; it only slows a thief who also has the
# pepper (10,000 candidates x 1.5 ms = 15 s per account).
PIN_TIME_COST, PIN_MEMORY_KIB, PIN_LANES = 2, 1024, 1
PEPPERED_PREFIX = "$cnsspin$v=1$kid="
DEVELOPMENT_PEPPER = ("dev", b"development-only-pin-pepper")  # never accepted in production

Pepper = tuple[str, bytes]  # (key id, secret)


def _peppered_parts(pin_hash: str) -> tuple[str, str] | None:
    """(key id, inner argon2 hash) of a peppered hash; None for any other form."""
    if not pin_hash.startswith(PEPPERED_PREFIX):
        return None
    kid, sep, inner = pin_hash[len(PEPPERED_PREFIX):].partition("$")
    return (kid, "$" + inner) if sep and kid else None


class PinHasher:
    """Hashes PINs keyed with a server-side pepper; verifies those and the older unkeyed argon2id hashes.

    ``peppers``: (key id, secret) pairs, the first one current; hashes under the older ids still
    verify, and ``needs_rehash`` tells the caller to store a fresh hash after a correct PIN.
    """

    def __init__(self, hasher: PasswordHasher | None = None, *, peppers: Sequence[Pepper] = (DEVELOPMENT_PEPPER,),
                 ) -> None:
        if not peppers or len({kid for kid, _ in peppers}) != len(peppers):
            raise ValueError("PIN peppers need at least one key, each with its own key id")
        self._hasher = hasher or PasswordHasher(time_cost=PIN_TIME_COST, memory_cost=PIN_MEMORY_KIB,
                                                parallelism=PIN_LANES)
        self._current = peppers[0][0]
        self._peppers = dict(peppers)
        self._legacy = PasswordHasher()  # verifies unkeyed hashes at whatever cost they were made

    def hash(self, pin: str, kind: HolderKind, number: str) -> str:
        """Hash a validated PIN for one holder under the current key."""
        keyed = self._keyed(self._current, kind, number, validate_pin(pin))
        return f"{PEPPERED_PREFIX}{self._current}{self._hasher.hash(keyed)}"

    def verify(self, pin_hash: str, pin: str, kind: HolderKind, number: str) -> bool:
        """True when ``pin`` is the holder's PIN; never raises on a wrong PIN or an unreadable hash."""
        parts = _peppered_parts(pin_hash)
        try:
            if parts is None:
                return pin_hash.startswith("$argon2") and self._legacy.verify(pin_hash, pin)
            kid, inner = parts
            if kid not in self._peppers:
                return False
            return self._hasher.verify(inner, self._keyed(kid, kind, number, pin))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, pin_hash: str) -> bool:
        """True when a verified hash should be replaced: unkeyed, under an older key, or at other costs."""
        parts = _peppered_parts(pin_hash)
        if parts is None or parts[0] != self._current:
            return True
        try:
            return self._hasher.check_needs_rehash(parts[1])
        except (InvalidHashError, ValueError):
            return True

    def _keyed(self, kid: str, kind: HolderKind, number: str, pin: str) -> bytes:
        message = f"{kind.value}:{number}:{pin}".encode()
        return hmac.new(self._peppers[kid], message, hashlib.sha256).digest()


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
        return self.blocks_after(credential.lockouts)

    def blocks_after(self, lockouts: int) -> bool:
        """True when ``lockouts`` locks since the last correct PIN leave only an agent able to unlock it."""
        return lockouts > len(self.lock_steps)

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
