"""Uncertain SMS swept by the worker: settled by reports that came early, else their policy after the window."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageChannel, MessageStatus, body_at_rest
from core.domain.uncertain_sms import after_window
from core.ports import Clock, UnitOfWorkFactory
from core.services.delivery_reports import settle_from_stored_reports

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UncertainSweep:
    """What one sweep did: settled by a stored report, queued once more, given up as failed."""

    settled: int = 0
    retried: int = 0
    given_up: int = 0


def sweep_uncertain(*, uow_factory: UnitOfWorkFactory, clock: Clock, window: timedelta,
                    limit: int = 200) -> UncertainSweep:
    """Settle the uncertain SMS a stored delivery report to their phone accounts for, then apply the
    policy of their purpose (retried once, or failed) to those no report settled within ``window``."""
    settled = 0
    with uow_factory() as uow:
        for message in uow.outbox.uncertain_unreported(MessageChannel.SMS, limit):
            if message.attempt_started_at is None:
                continue
            recipient = Msisdn(message.recipient)
            reports = uow.delivery_reports.unmatched(message.recipient, message.attempt_started_at,
                                                     message.attempt_started_at + window)
            if settle_from_stored_reports(uow, recipient, reports, window):
                settled += 1
                log.info("outbox message %s: uncertain, settled by a delivery report received earlier",
                         message.message_id)
        uow.commit()
    now = clock.now()
    retried = given_up = 0
    with uow_factory() as uow:
        for message in uow.outbox.uncertain_unreported(MessageChannel.SMS, limit, started_before=now - window):
            assert message.message_id is not None, "stored messages have an id"
            status, note = after_window(message)
            uow.outbox.settle(message.message_id, status, attempts=message.attempts, at=now,
                              next_attempt_at=now if status is MessageStatus.QUEUED else None, error=note,
                              body=body_at_rest(message.purpose, message.body, status))
            retried += status is MessageStatus.QUEUED
            given_up += status is MessageStatus.FAILED
            log.info("outbox message %s (%s): no delivery report within %s, %s", message.message_id,
                     message.purpose, window, note)
        uow.commit()
    return UncertainSweep(settled, retried, given_up)
