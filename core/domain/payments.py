"""Payments received from a bank or a mobile-money operator against a payment reference."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class PaymentChannel(enum.Enum):
    """How the money came in."""

    BANK = "bank"
    MOBILE_MONEY = "mobile_money"


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment; (provider, transaction_id) identifies it across retries."""

    reference: str
    provider: str
    transaction_id: str
    channel: PaymentChannel
    amount: int
    paid_at: datetime
    recorded_at: datetime
    receipt_number: str
    account_label: str | None = None
    payment_id: int | None = None


def receipt_number_for(reference: str) -> str:
    """Receipt number of the payment of a reference (a reference is paid at most once)."""
    return f"R{reference}"
