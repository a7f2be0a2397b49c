"""Recording payments: idempotent, exactly-once credit, every rejection typed; concurrency on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.accounts import EntryKind
from core.domain.errors import (
    AmountMismatchError,
    InvalidAmountError,
    InvalidPaymentReferenceError,
    PaymentReferenceAlreadyPaidError,
    PaymentReferenceCancelledError,
    PaymentReferenceExpiredError,
    PaymentReferenceNotFoundError,
    TransactionConflictError,
)
from core.domain.parameters import RuleBook
from core.domain.payment_references import PaymentReference, ReferenceStatus, generate_reference_code
from core.domain.payments import PaymentChannel
from core.domain.periods import ContributionPeriod
from core.services.payment_references import issue_payment_reference
from core.services.payments import RecordedPayment, record_payment
from tests.support.builders import add_employer, at, declare

PAY_CLOCK = at(2026, 4, 10)


def _march_reference(factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> PaymentReference:
    add_employer(factory)
    declare(factory, rulebook, "1000001", "2026-03", 300_000, head_count=2)
    return issue_payment_reference("1000001", ContributionPeriod(2026, 3), uow=factory(), clock=at(2026, 4, 8),
                                   rulebook=rulebook)


@pytest.fixture
def reference(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> PaymentReference:
    """A pending reference for March 2026, issued on 8 April."""
    return _march_reference(uow_factory, rulebook)


def _pay(factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, code: str, amount: int,
         transaction_id: str = "IBB-0001", provider: str = "ibbank", clock: object = PAY_CLOCK) -> RecordedPayment:
    return record_payment(reference=code, amount=amount, provider=provider, transaction_id=transaction_id,
                          channel=PaymentChannel.BANK, paid_at=clock.now(), uow=factory(),  # type: ignore[attr-defined]
                          clock=clock, rulebook=rulebook)  # type: ignore[arg-type]


def _credits(factory: SqlAlchemyUnitOfWorkFactory) -> list[int]:
    with factory() as uow:
        return [e.amount for e in uow.ledger.entries("1000001") if e.kind is EntryKind.PAYMENT]


def test_a_payment_credits_the_account_and_marks_the_reference_paid(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    recorded = _pay(uow_factory, rulebook, reference.code, reference.amount)
    assert recorded.created and recorded.new_balance == 0
    assert recorded.payment.receipt_number == f"R{reference.code}"
    assert _credits(uow_factory) == [reference.amount]
    with uow_factory() as uow:
        assert uow.references.get(reference.code).status is ReferenceStatus.PAID  # type: ignore[union-attr]


def test_replaying_the_same_notification_ten_times_credits_once(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    results = [_pay(uow_factory, rulebook, reference.code, reference.amount) for _ in range(10)]
    assert [r.created for r in results] == [True] + [False] * 9
    assert {r.payment.payment_id for r in results} == {results[0].payment.payment_id}
    assert _credits(uow_factory) == [reference.amount]


def test_a_reference_paid_by_another_transaction_is_refused(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    _pay(uow_factory, rulebook, reference.code, reference.amount, "IBB-0001")
    with pytest.raises(PaymentReferenceAlreadyPaidError) as error:
        _pay(uow_factory, rulebook, reference.code, reference.amount, "IBB-0002")
    assert error.value.data["transaction_id"] == "IBB-0001"
    assert _credits(uow_factory) == [reference.amount]


def test_reusing_a_transaction_id_for_another_amount_is_a_conflict(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    _pay(uow_factory, rulebook, reference.code, reference.amount)
    with pytest.raises(TransactionConflictError):
        _pay(uow_factory, rulebook, reference.code, reference.amount + 1)


def test_a_different_amount_is_refused_and_nothing_is_credited(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    with pytest.raises(AmountMismatchError) as error:
        _pay(uow_factory, rulebook, reference.code, reference.amount - 1)
    assert error.value.data == {"reference": reference.code, "expected": reference.amount,
                                "received": reference.amount - 1}
    assert _credits(uow_factory) == []


def test_a_payment_after_expiry_is_refused_but_one_made_before_is_accepted_late(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    after = reference.expires_at + timedelta(minutes=1)
    late_clock = at(after.year, after.month, after.day, 23)
    with pytest.raises(PaymentReferenceExpiredError):
        _pay(uow_factory, rulebook, reference.code, reference.amount, clock=late_clock)
    notified_late = record_payment(
        reference=reference.code, amount=reference.amount, provider="ibbank", transaction_id="IBB-0009",
        channel=PaymentChannel.BANK, paid_at=reference.expires_at - timedelta(hours=1), uow=uow_factory(),
        clock=late_clock, rulebook=rulebook)
    assert notified_late.created


def test_a_cancelled_reference_is_refused(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    with uow_factory() as uow:
        uow.references.update(reference.cancelled())
        uow.commit()
    with pytest.raises(PaymentReferenceCancelledError):
        _pay(uow_factory, rulebook, reference.code, reference.amount)


def test_unknown_and_mistyped_references_and_bad_amounts_are_refused(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference) -> None:
    unknown = generate_reference_code()
    with pytest.raises(PaymentReferenceNotFoundError):
        _pay(uow_factory, rulebook, unknown, 1_000)
    mistyped = reference.code[:-1] + str((int(reference.code[-1]) + 1) % 10)
    with pytest.raises(InvalidPaymentReferenceError):
        _pay(uow_factory, rulebook, mistyped, reference.amount)
    for bad in (0, -5, True):
        with pytest.raises(InvalidAmountError):
            _pay(uow_factory, rulebook, reference.code, bad)  # type: ignore[arg-type]
    assert _credits(uow_factory) == []


@pytest.mark.postgres
def test_concurrent_recordings_of_one_transaction_credit_once_on_postgresql(
        postgres_engine: Engine, rulebook: RuleBook) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    ref = _march_reference(factory, rulebook)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results: list[RecordedPayment] = []
    errors: list[BaseException] = []

    def notify() -> None:
        barrier.wait()
        try:
            results.append(_pay(factory, rulebook, ref.code, ref.amount, "IBB-RACE"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=notify) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r.created for r in results) == [False] * (threads_count - 1) + [True]
    assert _credits(factory) == [ref.amount]


@pytest.mark.postgres
def test_concurrent_payments_of_one_reference_by_different_transactions_credit_once(
        postgres_engine: Engine, rulebook: RuleBook) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    ref = _march_reference(factory, rulebook)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def notify(tx: str) -> None:
        barrier.wait()
        try:
            outcomes.append("created" if _pay(factory, rulebook, ref.code, ref.amount, tx).created else "replay")
        except PaymentReferenceAlreadyPaidError:
            outcomes.append("already_paid")

    threads = [threading.Thread(target=notify, args=(f"TX-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_paid"] * 3 + ["created"]
    assert _credits(factory) == [ref.amount]


def test_paid_at_must_be_timezone_aware(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook,
                                        reference: PaymentReference) -> None:
    with pytest.raises(ValueError):
        record_payment(reference=reference.code, amount=reference.amount, provider="ibbank", transaction_id="X",
                       channel=PaymentChannel.BANK, paid_at=datetime(2026, 4, 10), uow=uow_factory(),
                       clock=PAY_CLOCK, rulebook=rulebook)
    assert PAY_CLOCK.now().tzinfo is timezone.utc
