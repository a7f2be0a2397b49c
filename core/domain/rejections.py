"""Payment notifications CNSS refused, kept for reconciliation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PaymentRejection:
    """A notification answered with an error (amount mismatch, expired, ...), as received."""

    provider: str
    transaction_id: str
    reference: str
    amount: int | None
    reason: str
    received_at: datetime
    paid_at: datetime | None = None
    detail: str = ""
    rejection_id: int | None = None
    replays: int = 0  # how many times the same refusal (provider, transaction id, reason) came again
