"""USSD PINs: four digits, stored only as argon2 hashes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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

    def hash_code(self, code: str) -> str:
        """Hash a one-time activation code (any digits)."""
        return self._hasher.hash(code)


@dataclass(frozen=True, slots=True)
class Credential:
    """The PIN of an employer or insured account, with its failure counter and lock."""

    holder_kind: HolderKind
    holder_number: str
    pin_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None
    lockouts: int = 0  # locks since the last correct PIN
