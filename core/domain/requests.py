"""Requests to CNSS (quitus social, individual attestation, claim) tracked by number, and quitus eligibility."""
from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from core.domain.accounts import ContributorAccount
from core.domain.parties import HolderKind


class RequestKind(enum.Enum):
    """What is asked; the value prefixes the tracking number."""

    QUITUS = "quitus"
    ATTESTATION = "attestation"
    CLAIM = "claim"


_PREFIX = {RequestKind.QUITUS: "QS", RequestKind.ATTESTATION: "AT", RequestKind.CLAIM: "RC"}


class RequestStatus(enum.Enum):
    """Where a request stands."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    REJECTED = "rejected"
    CLOSED = "closed"


class ClaimCategory(enum.Enum):
    """Why a claim (reclamation) is filed; CNSS calls back."""

    PAYMENT_NOT_CREDITED = "payment_not_credited"
    WRONG_BALANCE = "wrong_balance"
    MISSING_PERIODS = "missing_periods"
    BENEFIT_DELAY = "benefit_delay"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """A request with its tracking number and status."""

    tracking_number: str
    kind: RequestKind
    holder_kind: HolderKind
    holder_number: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    channel: str = "ussd"
    category: ClaimCategory | None = None

    def with_status(self, status: RequestStatus, at: datetime) -> ServiceRequest:
        """The same request moved to ``status``."""
        return replace(self, status=status, updated_at=at)


def new_tracking_number(kind: RequestKind, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A tracking number such as ``QS48213907`` (prefix + 8 digits)."""
    return f"{_PREFIX[kind]}{randbelow(10 ** 8):08d}"


@dataclass(frozen=True, slots=True)
class QuitusEligibility:
    """Whether a quitus social can be issued, and the overdue amount that prevents it."""

    eligible: bool
    overdue_amount: int
    unpaid_periods: int


def quitus_eligibility(account: ContributorAccount, day: date) -> QuitusEligibility:
    """Eligible when nothing is overdue, surcharges included (ASSUMPTION rules 5)."""
    overdue = account.overdue(day)
    late = sum(1 for p in account.positions() if p.deadline < day and p.outstanding > 0)
    return QuitusEligibility(overdue == 0, overdue, late)
