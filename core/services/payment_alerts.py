"""Incoming SMS: store it once, and handle payment alerts from allow-listed senders."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from core.domain.alerts import AlertSender, ParsedAlert, normalise_sender, parse_alert
from core.domain.errors import DomainError, InvalidPaymentReferenceError
from core.domain.inbound import AlertStatus, InboundSms, PaymentAlert
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.payment_references import ReferenceStatus, parse_reference_code
from core.ports import Clock, ReceiptComposer, UnitOfWork, UnitOfWorkFactory
from core.services.payment_notifications import notify_payment


def store_inbound(message: InboundSms, *, uow: UnitOfWork) -> bool:
    """Keep the raw message; False when the provider already delivered it (it retries until a 200)."""
    with uow:
        created = uow.inbound.add(message)
        uow.commit()
        return created


def receive_payment_alert(
    message: InboundSms, sender: AlertSender, *, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook,
    receipts: ReceiptComposer, finance_phones: Sequence[Msisdn] = (),
) -> PaymentAlert:
    """Record an alert: provisional (untrusted), confirmed (trusted and recorded), or kept for review.

    An SMS sender can be spoofed, so an untrusted alert never credits an account: it waits for the
    signed notification or the bank statement carrying the same transaction id. The same SMS
    again (the provider retries after a failure between storing the SMS and recording its alert)
    answers with the alert already recorded, or records it now.
    """
    with uow_factory() as uow:
        known = uow.alerts.for_inbound(sender.provider, message.provider_message_id)
    if known is not None:
        return known
    parsed = parse_alert(message.text, sender.templates)
    base = PaymentAlert(sender.provider, message.sender, message.text, clock.now(), AlertStatus.UNPARSED,
                        inbound_message_id=message.provider_message_id)
    if parsed is None:
        return _store(uow_factory, base)
    base = PaymentAlert(sender.provider, message.sender, message.text, clock.now(), AlertStatus.UNMATCHED,
                        reference=parsed.reference, amount=parsed.amount, transaction_id=parsed.transaction_id,
                        inbound_message_id=message.provider_message_id)
    try:
        code = parse_reference_code(parsed.reference)
    except InvalidPaymentReferenceError:
        return _store(uow_factory, _with(base, detail="invalid_reference"))
    if sender.trusted:
        return _credit(base, parsed, code, sender, uow_factory=uow_factory, clock=clock, rulebook=rulebook,
                       receipts=receipts, finance_phones=finance_phones)
    with uow_factory() as uow:
        recorded = uow.payments.get_by_transaction(sender.provider, parsed.transaction_id)
        reference = uow.references.get(code)
        if recorded is not None:
            alert = _with(base, status=AlertStatus.CONFIRMED, payment_id=recorded.payment_id)
        elif reference is None:
            alert = _with(base, detail="reference_not_found")
        elif reference.status_at(clock.now()) is not ReferenceStatus.PENDING:
            alert = _with(base, detail=f"reference_{reference.status_at(clock.now()).value}")
        elif reference.amount != parsed.amount:
            alert = _with(base, detail=f"amount_mismatch expected={reference.amount}")
        else:
            alert = _with(base, status=AlertStatus.PROVISIONAL)
        stored = uow.alerts.add(alert)
        uow.commit()
        return stored


def _credit(base: PaymentAlert, parsed: ParsedAlert, code: str, sender: AlertSender, *,
            uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook, receipts: ReceiptComposer,
            finance_phones: Sequence[Msisdn]) -> PaymentAlert:
    """A trusted sender's alert is a notification: record the payment on the same idempotency key."""
    try:
        recorded = notify_payment(
            reference=code, amount=parsed.amount, provider=sender.provider, transaction_id=parsed.transaction_id,
            channel=sender.channel, paid_at=parsed.paid_at or clock.now(), uow_factory=uow_factory, clock=clock,
            rulebook=rulebook, receipts=receipts, finance_phones=finance_phones)
    except DomainError as refused:
        return _store(uow_factory, _with(base, detail=type(refused).__name__))
    return _store(uow_factory, _with(base, status=AlertStatus.CONFIRMED, payment_id=recorded.payment.payment_id))


def _with(alert: PaymentAlert, **changes: Any) -> PaymentAlert:
    return replace(alert, **changes)


def _store(uow_factory: UnitOfWorkFactory, alert: PaymentAlert) -> PaymentAlert:
    with uow_factory() as uow:
        stored = uow.alerts.add(alert)
        uow.commit()
        return stored


def alert_sender_of(raw_sender: str, senders: Mapping[str, AlertSender]) -> AlertSender | None:
    """The allow-listed sender an SMS comes from, if any."""
    return senders.get(normalise_sender(raw_sender))
