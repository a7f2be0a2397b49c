"""The operations console's read side: counts and newest-first pages over outbox, requests, payments and PINs."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.outbox_repo import _message
from core.adapters.sqlalchemy.payments_repo import _payment
from core.adapters.sqlalchemy.requests_repo import SqlAlchemyRequestRepository
from core.domain.outbox import MessageStatus, OutboundMessage
from core.domain.parties import HolderKind
from core.domain.payments import Payment
from core.domain.pins import Credential
from core.domain.rejections import PaymentRejection
from core.domain.requests import ServiceRequest


class SqlAlchemyConsoleQueries:
    """Reads only; every page is bounded by ``limit``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _counts(self, column: sa.Column[str]) -> dict[str, int]:
        rows = self._connection.execute(sa.select(column, sa.func.count()).group_by(column))
        return {str(value): int(count) for value, count in rows}

    def outbox_counts(self) -> dict[str, int]:
        """Messages per status."""
        return self._counts(t.outbound_messages.c.status)

    def outbox_page(self, *, status: MessageStatus | None, purpose: str | None, limit: int,
                    offset: int) -> list[OutboundMessage]:
        """Messages, newest first, optionally of one status or purpose."""
        c = t.outbound_messages.c
        query = sa.select(t.outbound_messages).order_by(c.id.desc()).limit(limit).offset(offset)
        if status is not None:
            query = query.where(c.status == status.value)
        if purpose:
            query = query.where(c.purpose == purpose)
        return [_message(row) for row in self._connection.execute(query)]

    def outbox_message(self, message_id: int) -> OutboundMessage | None:
        """One message by id."""
        row = self._connection.execute(sa.select(t.outbound_messages).where(
            t.outbound_messages.c.id == message_id)).first()
        return _message(row) if row else None

    def request_counts(self) -> dict[str, int]:
        """Requests per status."""
        return self._counts(t.service_requests.c.status)

    def requests_page(self, *, kind: str | None, status: str | None, limit: int,
                      offset: int) -> list[ServiceRequest]:
        """Requests, newest first, optionally of one kind or status."""
        c = t.service_requests.c
        query = sa.select(t.service_requests).order_by(c.created_at.desc(), c.tracking_number).limit(limit).offset(
            offset)
        if kind:
            query = query.where(c.kind == kind)
        if status:
            query = query.where(c.status == status)
        return [SqlAlchemyRequestRepository._request(row) for row in self._connection.execute(query)]

    def payments_page(self, *, limit: int, offset: int) -> list[Payment]:
        """Payments credited, newest first."""
        c = t.payments.c
        query = sa.select(t.payments).order_by(c.recorded_at.desc(), c.id.desc()).limit(limit).offset(offset)
        return [_payment(row) for row in self._connection.execute(query)]

    def rejections_page(self, *, limit: int, offset: int) -> list[PaymentRejection]:
        """Refused notifications, newest first."""
        c = t.payment_rejections.c
        rows = self._connection.execute(sa.select(t.payment_rejections).order_by(c.received_at.desc(), c.id.desc())
                                        .limit(limit).offset(offset))
        return [PaymentRejection(r.provider, r.transaction_id, r.reference, r.amount, r.reason, r.received_at,
                                 r.paid_at, r.detail, r.id, r.replays) for r in rows]

    def rejections_since(self, start: datetime) -> int:
        """How many notifications were refused from ``start``."""
        return int(self._connection.execute(sa.select(sa.func.count()).select_from(t.payment_rejections).where(
            t.payment_rejections.c.received_at >= start)).scalar_one())

    def locked_credentials(self, now: datetime, blocked_after: int, limit: int) -> list[Credential]:
        """Credentials locked at ``now`` or blocked (more than ``blocked_after`` lockouts), most recent lock first."""
        c = t.credentials.c
        rows = self._connection.execute(sa.select(t.credentials).where(
            sa.or_(c.locked_until > now, c.lockouts > blocked_after)).order_by(
            c.locked_until.desc(), c.holder_kind, c.holder_number).limit(limit))
        return [Credential(HolderKind(r.holder_kind), r.holder_number, r.pin_hash, r.failed_attempts,
                           r.locked_until, r.lockouts) for r in rows]
