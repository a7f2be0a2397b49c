"""Payment references: keypad-friendly numbers with ISO 7064 MOD 97-10 check digits."""
from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from core.domain.errors import InvalidPaymentReferenceError
from core.domain.periods import ContributionPeriod

BODY_DIGITS = 10
REFERENCE_DIGITS = BODY_DIGITS + 2


def check_digits(body: str) -> str:
    """The two MOD 97-10 check digits that make ``int(body + check) % 97 == 1``."""
    return f"{98 - (int(body) * 100) % 97:02d}"


def reference_from_body(body: str) -> str:
    """Append check digits to a digit body."""
    if not body.isdigit() or len(body) != BODY_DIGITS:
        raise InvalidPaymentReferenceError(reason="format")
    return body + check_digits(body)


def generate_reference_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh unpredictable reference: 10 random digits (no leading zero) and 2 check digits."""
    first = 1 + randbelow(9)
    rest = randbelow(10 ** (BODY_DIGITS - 1))
    return reference_from_body(f"{first}{rest:0{BODY_DIGITS - 1}d}")


def parse_reference_code(raw: str) -> str:
    """Normalise (spaces and dashes dropped) and verify a typed reference before any lookup.

    Any single mistyped digit and any swap of two adjacent digits fails the check.
    """
    code = "".join(ch for ch in raw if ch not in " -.")
    if not code.isascii() or not code.isdigit() or len(code) != REFERENCE_DIGITS:
        raise InvalidPaymentReferenceError(reason="format")
    if int(code) % 97 != 1:
        raise InvalidPaymentReferenceError(reason="check_digits")
    return code


def display_reference(code: str) -> str:
    """Grouped for reading aloud or copying: ``4821 3390 7715``."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


class ReferenceStatus(enum.Enum):
    """Lifecycle of a reference; ``expired`` is derived from the clock, never stored."""

    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PaymentReference:
    """What an employer asked to pay: one period, or the whole overdue balance when ``period`` is None."""

    code: str
    employer_number: str
    period: ContributionPeriod | None
    amount: int
    contributions_amount: int
    surcharges_amount: int
    issued_at: datetime
    expires_at: datetime
    status: ReferenceStatus = ReferenceStatus.PENDING
    paid_at: datetime | None = None
    channel: str = "ussd"

    def status_at(self, now: datetime) -> ReferenceStatus:
        """Status as seen at ``now``: a pending reference past its expiry is expired."""
        if self.status is ReferenceStatus.PENDING and now > self.expires_at:
            return ReferenceStatus.EXPIRED
        return self.status

    def mark_paid(self, paid_at: datetime) -> PaymentReference:
        """The same reference, paid."""
        return replace(self, status=ReferenceStatus.PAID, paid_at=paid_at)

    def cancelled(self) -> PaymentReference:
        """The same reference, cancelled."""
        return replace(self, status=ReferenceStatus.CANCELLED)
