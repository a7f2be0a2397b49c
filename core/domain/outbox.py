"""Outbound messages (SMS and email) queued durably, in the transaction of the change that caused them."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class MessageChannel(enum.Enum):
    """How a message leaves."""

    SMS = "sms"
    EMAIL = "email"


class MessageStatus(enum.Enum):
    """Where a message stands in the outbox."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNCERTAIN = "uncertain"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to one recipient; ``idempotency_key`` makes queuing it twice a no-op."""

    channel: MessageChannel
    recipient: str
    body: str
    purpose: str
    idempotency_key: str
    created_at: datetime
    essential: bool = False
    subject: str | None = None
    status: MessageStatus = MessageStatus.QUEUED
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    provider_message_id: str | None = None
    message_id: int | None = None
