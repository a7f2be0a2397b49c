"""Record a payment against a reference: idempotent, credits the contributor account exactly once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.accounts import EntryKind, LedgerEntry
from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import (
    AmountMismatchError,
    InvalidAmountError,
    PaymentReferenceAlreadyPaidError,
    PaymentReferenceCancelledError,
    PaymentReferenceExpiredError,
    PaymentReferenceNotFoundError,
    TransactionConflictError,
)
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.payment_references import PaymentReference, ReferenceStatus, parse_reference_code
from core.domain.payments import Payment, PaymentChannel, receipt_number_for
from core.ports import Clock, DuplicateRecordError, UnitOfWork
from core.services.accounts import get_employer, load_account


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """The stored payment; ``created`` is False when the same transaction was already recorded."""

    payment: Payment
    created: bool
    reference: PaymentReference
    new_balance: int


def record_payment(
    *, reference: str, amount: int, provider: str, transaction_id: str, channel: PaymentChannel,
    paid_at: datetime, uow: UnitOfWork, clock: Clock, rulebook: RuleBook, account_label: str | None = None,
) -> RecordedPayment:
    """Record a provider's payment notification once, however often and however concurrently it arrives."""
    code = parse_reference_code(reference)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidAmountError(amount=amount)
    if paid_at.tzinfo is None:
        raise ValueError("paid_at must be timezone-aware")
    try:
        return _record(code, amount, provider, transaction_id, channel, paid_at, account_label,
                       uow=uow, clock=clock, rulebook=rulebook)
    except DuplicateRecordError:
        # A concurrent recording of the same transaction won the race: answer with its result.
        return _record(code, amount, provider, transaction_id, channel, paid_at, account_label,
                       uow=uow, clock=clock, rulebook=rulebook)


def _record(
    code: str, amount: int, provider: str, transaction_id: str, channel: PaymentChannel, paid_at: datetime,
    account_label: str | None, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook,
) -> RecordedPayment:
    with uow:
        # Lock the reference first: a concurrent twin waits here, then sees the committed payment.
        ref = uow.references.get(code, for_update=True)
        if ref is None:
            raise PaymentReferenceNotFoundError(reference=code)
        existing = uow.payments.get_by_transaction(provider, transaction_id)
        if existing is not None:
            if existing.reference != code or existing.amount != amount:
                raise TransactionConflictError(provider=provider, transaction_id=transaction_id)
            return RecordedPayment(existing, False, ref, _balance(uow, ref.employer_number, rulebook))
        _check_payable(ref, amount, transaction_id, min(paid_at, clock.now()), uow)
        now = clock.now()
        payment = uow.payments.add(Payment(
            reference=code, provider=provider, transaction_id=transaction_id, channel=channel, amount=amount,
            paid_at=paid_at, recorded_at=now, receipt_number=receipt_number_for(code), account_label=account_label))
        uow.ledger.lock_account(ref.employer_number)
        uow.ledger.append(LedgerEntry(
            ref.employer_number, EntryKind.PAYMENT, amount, clock.business_day(paid_at), now,
            period=ref.period, reference=code))
        paid = ref.mark_paid(paid_at)
        uow.references.update(paid)
        uow.activity.append(ActivityEntry(
            HolderKind.EMPLOYER, ref.employer_number, ActivityKind.PAYMENT_RECEIVED, now,
            {"reference": code, "amount": str(amount), "receipt": payment.receipt_number}))
        balance = _balance(uow, ref.employer_number, rulebook)
        uow.commit()
        return RecordedPayment(payment, True, paid, balance)


def _check_payable(ref: PaymentReference, amount: int, transaction_id: str, at: datetime, uow: UnitOfWork) -> None:
    status = ref.status_at(at)
    if status is ReferenceStatus.CANCELLED:
        raise PaymentReferenceCancelledError(reference=ref.code)
    if status is ReferenceStatus.PAID:
        paid_by = uow.payments.get_by_reference(ref.code)
        raise PaymentReferenceAlreadyPaidError(
            reference=ref.code, transaction_id=paid_by.transaction_id if paid_by else None)
    if status is ReferenceStatus.EXPIRED:
        raise PaymentReferenceExpiredError(reference=ref.code, expires_at=ref.expires_at.isoformat())
    if amount != ref.amount:
        raise AmountMismatchError(reference=ref.code, expected=ref.amount, received=amount)


def _balance(uow: UnitOfWork, employer_number: str, rulebook: RuleBook) -> int:
    return load_account(uow, get_employer(uow, employer_number), rulebook).balance
