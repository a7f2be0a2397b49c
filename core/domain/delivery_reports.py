"""Delivery reports of sent SMS: the provider's status kept verbatim, and what it means for the message."""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from core.domain.outbox import MessageStatus


class DeliveryState(enum.Enum):
    """What a delivery status says about the message."""

    DELIVERED = "delivered"  # on the handset
    SENT = "sent"  # on its way (provider or telco); more reports may follow
    FAILED = "failed"  # will not reach the handset
    UNKNOWN = "unknown"  # a status this gateway does not know: kept verbatim, changes nothing


class RecipientMatch(enum.Enum):
    """What a report whose provider id matches no message found among the uncertain SMS to its phone."""

    NONE = "none"  # no uncertain SMS to that phone began within the window: the report changes nothing
    ADOPTED = "adopted"  # exactly one: the report's id is now that message's, and the report settles it
    AMBIGUOUS = "ambiguous"  # two or more: none is settled (the wrong one could be marked delivered)


@dataclass(frozen=True, slots=True)
class DeliveryMeaning:
    """The state a status stands for, and whether no later report can change it."""

    state: DeliveryState
    final: bool


StatusTable = Mapping[str, DeliveryMeaning]  # a provider's status (lower case) -> what it means
UNKNOWN_MEANING: Final = DeliveryMeaning(DeliveryState.UNKNOWN, False)
_TABLES: dict[str, StatusTable] = {}


def register_statuses(provider: str, table: StatusTable) -> None:
    """Make ``provider``'s delivery statuses known: each provider package registers its own table once."""
    _TABLES[provider] = {status.strip().lower(): meaning for status, meaning in table.items()}


def meaning_of(provider: str, status: str | None) -> DeliveryMeaning:
    """What ``provider``'s status means (case-insensitive); unknown or missing statuses mean nothing final."""
    return _TABLES.get(provider, {}).get((status or "").strip().lower(), UNKNOWN_MEANING)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One delivery report as the provider sent it (``status`` verbatim, even when unknown)."""

    provider: str
    provider_message_id: str
    status: str
    received_at: datetime
    phone: str | None = None
    network_code: str | None = None
    failure_reason: str | None = None
    retry_count: int | None = None
    report_id: int | None = None

    @property
    def meaning(self) -> DeliveryMeaning:
        """What the status says about the message."""
        return meaning_of(self.provider, self.status)


def supersedes(previous: DeliveryMeaning, new: DeliveryMeaning) -> bool:
    """Whether a new report replaces the last one recorded: reports may arrive out of order.

    Nothing replaces a delivery, and an interim status never replaces a final one.
    """
    if previous.state is DeliveryState.DELIVERED:
        return False
    return new.final or not previous.final


def settled_status(current: MessageStatus, meaning: DeliveryMeaning) -> MessageStatus:
    """The outbox status a message takes on its delivery report.

    A delivery makes any message that went out ``delivered`` (even one given up as failed, or
    queued again: sending it again would duplicate it). A sign of life settles an uncertain (or
    re-queued) message as ``sent``. A final failure fails a sent or uncertain message, while a
    queued one keeps its retry. A message a worker is sending right now, a skipped one, and
    unknown statuses are left alone.
    """
    if current in (MessageStatus.SENDING, MessageStatus.SKIPPED):
        return current
    if meaning.state is DeliveryState.DELIVERED:
        return MessageStatus.DELIVERED
    if meaning.state is DeliveryState.SENT and current in (MessageStatus.UNCERTAIN, MessageStatus.QUEUED):
        return MessageStatus.SENT
    if meaning.state is DeliveryState.FAILED and meaning.final and current in (
            MessageStatus.SENT, MessageStatus.UNCERTAIN):
        return MessageStatus.FAILED
    return current
