"""What a transport reports for one outbound message, and when a failed one is tried again."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.outbox import MessageStatus


class DeliveryOutcome(enum.Enum):
    """How one send attempt ended, as classified by the transport."""

    ACCEPTED = "accepted"  # the provider took the message
    RETRY = "retry"  # not taken, and safe to send again later (5xx, connection refused, timeout before handing over)
    PERMANENT = "permanent"  # refused for good (bad address, a 4xx refusal): sending again cannot help
    UNCERTAIN = "uncertain"  # handed over but no answer: it may have left, so it is never re-sent automatically


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of one send; ``error`` never carries the recipient's address or the body."""

    outcome: DeliveryOutcome
    provider_message_id: str | None = None
    error: str | None = None

    @classmethod
    def accepted(cls, provider_message_id: str | None = None) -> DeliveryResult:
        """The provider took the message."""
        return cls(DeliveryOutcome.ACCEPTED, provider_message_id)

    @classmethod
    def retry(cls, error: str) -> DeliveryResult:
        """Not taken; try again later."""
        return cls(DeliveryOutcome.RETRY, None, error)

    @classmethod
    def permanent(cls, error: str) -> DeliveryResult:
        """Refused for good."""
        return cls(DeliveryOutcome.PERMANENT, None, error)

    @classmethod
    def uncertain(cls, error: str) -> DeliveryResult:
        """Perhaps sent: needs reconciliation, not a blind resend."""
        return cls(DeliveryOutcome.UNCERTAIN, None, error)


@dataclass(frozen=True, slots=True)
class Settlement:
    """What to record for one claimed message: the end of its attempt, or its return to the queue unsent.

    ``body`` replaces the stored text (a secret masked); ``provider_message_id`` None keeps the stored one.
    """

    message_id: int
    status: MessageStatus
    attempts: int
    at: datetime
    next_attempt_at: datetime | None = None
    error: str | None = None
    provider_message_id: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: ``base_delay_s`` after the first failure, doubling, capped at ``max_delay_s``.

    ``max_attempts`` counts every attempt, the first one included.
    """

    max_attempts: int = 6
    base_delay_s: float = 30
    max_delay_s: float = 3600

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("RetryPolicy needs max_attempts >= 1 and 0 <= base_delay_s <= max_delay_s")

    def next_attempt(self, attempts_so_far: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts_so_far`` failed attempts; None once they are exhausted."""
        if attempts_so_far >= self.max_attempts:
            return None
        exponent = max(attempts_so_far - 1, 0)
        delay = self.max_delay_s if exponent >= 64 else min(self.base_delay_s * 2 ** exponent, self.max_delay_s)
        return now + timedelta(seconds=delay)
