"""Issue and follow payment references."""
from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import NothingToPayError, PaymentReferenceNotFoundError
from core.domain.outbox import OutboundMessage
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.payment_references import (
    PaymentReference,
    ReferenceStatus,
    generate_reference_code,
    parse_reference_code,
)
from core.domain.periods import ContributionPeriod
from core.ports import Clock, UnitOfWork
from core.services.accounts import current_account, get_employer

_MAX_CODE_ATTEMPTS = 8


def issue_payment_reference(
    employer_number: str, period: ContributionPeriod | None, *, uow: UnitOfWork, clock: Clock,
    rulebook: RuleBook, channel: str = "ussd", randbelow: Callable[[int], int] = secrets.randbelow,
    notify: Callable[[PaymentReference], Sequence[OutboundMessage]] | None = None,
) -> PaymentReference:
    """A reference for one period's outstanding amount, or for the whole overdue balance (``period=None``).

    A still-valid pending reference for the same scope and amount is returned
    again instead of issuing a second one. ``notify`` gives the messages (the SMS
    with the reference) queued in the same transaction; their idempotency keys
    keep a reused reference from being texted twice.
    """
    with uow:
        _, account = current_account(uow, employer_number, clock=clock, rulebook=rulebook)
        today, now = clock.today(), clock.now()
        if period is None:
            positions = [p for p in account.positions() if p.deadline < today and p.outstanding > 0]
        else:
            positions = [p for p in account.positions() if p.period == period and p.outstanding > 0]
        amount = sum(p.outstanding for p in positions)
        if amount <= 0:
            raise NothingToPayError(employer_number=employer_number, period=str(period) if period else None)
        for existing in uow.references.list_for_employer(employer_number, 20):
            if (existing.status_at(now) is ReferenceStatus.PENDING and existing.period == period
                    and existing.amount == amount):
                _queue(uow, notify, existing)
                uow.commit()
                return existing
        reference = PaymentReference(
            code=_unused_code(uow, randbelow), employer_number=employer_number, period=period, amount=amount,
            contributions_amount=sum(p.principal_outstanding for p in positions),
            surcharges_amount=sum(p.surcharges_outstanding for p in positions), issued_at=now,
            expires_at=now + timedelta(days=rulebook.services.at(today).reference_validity_days), channel=channel)
        uow.references.add(reference)
        uow.activity.append(ActivityEntry(HolderKind.EMPLOYER, employer_number, ActivityKind.REFERENCE_ISSUED, now,
                                          {"reference": reference.code, "amount": str(amount)}))
        _queue(uow, notify, reference)
        uow.commit()
        return reference


def _queue(uow: UnitOfWork, notify: Callable[[PaymentReference], Sequence[OutboundMessage]] | None,
           reference: PaymentReference) -> None:
    for message in notify(reference) if notify else ():
        uow.outbox.add(message)


def _unused_code(uow: UnitOfWork, randbelow: Callable[[int], int]) -> str:
    for _ in range(_MAX_CODE_ATTEMPTS):
        code = generate_reference_code(randbelow)
        if uow.references.get(code) is None:
            return code
    raise RuntimeError("could not draw an unused payment reference")


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """A reference as shown to the employer, the bank or an operator."""

    reference: PaymentReference
    status: ReferenceStatus
    company_name: str
    being_confirmed: bool = False  # an SMS alert says it was paid; the notification has not come yet


def follow_reference(raw_code: str, *, uow: UnitOfWork, clock: Clock) -> ReferenceView:
    """Check digits first, then look the reference up (``PaymentReferenceNotFoundError`` if unknown)."""
    code = parse_reference_code(raw_code)
    with uow:
        reference = uow.references.get(code)
        if reference is None:
            raise PaymentReferenceNotFoundError(reference=code)
        employer = get_employer(uow, reference.employer_number)
        status = reference.status_at(clock.now())
        alerted = status is ReferenceStatus.PENDING and bool(uow.alerts.provisional_for(code))
    return ReferenceView(reference, status, employer.company_name, alerted)
