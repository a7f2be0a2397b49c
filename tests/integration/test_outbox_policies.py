"""Outbox policies: reminders wait for the morning, and uncertain messages are re-queued only by an operator."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.delivery import DeliveryOutcome, DeliveryResult
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, sms_message
from core.domain.quiet_hours import QuietHours
from core.services.outbox_worker import deliver_due
from gateway.africastalking.sms import PROVIDER as AT  # its import registers the statuses this report carries
from tests.support.clock import SettableClock


class _Transport:
    channel = MessageChannel.SMS

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: OutboundMessage) -> DeliveryResult:
        self.sent.append(message.purpose)
        return DeliveryResult.accepted("id")


@pytest.mark.parametrize(("hour", "minute", "held"), [(19, 59, False), (20, 0, True), (23, 30, True), (2, 0, True),
                                                      (6, 59, True), (7, 0, False)])
def test_the_quiet_window(hour: int, minute: int, held: bool) -> None:
    assert QuietHours().contains(datetime(2026, 11, 23, hour, minute, tzinfo=timezone.utc)) is held


def test_reminders_are_held_overnight_but_receipts_go(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    clock = SettableClock(datetime(2026, 11, 23, 21, 30, tzinfo=timezone.utc))
    with uow_factory() as uow:
        uow.outbox.add(sms_message("+22890112233", "Rappel: 88 988 FCFA avant le 15", "reminder", "r1", clock.now()))
        uow.outbox.add(sms_message("+22890112233", "Recu R1", "payment_receipt", "p1", clock.now(), essential=True))
        uow.commit()
    transport = _Transport()
    report = deliver_due(transport, uow_factory=uow_factory, clock=clock)
    assert transport.sent == ["payment_receipt"] and report.released == 1
    with uow_factory() as uow:
        held = uow.outbox.get("r1")
    assert held is not None and held.next_attempt_at == datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)
    clock.advance(hours=5)  # 02:30: still not due
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock).claimed == 0
    clock.advance(hours=5)  # 07:30
    deliver_due(transport, uow_factory=uow_factory, clock=clock)
    assert transport.sent == ["payment_receipt", "reminder"]


def test_an_operator_may_queue_again_uncertain_messages_no_report_settled(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))

    def queue(key: str) -> None:
        with uow_factory() as uow:
            uow.outbox.add(sms_message("+22890112233", f"Recu {key}", "payment_receipt", key, clock.now(),
                                       essential=True))
            uow.commit()

    class Unsure(_Transport):
        def send(self, message: OutboundMessage) -> DeliveryResult:
            self.sent.append(message.idempotency_key)
            if message.idempotency_key == "reported":  # e.g. 401 RiskHold: AT gave an id, the outcome is open
                return DeliveryResult(DeliveryOutcome.UNCERTAIN, "ATXid_reported", "risk hold")
            return DeliveryResult.uncertain("read timeout")

    queue("old")
    queue("reported")
    clock.advance(minutes=40)
    queue("young")
    deliver_due(Unsure(), uow_factory=uow_factory, clock=clock)
    with uow_factory() as uow:  # a delivery report settled this one's fate
        assert uow.delivery_reports.apply(AT, "ATXid_reported", "Failed", "DeliveryFailure", clock.now())
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.requeue_uncertain(clock.now() - timedelta(minutes=30), clock.now()) == 1
        uow.commit()
    transport = _Transport()
    deliver_due(transport, uow_factory=uow_factory, clock=clock)
    with uow_factory() as uow:
        statuses = {key: uow.outbox.get(key).status for key in ("old", "reported", "young")}  # type: ignore[union-attr]
    assert statuses == {"old": MessageStatus.SENT, "reported": MessageStatus.FAILED, "young": MessageStatus.UNCERTAIN}
