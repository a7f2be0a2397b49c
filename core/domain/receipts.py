"""What a payment receipt says, independent of how it is worded or sent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.periods import ContributionPeriod


@dataclass(frozen=True, slots=True)
class Receipt:
    """The facts of an accepted payment that go on its SMS and email receipts."""

    receipt_number: str
    reference: str
    amount: int
    period: ContributionPeriod | None
    new_balance: int
    employer_number: str
    company_name: str
    paid_at: datetime
    provider: str
