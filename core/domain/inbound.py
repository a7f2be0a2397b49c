"""Incoming SMS, and payment alerts that banks and operators text to CNSS."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class InboundSms:
    """An SMS as the provider delivered it; ``provider_message_id`` de-duplicates provider retries."""

    provider: str
    provider_message_id: str
    sender: str
    recipient: str
    text: str
    received_at: datetime
    sent_at: datetime | None = None
    link_id: str | None = None
    network_code: str | None = None
    message_id: int | None = None


class AlertStatus(enum.Enum):
    """What became of a payment alert."""

    PROVISIONAL = "provisional"  # parsed; waits for the signed notification or the statement
    CONFIRMED = "confirmed"  # matched a recorded payment (or came from a trusted sender)
    UNPARSED = "unparsed"  # no template matched: kept for review
    UNMATCHED = "unmatched"  # parsed, but its reference or amount matches nothing: kept for review


@dataclass(frozen=True, slots=True)
class PaymentAlert:
    """A payment alert received by SMS; never credits an account by itself unless its sender is trusted."""

    provider: str
    sender: str
    raw_text: str
    received_at: datetime
    status: AlertStatus
    reference: str | None = None
    amount: int | None = None
    transaction_id: str | None = None
    inbound_message_id: str | None = None
    payment_id: int | None = None
    detail: str = ""
    alert_id: int | None = None
