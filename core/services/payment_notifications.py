"""A provider's payment notification: record it, or record why it was refused and alert finance staff."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from core.domain.errors import (
    AmountMismatchError,
    DomainError,
    PaymentReferenceAlreadyPaidError,
    PaymentReferenceCancelledError,
    PaymentReferenceExpiredError,
    PaymentReferenceNotFoundError,
    TransactionConflictError,
)
from core.domain.msisdn import Msisdn
from core.domain.outbox import sms_message
from core.domain.parameters import RuleBook
from core.domain.payments import PaymentChannel
from core.domain.rejections import PaymentRejection
from core.ports import Clock, ReceiptComposer, UnitOfWorkFactory
from core.services.payments import RecordedPayment, record_payment

REJECTION_REASONS: dict[type[DomainError], str] = {
    AmountMismatchError: "amount_mismatch",
    PaymentReferenceAlreadyPaidError: "already_paid",
    PaymentReferenceExpiredError: "reference_expired",
    PaymentReferenceCancelledError: "reference_cancelled",
    PaymentReferenceNotFoundError: "reference_not_found",
    TransactionConflictError: "transaction_id_reused",
}
# Refusals that mean money reached CNSS without a matching reference: finance staff are told at once.
ALERTED_REASONS = frozenset({"amount_mismatch", "reference_expired"})


def notify_payment(
    *, reference: str, amount: int, provider: str, transaction_id: str, channel: PaymentChannel, paid_at: datetime,
    uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook, receipts: ReceiptComposer,
    finance_phones: Sequence[Msisdn] = (), account_label: str | None = None,
) -> RecordedPayment:
    """Record the payment with its receipts; a refusal is stored (and alerted) before it is re-raised.

    A replayed refusal (same provider, transaction id and reason) only counts as a replay: one row, one alert.
    """
    try:
        return record_payment(reference=reference, amount=amount, provider=provider, transaction_id=transaction_id,
                              channel=channel, paid_at=paid_at, uow=uow_factory(), clock=clock, rulebook=rulebook,
                              account_label=account_label, receipts=receipts)
    except tuple(REJECTION_REASONS) as error:
        reason = REJECTION_REASONS[type(error)]
        rejection = PaymentRejection(provider, transaction_id, reference, amount, reason, clock.now(), paid_at,
                                     json.dumps(error.data, default=str, sort_keys=True))
        with uow_factory() as uow:
            first = uow.rejections.add(rejection)
            if first and reason in ALERTED_REASONS:
                text = receipts.rejection_alert(rejection)
                for phone in finance_phones:
                    uow.outbox.add(sms_message(phone.e164, text, "finance_alert",
                                               f"rejection:{provider}:{transaction_id}:{reason}:{phone}", clock.now(),
                                               essential=True))
            uow.commit()
        raise
