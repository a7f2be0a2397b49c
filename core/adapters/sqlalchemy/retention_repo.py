"""Retention: personal records older than a cutoff deleted (or blanked), one bounded batch per call."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.domain.outbox import MessageStatus

BLANKED_BODY = "[texte effacé / text purged]"  # what a purged SMS's text becomes
_SETTLED = (MessageStatus.SENT.value, MessageStatus.DELIVERED.value, MessageStatus.FAILED.value,
            MessageStatus.SKIPPED.value)


class SqlAlchemyRetentionRepository:
    """Incoming SMS, end-of-session reports, delivery reports and sent SMS texts past the retention period."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _delete(self, table: sa.Table, column: sa.Column[datetime], cutoff: datetime, limit: int) -> int:
        ids = sa.select(table.c.id).where(column < cutoff).order_by(table.c.id).limit(limit).scalar_subquery()
        return int(self._connection.execute(sa.delete(table).where(table.c.id.in_(ids))).rowcount)

    def delete_inbound_before(self, cutoff: datetime, limit: int) -> int:
        """Incoming SMS (their free text) received before ``cutoff``."""
        return self._delete(t.inbound_messages, t.inbound_messages.c.received_at, cutoff, limit)

    def delete_session_events_before(self, cutoff: datetime, limit: int) -> int:
        """Providers' end-of-session reports received before ``cutoff``."""
        return self._delete(t.ussd_session_events, t.ussd_session_events.c.received_at, cutoff, limit)

    def delete_delivery_reports_before(self, cutoff: datetime, limit: int) -> int:
        """Delivery reports (a phone each) received before ``cutoff``; their outcome stays on the message."""
        return self._delete(t.delivery_reports, t.delivery_reports.c.received_at, cutoff, limit)

    def blank_outbox_bodies_before(self, cutoff: datetime, after_id: int, limit: int) -> tuple[int, int]:
        """Blank the text of settled messages created before ``cutoff`` (the row, its key and status stay).

        Walks ids upwards from ``after_id``: (how many were blanked, the last id looked at; 0 at the end).
        """
        c = t.outbound_messages.c
        ids = list(self._connection.execute(
            sa.select(c.id).where(c.id > after_id, c.created_at < cutoff).order_by(c.id).limit(limit)).scalars())
        if not ids:
            return 0, 0
        blanked = self._connection.execute(sa.update(t.outbound_messages).where(
            c.id.in_(ids), c.status.in_(_SETTLED), c.body != BLANKED_BODY).values(body=BLANKED_BODY)).rowcount
        return int(blanked), ids[-1]
