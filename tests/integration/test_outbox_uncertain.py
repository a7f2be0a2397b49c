"""Uncertain SMS settled by a report to their phone within the window, else by their kind's policy after it."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.delivery import DeliveryResult, Settlement
from core.domain.delivery_reports import DeliveryReport, RecipientMatch
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, sms_message
from core.domain.uncertain_sms import GIVEN_UP_AFTER_RETRY_NOTE, GIVEN_UP_NOTE
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.services.delivery_reports import apply_early_reports, record_delivery_report
from core.services.outbox_worker import deliver_due, drain
from core.services.uncertain_sms import UncertainSweep, sweep_uncertain
from gateway.africastalking.sms import PROVIDER as AT  # its import registers the statuses these reports carry
from tests.support.clock import SettableClock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
PHONE, OTHER = "+22890112233", "+22891223344"
WINDOW = timedelta(minutes=60)
T = TypeVar("T")


class Transport:
    """Answers "uncertain" (a read timeout) to the keys in ``unsure``, accepts the others."""

    channel = MessageChannel.SMS

    def __init__(self, *unsure: str) -> None:
        self.unsure = set(unsure)
        self.sent: list[str] = []

    def send(self, message: OutboundMessage) -> DeliveryResult:
        self.sent.append(message.idempotency_key)
        if message.idempotency_key in self.unsure:
            return DeliveryResult.uncertain("read timeout")
        return DeliveryResult.accepted(f"ATXid_{message.idempotency_key}")


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def _uncertain(uow_factory: UnitOfWorkFactory, clock: SettableClock, *messages: tuple[str, str, str]) -> None:
    """Queue (key, phone, purpose) SMS and send them, each left uncertain."""
    with uow_factory() as uow:
        for key, phone, purpose in messages:
            uow.outbox.add(sms_message(phone, f"CNSS {purpose} {key}", purpose, key, clock.now(),
                                       essential=purpose != "statement"))
        uow.commit()
    transport = Transport(*(key for key, _, _ in messages))
    deliver_due(transport, uow_factory=uow_factory, clock=clock)
    assert sorted(transport.sent) == sorted(key for key, _, _ in messages)


def _report(uow_factory: UnitOfWorkFactory, clock: SettableClock, provider_id: str, phone: str | None,
            status: str = "Success") -> bool:
    report = DeliveryReport(AT, provider_id, status, clock.now(), phone=phone, network_code="61501")
    return record_delivery_report(report, uow=uow_factory(), window=WINDOW)


def _waits_for(holder: UnitOfWork, action: Callable[[], T], why: str) -> T:
    """Run ``action`` in a thread: still waiting half a second later (``why``), done once ``holder`` commits."""
    results: list[T] = []
    thread = threading.Thread(target=lambda: results.append(action()))
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive(), why
    holder.commit()
    thread.join(timeout=10)
    assert not thread.is_alive() and len(results) == 1, "it finished once the other transaction committed"
    return results[0]


def _get(uow_factory: UnitOfWorkFactory, key: str) -> OutboundMessage:
    with uow_factory() as uow:
        message = uow.outbox.get(key)
    assert message is not None
    return message


@pytest.mark.parametrize("phone_as_sent", [PHONE, "0022890112233", "90 11 22 33"])
def test_a_report_with_an_unknown_id_settles_the_one_uncertain_sms_to_its_phone(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock, phone_as_sent: str) -> None:
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"), ("other", OTHER, "payment_receipt"))
    clock.advance(minutes=59)

    assert _report(uow_factory, clock, "ATXid_77", phone_as_sent, "Submitted")
    row = _get(uow_factory, "receipt")
    assert (row.status, row.provider_message_id) == (MessageStatus.SENT, "ATXid_77")
    clock.advance(minutes=30)  # later reports carry the id, which is now the message's
    assert _report(uow_factory, clock, "ATXid_77", PHONE, "Success")
    assert _get(uow_factory, "receipt").status is MessageStatus.DELIVERED
    other = _get(uow_factory, "other")
    assert (other.status, other.provider_message_id) == (MessageStatus.UNCERTAIN, None), "another phone's message"
    with uow_factory() as uow:  # settled: neither re-sent nor given up after the window
        assert uow.outbox.uncertain_unreported(MessageChannel.SMS, 10) == [other]


def test_a_report_after_the_window_settles_nothing(uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                   clock: SettableClock) -> None:
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"))
    clock.advance(minutes=61)
    assert not _report(uow_factory, clock, "ATXid_77", PHONE)
    row = _get(uow_factory, "receipt")
    assert (row.status, row.provider_message_id) == (MessageStatus.UNCERTAIN, None)


def test_two_uncertain_sms_to_the_phone_in_the_window_are_ambiguous_and_neither_is_settled(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock, caplog: pytest.LogCaptureFixture) -> None:
    _uncertain(uow_factory, clock, ("reference", PHONE, "payment_reference"))
    clock.advance(minutes=20)
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"))
    clock.advance(minutes=5)
    with caplog.at_level(logging.INFO):
        assert not _report(uow_factory, clock, "ATXid_77", PHONE)
    for key in ("reference", "receipt"):
        row = _get(uow_factory, key)
        assert (row.status, row.provider_message_id) == (MessageStatus.UNCERTAIN, None)
    assert "several uncertain SMS to " in caplog.text and "****2233" in caplog.text and PHONE not in caplog.text


@pytest.mark.parametrize("phone", [OTHER, "+33612345678", "not a phone", "9" * 32, None])
def test_a_junk_report_changes_no_message(uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock,
                                          engine: Engine, phone: str | None) -> None:
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"))
    with engine.connect() as connection:
        before = list(connection.execute(sa.select(t.outbound_messages)))
    clock.advance(minutes=1)
    assert not _report(uow_factory, clock, "ATXid_junk", phone)
    with engine.connect() as connection:
        assert list(connection.execute(sa.select(t.outbound_messages))) == before
        assert connection.execute(sa.select(sa.func.count()).select_from(t.delivery_reports)).scalar_one() == 1


def test_after_the_window_an_essential_sms_is_sent_once_more_and_a_non_essential_one_fails(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"), ("statement", PHONE, "statement"),
               ("code", OTHER, "payment_reference"), ("activation", OTHER, "activation_code"))
    clock.advance(minutes=59)
    assert sweep_uncertain(uow_factory=uow_factory, clock=clock, window=WINDOW) == UncertainSweep()
    clock.advance(minutes=2)

    unsure_again = Transport("code")
    drain(unsure_again, uow_factory=uow_factory, clock=clock, uncertain_window=WINDOW)
    assert sorted(unsure_again.sent) == ["code", "receipt"], "the essential ones go once more, the statement not"
    assert _get(uow_factory, "receipt").status is MessageStatus.SENT
    statement = _get(uow_factory, "statement")
    assert (statement.status, statement.last_error) == (MessageStatus.FAILED, GIVEN_UP_NOTE)
    activation = _get(uow_factory, "activation")  # its code expired long ago: a late copy would only confuse
    assert (activation.status, activation.last_error) == (MessageStatus.FAILED, GIVEN_UP_NOTE)

    clock.advance(minutes=61)  # the retried reference is uncertain again: it is not sent a third time
    drain(unsure_again, uow_factory=uow_factory, clock=clock, uncertain_window=WINDOW)
    assert sorted(unsure_again.sent) == ["code", "receipt"]
    code = _get(uow_factory, "code")
    assert (code.status, code.last_error, code.attempts) == (MessageStatus.FAILED, GIVEN_UP_AFTER_RETRY_NOTE, 2)


def test_a_report_that_came_before_a_dead_worker_was_found_settles_its_message(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    with uow_factory() as uow:
        uow.outbox.add(sms_message(PHONE, "CNSS recu R-1", "payment_receipt", "receipt", clock.now(), essential=True))
        [claimed] = uow.outbox.claim_due(MessageChannel.SMS, clock.now(), clock.now() + timedelta(minutes=2), 10)
        assert claimed.message_id is not None
        uow.outbox.start_attempt(claimed.message_id, clock.now())
        uow.commit()  # ... and the worker dies while AT takes the message
    clock.advance(seconds=20)
    assert not _report(uow_factory, clock, "ATXid_77", PHONE), "the message is still 'sending' under its lease"

    clock.advance(minutes=5)
    transport = Transport()
    drain(transport, uow_factory=uow_factory, clock=clock, uncertain_window=WINDOW)
    row = _get(uow_factory, "receipt")
    assert (row.status, row.provider_message_id, transport.sent) == (MessageStatus.DELIVERED, "ATXid_77", [])


@pytest.mark.postgres
def test_two_reports_racing_for_one_uncertain_sms_settle_it_once(postgres_engine: Engine,
                                                                 clock: SettableClock) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    _uncertain(uow_factory, clock, ("receipt", PHONE, "payment_receipt"))
    clock.advance(minutes=1)
    with uow_factory() as first:
        assert first.delivery_reports.adopt_uncertain(PHONE, clock.now() - WINDOW, clock.now(), "ATXid_1") \
            is RecipientMatch.ADOPTED
        assert not _waits_for(first, lambda: _report(uow_factory, clock, "ATXid_2", PHONE),
                              "the second report waits for the first one's row lock")
    assert _get(uow_factory, "receipt").provider_message_id == "ATXid_1"


class FastReportingTransport(Transport):
    """A provider whose delivery report reaches the gateway before its answer to the send reaches the worker."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: SettableClock, *statuses: str) -> None:
        super().__init__()
        self.uow_factory, self.clock, self.statuses = uow_factory, clock, statuses
        self.matched: list[bool] = []

    def send(self, message: OutboundMessage) -> DeliveryResult:
        result = super().send(message)
        assert result.provider_message_id is not None
        for status in self.statuses:
            self.matched.append(_report(self.uow_factory, self.clock, result.provider_message_id, PHONE, status))
        return result


@pytest.mark.parametrize("statuses", [("Success",), ("Success", "Sent"), ("Sent", "Success")])
def test_a_delivery_reported_before_the_worker_records_the_send_is_not_lost(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock, statuses: tuple[str, ...]) -> None:
    keys = ["fast1", "fast2", "fast3"]  # one round of three sends: the first ones' results are written before the last
    with uow_factory() as uow:
        for key in keys:
            uow.outbox.add(sms_message(PHONE, f"CNSS declaration recue {key}", "statement", key, clock.now()))
        uow.commit()
    transport = FastReportingTransport(uow_factory, clock, *statuses)

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock).sent == 3

    assert transport.matched == [False] * 3 * len(statuses), "the reports came while their message was being sent"
    rows = [_get(uow_factory, key) for key in keys]
    assert [(r.status, r.provider_message_id) for r in rows] == [
        (MessageStatus.DELIVERED, f"ATXid_{key}") for key in keys]
    assert _report(uow_factory, clock, "ATXid_fast1", PHONE, "Sent"), "a late interim report matches"
    assert _get(uow_factory, "fast1").status is MessageStatus.DELIVERED, "and changes nothing after a delivery"


def _sending(uow_factory: UnitOfWorkFactory, clock: SettableClock) -> int:
    """One SMS claimed and started, as the worker leaves it while the provider takes it."""
    with uow_factory() as uow:
        uow.outbox.add(sms_message(PHONE, "CNSS recu R-1", "payment_receipt", "race", clock.now(), essential=True))
        [claimed] = uow.outbox.claim_due(MessageChannel.SMS, clock.now(), clock.now() + timedelta(minutes=2), 10)
        assert claimed.message_id is not None
        uow.outbox.start_attempt(claimed.message_id, clock.now())
        uow.commit()
        return claimed.message_id


@pytest.mark.postgres
def test_a_report_arriving_while_the_worker_records_the_send_waits_for_it(postgres_engine: Engine,
                                                                          clock: SettableClock) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    message_id = _sending(uow_factory, clock)
    with uow_factory() as worker:
        worker.outbox.settle_many([Settlement(message_id, MessageStatus.SENT, 1, clock.now(),
                                              provider_message_id="ATXid_race")])
        assert _waits_for(worker, lambda: _report(uow_factory, clock, "ATXid_race", PHONE),
                          "the report waits until the send is recorded (it would match nothing yet)")
    assert _get(uow_factory, "race").status is MessageStatus.DELIVERED


@pytest.mark.postgres
def test_a_send_recorded_while_its_report_is_being_stored_waits_and_applies_it(postgres_engine: Engine,
                                                                               clock: SettableClock) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    message_id = _sending(uow_factory, clock)
    report = DeliveryReport(AT, "ATXid_race", "Success", clock.now(), phone=PHONE, network_code="61501")
    with uow_factory() as receiver:
        receiver.delivery_reports.add(report)
        assert not receiver.delivery_reports.apply(AT, "ATXid_race", "Success", None, clock.now())
        receiver.delivery_reports.await_sends_in_flight()  # nobody writing: it takes the message's lock at once
        assert not receiver.delivery_reports.apply(AT, "ATXid_race", "Success", None, clock.now())

        def record() -> None:
            with uow_factory() as worker:
                worker.outbox.settle_many([Settlement(message_id, MessageStatus.SENT, 1, clock.now(),
                                                      provider_message_id="ATXid_race")])
                assert apply_early_reports(worker, ["ATXid_race"]) == 1
                worker.commit()

        _waits_for(receiver, record, "the worker waits until the report is stored (it would find none yet)")
    row = _get(uow_factory, "race")
    assert (row.status, row.provider_message_id) == (MessageStatus.DELIVERED, "ATXid_race")
