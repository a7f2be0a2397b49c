"""Incoming-SMS and payment-alert repositories."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from core.adapters.sqlalchemy import tables as t
from core.domain.inbound import AlertStatus, InboundSms, PaymentAlert


class SqlAlchemyInboundRepository:
    """Raw incoming SMS, one row per provider message id."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, message: InboundSms) -> bool:
        """Store a message; False when the provider already delivered it (a retry)."""
        insert = postgresql.insert if self._connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(t.inbound_messages).values(
            provider=message.provider, provider_message_id=message.provider_message_id, sender=message.sender,
            recipient=message.recipient, text=message.text, received_at=message.received_at,
            sent_at=message.sent_at, link_id=message.link_id, network_code=message.network_code,
        ).on_conflict_do_nothing(index_elements=["provider", "provider_message_id"])
        return bool(self._connection.execute(statement).rowcount)

    def count(self) -> int:
        """How many messages are stored."""
        return int(self._connection.execute(sa.select(sa.func.count()).select_from(t.inbound_messages)).scalar_one())


def _alert(row: sa.Row[tuple[object, ...]]) -> PaymentAlert:
    m = row._mapping
    return PaymentAlert(
        provider=m["provider"], sender=m["sender"], raw_text=m["raw_text"], received_at=m["received_at"],
        status=AlertStatus(m["status"]), reference=m["reference"], amount=m["amount"],
        transaction_id=m["transaction_id"], inbound_message_id=m["inbound_message_id"],
        payment_id=m["payment_id"], detail=m["detail"], alert_id=m["id"])


class SqlAlchemyAlertRepository:
    """Payment alerts received by SMS."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, alert: PaymentAlert) -> PaymentAlert:
        """Store an alert and return it with its id."""
        alert_id = self._connection.execute(sa.insert(t.payment_alerts).values(
            provider=alert.provider, sender=alert.sender, raw_text=alert.raw_text, received_at=alert.received_at,
            status=alert.status.value, reference=alert.reference, amount=alert.amount,
            transaction_id=alert.transaction_id, inbound_message_id=alert.inbound_message_id,
            payment_id=alert.payment_id, detail=alert.detail).returning(t.payment_alerts.c.id)).scalar_one()
        return replace(alert, alert_id=alert_id)

    def for_inbound(self, provider: str, inbound_message_id: str) -> PaymentAlert | None:
        """The alert recorded for one incoming SMS of a provider, if any."""
        c = t.payment_alerts.c
        row = self._connection.execute(sa.select(t.payment_alerts).where(
            c.provider == provider, c.inbound_message_id == inbound_message_id).order_by(c.id).limit(1)).first()
        return _alert(row) if row else None

    def confirm(self, provider: str, transaction_id: str, payment_id: int) -> int:
        """Mark the provisional alerts of a transaction confirmed; returns how many."""
        c = t.payment_alerts.c
        return int(self._connection.execute(sa.update(t.payment_alerts).where(
            c.provider == provider, c.transaction_id == transaction_id,
            c.status == AlertStatus.PROVISIONAL.value).values(
            status=AlertStatus.CONFIRMED.value, payment_id=payment_id)).rowcount)

    def provisional_for(self, reference: str) -> list[PaymentAlert]:
        """Provisional alerts naming a reference."""
        c = t.payment_alerts.c
        rows = self._connection.execute(sa.select(t.payment_alerts).where(
            c.reference == reference, c.status == AlertStatus.PROVISIONAL.value).order_by(c.id))
        return [_alert(row) for row in rows]

    def needing_review(self, start: datetime, end: datetime) -> list[PaymentAlert]:
        """Alerts received in [start, end) that are not confirmed (provisional, unparsed, unmatched)."""
        c = t.payment_alerts.c
        rows = self._connection.execute(sa.select(t.payment_alerts).where(
            c.received_at >= start, c.received_at < end, c.status != AlertStatus.CONFIRMED.value).order_by(c.id))
        return [_alert(row) for row in rows]

    def received_between(self, start: datetime, end: datetime) -> list[PaymentAlert]:
        """Every alert received in [start, end)."""
        c = t.payment_alerts.c
        rows = self._connection.execute(sa.select(t.payment_alerts).where(
            c.received_at >= start, c.received_at < end).order_by(c.id))
        return [_alert(row) for row in rows]
