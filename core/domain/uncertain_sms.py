"""Uncertain SMS: which delivery report may settle one, and what becomes of one no report settled in time."""
from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from core.domain.outbox import MessageStatus, OutboundMessage

# How long after its send began a delivery report may settle an uncertain SMS by its recipient
# (SMS_UNCERTAIN_WINDOW_MINUTES); after it, the message's policy applies.
DEFAULT_UNCERTAIN_WINDOW: Final = timedelta(minutes=60)

RETRIED_NOTE: Final = "uncertain, retried once"
GIVEN_UP_NOTE: Final = "uncertain, not retried"
GIVEN_UP_AFTER_RETRY_NOTE: Final = "uncertain again after its retry, not retried"


class UncertainPolicy(enum.Enum):
    """What an uncertain SMS becomes when no delivery report settled it within the window."""

    RETRY_ONCE = "retry_once"  # missing it is worse than receiving it twice
    GIVE_UP = "give_up"  # receiving it twice is worse than missing it


# Outbox purpose -> policy. A purpose missing here follows the message's ``essential`` flag.
UNCERTAIN_POLICIES: Final[Mapping[str, UncertainPolicy]] = MappingProxyType({
    "payment_reference": UncertainPolicy.RETRY_ONCE,
    "payment_receipt": UncertainPolicy.RETRY_ONCE,
    "finance_alert": UncertainPolicy.RETRY_ONCE,
    "ussd_late_result": UncertainPolicy.RETRY_ONCE,
    "reminder": UncertainPolicy.GIVE_UP,
    "overdue_notice": UncertainPolicy.GIVE_UP,
    "statement": UncertainPolicy.GIVE_UP,
    "keyword_reply": UncertainPolicy.GIVE_UP,
    # Essential, but its code expires after 10 minutes: a late copy is useless, the caller dials again.
    "activation_code": UncertainPolicy.GIVE_UP,
    "phone_code": UncertainPolicy.GIVE_UP,  # the code confirming a new phone: same 10 minutes
})


def policy_for(purpose: str, essential: bool) -> UncertainPolicy:
    """The policy of a purpose; an unlisted one is retried once only when essential."""
    default = UncertainPolicy.RETRY_ONCE if essential else UncertainPolicy.GIVE_UP
    return UNCERTAIN_POLICIES.get(purpose, default)


def was_retried(last_error: str | None) -> bool:
    """Whether the uncertain policy already queued this message once more."""
    return (last_error or "").startswith(RETRIED_NOTE)


def carry_retry_note(previous: str | None, error: str | None) -> str | None:
    """The error a later attempt records, still saying the message was retried once (so never twice)."""
    if not was_retried(previous) or was_retried(error):
        return error
    return f"{RETRIED_NOTE}; {error}" if error else RETRIED_NOTE


def after_window(message: OutboundMessage) -> tuple[MessageStatus, str]:
    """The status and error an uncertain message takes when no report settled it within the window."""
    if policy_for(message.purpose, message.essential) is UncertainPolicy.GIVE_UP:
        return MessageStatus.FAILED, GIVEN_UP_NOTE
    if was_retried(message.last_error):
        return MessageStatus.FAILED, GIVEN_UP_AFTER_RETRY_NOTE
    return MessageStatus.QUEUED, carry_retry_note(RETRIED_NOTE, message.last_error) or RETRIED_NOTE
