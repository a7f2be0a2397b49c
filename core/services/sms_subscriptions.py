"""Replies to SMS keywords and the opt-out they may carry (STOP, START), each in one transaction."""
from __future__ import annotations

import enum

from core.domain.msisdn import Msisdn
from core.domain.outbox import sms_message
from core.ports import Clock, UnitOfWork

KEYWORD_REPLY = "keyword_reply"


class OptChange(enum.Enum):
    """The effect of a keyword on the phone's SMS subscription."""

    NONE = "none"
    OUT = "out"  # no more non-essential SMS
    IN = "in"  # non-essential SMS again


def reply_key(provider_message_id: str) -> str:
    """Idempotency key of the reply to one incoming message."""
    return f"reply:{provider_message_id}"


def reply_queued(idempotency_key: str, *, uow: UnitOfWork) -> bool:
    """True when a reply with this key is already in the outbox (a message the provider delivered twice)."""
    with uow:
        return uow.outbox.get(idempotency_key) is not None


def queue_reply(recipient: Msisdn, text: str, *, idempotency_key: str, essential: bool, opt: OptChange,
                uow: UnitOfWork, clock: Clock) -> bool:
    """Queue a keyword reply and apply its subscription change together.

    False, with nothing changed, when a reply with the same key was queued first (a concurrent repeat).
    """
    now = clock.now()
    with uow:
        message = sms_message(recipient.e164, text, KEYWORD_REPLY, idempotency_key, now, essential=essential)
        if not uow.outbox.add(message):
            return False
        _apply(uow, recipient, opt, clock)
        uow.commit()
        return True


def change_subscription(recipient: Msisdn, opt: OptChange, *, uow: UnitOfWork, clock: Clock) -> None:
    """Apply a subscription change with no reply (the sender is over its reply limit)."""
    if opt is OptChange.NONE:
        return
    with uow:
        _apply(uow, recipient, opt, clock)
        uow.commit()


def _apply(uow: UnitOfWork, recipient: Msisdn, opt: OptChange, clock: Clock) -> None:
    if opt is OptChange.OUT:
        uow.opt_outs.opt_out(recipient.e164, clock.now())
    elif opt is OptChange.IN:
        uow.opt_outs.opt_in(recipient.e164)
