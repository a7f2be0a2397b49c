"""Record a payment against a reference: idempotent, credits once, queues its receipts in the same transaction."""
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
from core.domain.outbox import MessageChannel, OutboundMessage, sms_message
from core.domain.parameters import RuleBook
from core.domain.parties import Employer, HolderKind
from core.domain.payment_references import PaymentReference, ReferenceStatus, parse_reference_code
from core.domain.payments import Payment, PaymentChannel, receipt_number_for
from core.domain.receipts import Receipt
from core.ports import Clock, DuplicateRecordError, ReceiptComposer, UnitOfWork
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
    receipts: ReceiptComposer | None = None,
) -> RecordedPayment:
    """Record a provider's payment notification once, however often and however concurrently it arrives.

    With ``receipts``, the SMS receipt (to each registered mobile) and the email receipt (when
    the employer has an address) are queued in the payment's own transaction.
    """
    code = parse_reference_code(reference)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidAmountError(amount=amount)
    if paid_at.tzinfo is None:
        raise ValueError("paid_at must be timezone-aware")
    notice = _Notice(code, amount, provider, transaction_id, channel, paid_at, account_label)
    try:
        return _record(notice, uow=uow, clock=clock, rulebook=rulebook, receipts=receipts)
    except DuplicateRecordError:
        # A concurrent recording of the same transaction won the race: answer with its result.
        return _record(notice, uow=uow, clock=clock, rulebook=rulebook, receipts=receipts)


@dataclass(frozen=True, slots=True)
class _Notice:
    code: str
    amount: int
    provider: str
    transaction_id: str
    channel: PaymentChannel
    paid_at: datetime
    account_label: str | None


def _record(notice: _Notice, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook,
            receipts: ReceiptComposer | None) -> RecordedPayment:
    code = notice.code
    with uow:
        # Lock the reference first: a concurrent twin waits here, then sees the committed payment.
        ref = uow.references.get(code, for_update=True)
        if ref is None:
            raise PaymentReferenceNotFoundError(reference=code)
        existing = uow.payments.get_by_transaction(notice.provider, notice.transaction_id)
        if existing is not None:
            if existing.reference != code or existing.amount != notice.amount:
                raise TransactionConflictError(provider=notice.provider, transaction_id=notice.transaction_id)
            return RecordedPayment(existing, False, ref, _balance(uow, ref.employer_number, rulebook))
        _check_payable(ref, notice.amount, min(notice.paid_at, clock.now()), uow)
        now = clock.now()
        payment = uow.payments.add(Payment(
            reference=code, provider=notice.provider, transaction_id=notice.transaction_id, channel=notice.channel,
            amount=notice.amount, paid_at=notice.paid_at, recorded_at=now, receipt_number=receipt_number_for(code),
            account_label=notice.account_label))
        uow.ledger.lock_account(ref.employer_number)
        uow.ledger.append(LedgerEntry(ref.employer_number, EntryKind.PAYMENT, notice.amount,
                                      clock.business_day(notice.paid_at), now, period=ref.period, reference=code))
        paid = ref.mark_paid(notice.paid_at)
        uow.references.update(paid)
        assert payment.payment_id is not None
        uow.alerts.confirm(notice.provider, notice.transaction_id, payment.payment_id)  # SMS alerts of it, if any
        uow.activity.append(ActivityEntry(
            HolderKind.EMPLOYER, ref.employer_number, ActivityKind.PAYMENT_RECEIVED, now,
            {"reference": code, "amount": str(notice.amount), "receipt": payment.receipt_number}))
        employer = get_employer(uow, ref.employer_number)
        balance = load_account(uow, employer, rulebook).balance
        if receipts is not None:
            _queue_receipts(uow, receipts, employer, payment, paid, balance, now)
        uow.commit()
        return RecordedPayment(payment, True, paid, balance)


def _queue_receipts(uow: UnitOfWork, receipts: ReceiptComposer, employer: Employer, payment: Payment,
                    reference: PaymentReference, balance: int, now: datetime) -> None:
    receipt = Receipt(payment.receipt_number, payment.reference, payment.amount, reference.period, balance,
                      employer.employer_number, employer.company_name, payment.paid_at, payment.provider)
    text = receipts.receipt_sms(receipt)
    for phone in employer.phones:
        if phone.is_mobile:
            uow.outbox.add(sms_message(phone.e164, text, "payment_receipt",
                                       f"receipt:{receipt.receipt_number}:{phone}", now, essential=True))
    if employer.email:
        subject, body = receipts.receipt_email(receipt)
        uow.outbox.add(OutboundMessage(
            MessageChannel.EMAIL, employer.email, body, "payment_receipt", f"receipt:{receipt.receipt_number}:email",
            now, essential=True, subject=subject))


def _check_payable(ref: PaymentReference, amount: int, at: datetime, uow: UnitOfWork) -> None:
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
