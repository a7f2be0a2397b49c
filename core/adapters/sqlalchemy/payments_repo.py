"""Payment-reference and payment repositories."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import Row

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.errors import duplicates_as_domain
from core.domain.payment_references import PaymentReference, ReferenceStatus
from core.domain.payments import Payment, PaymentChannel
from core.domain.periods import ContributionPeriod


def _reference(row: Row[tuple[object, ...]]) -> PaymentReference:
    m = row._mapping
    return PaymentReference(
        code=m["code"], employer_number=m["employer_number"],
        period=ContributionPeriod.parse(m["period"]) if m["period"] else None,
        amount=m["amount"], contributions_amount=m["contributions_amount"],
        surcharges_amount=m["surcharges_amount"], issued_at=m["issued_at"], expires_at=m["expires_at"],
        status=ReferenceStatus(m["status"]), paid_at=m["paid_at"], channel=m["channel"])


# Built once (every payment reference issued, followed or paid).
_REFERENCE: Final = sa.select(t.payment_references).where(t.payment_references.c.code == sa.bindparam("code"))
_REFERENCE_FOR_UPDATE: Final = _REFERENCE.with_for_update()
_INSERT_REFERENCE: Final = sa.insert(t.payment_references)


class SqlAlchemyPaymentReferenceRepository:
    """Payment references; the code is the primary key."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @duplicates_as_domain
    def add(self, reference: PaymentReference) -> None:
        """Insert a new reference (a duplicate code violates the primary key)."""
        self._connection.execute(_INSERT_REFERENCE, self._values(reference))

    def update(self, reference: PaymentReference) -> None:
        """Persist a status change."""
        self._connection.execute(sa.update(t.payment_references).where(
            t.payment_references.c.code == reference.code).values(
            status=reference.status.value, paid_at=reference.paid_at))

    def get(self, code: str, *, for_update: bool = False) -> PaymentReference | None:
        """The reference with this code; ``for_update`` locks it until the transaction ends."""
        query = _REFERENCE_FOR_UPDATE if for_update else _REFERENCE
        row = self._connection.execute(query, {"code": code}).first()
        return _reference(row) if row else None

    def list_for_employer(self, employer_number: str, limit: int) -> list[PaymentReference]:
        """The employer's latest references, newest first."""
        rows = self._connection.execute(sa.select(t.payment_references).where(
            t.payment_references.c.employer_number == employer_number
        ).order_by(t.payment_references.c.issued_at.desc()).limit(limit))
        return [_reference(row) for row in rows]

    @staticmethod
    def _values(reference: PaymentReference) -> dict[str, object]:
        return {
            "code": reference.code, "employer_number": reference.employer_number,
            "period": str(reference.period) if reference.period else None, "amount": reference.amount,
            "contributions_amount": reference.contributions_amount,
            "surcharges_amount": reference.surcharges_amount, "issued_at": reference.issued_at,
            "expires_at": reference.expires_at, "status": reference.status.value, "paid_at": reference.paid_at,
            "channel": reference.channel,
        }


def _payment(row: Row[tuple[object, ...]]) -> Payment:
    m = row._mapping
    return Payment(
        reference=m["reference"], provider=m["provider"], transaction_id=m["transaction_id"],
        channel=PaymentChannel(m["channel"]), amount=m["amount"], paid_at=m["paid_at"],
        recorded_at=m["recorded_at"], receipt_number=m["receipt_number"], account_label=m["account_label"],
        payment_id=m["id"])


class SqlAlchemyPaymentRepository:
    """Payments; unique per (provider, transaction id) and per reference."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @duplicates_as_domain
    def add(self, payment: Payment) -> Payment:
        """Insert a payment and return it with its id."""
        payment_id = self._connection.execute(sa.insert(t.payments).values(
            reference=payment.reference, provider=payment.provider, transaction_id=payment.transaction_id,
            channel=payment.channel.value, amount=payment.amount, paid_at=payment.paid_at,
            recorded_at=payment.recorded_at, receipt_number=payment.receipt_number,
            account_label=payment.account_label).returning(t.payments.c.id)).scalar_one()
        return replace(payment, payment_id=payment_id)

    def get_by_transaction(self, provider: str, transaction_id: str) -> Payment | None:
        """The payment a provider's transaction already recorded, if any."""
        row = self._connection.execute(sa.select(t.payments).where(
            t.payments.c.provider == provider, t.payments.c.transaction_id == transaction_id)).first()
        return _payment(row) if row else None

    def get_by_reference(self, reference: str) -> Payment | None:
        """The payment of a reference, if it was paid."""
        row = self._connection.execute(sa.select(t.payments).where(t.payments.c.reference == reference)).first()
        return _payment(row) if row else None

    def paid_between(self, start: datetime, end: datetime) -> list[Payment]:
        """Payments whose ``paid_at`` is in [start, end), oldest first."""
        c = t.payments.c
        rows = self._connection.execute(sa.select(t.payments).where(
            c.paid_at >= start, c.paid_at < end).order_by(c.paid_at, c.id))
        return [_payment(row) for row in rows]
