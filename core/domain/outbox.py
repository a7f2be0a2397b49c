"""Outbound messages (SMS and email) queued durably, in the transaction of the change that caused them."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from core.domain.sms_text import MAX_SEGMENTS, fit


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
    segments: int | None = None
    encoding: str | None = None
    attempt_started_at: datetime | None = None  # when the last send began (kept while the outcome is uncertain)


def sms_message(recipient: str, text: str, purpose: str, idempotency_key: str, created_at: datetime, *,
                essential: bool = False, max_segments: int = MAX_SEGMENTS) -> OutboundMessage:
    """An SMS ready to queue: GSM-7-normalised, fitted into ``max_segments``, its segments counted."""
    fitted = fit(text, max_segments)
    return OutboundMessage(MessageChannel.SMS, recipient, fitted.text, purpose, idempotency_key, created_at,
                           essential=essential, segments=fitted.segments, encoding=fitted.encoding)


# Purposes whose text carries a secret (a one-time code): it is masked once the provider has it.
SECRET_PURPOSES: Final = frozenset({"activation_code", "phone_code"})
# Statuses after which the outbox never sends a message again.
SETTLED_FOR_GOOD: Final = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED,
                                     MessageStatus.SKIPPED})
_DIGIT = re.compile(r"[0-9]")


def body_at_rest(purpose: str, body: str, status: MessageStatus) -> str | None:
    """The text a message keeps once settled in ``status``: its digits masked for a secret purpose settled
    for good (``votre code est ******``); None when it keeps its own text."""
    if purpose not in SECRET_PURPOSES or status not in SETTLED_FOR_GOOD:
        return None
    masked = _DIGIT.sub("*", body)
    return masked if masked != body else None
