"""Outbox and payment-rejection repositories."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from core.adapters.sqlalchemy import tables as t
from core.domain.delivery import Settlement
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage
from core.domain.rejections import PaymentRejection
from core.domain.uncertain_sms import RETRIED_NOTE


def _message(row: sa.Row[tuple[object, ...]]) -> OutboundMessage:
    m = row._mapping
    return OutboundMessage(
        channel=MessageChannel(m["channel"]), recipient=m["recipient"], body=m["body"], purpose=m["purpose"],
        idempotency_key=m["idempotency_key"], created_at=m["created_at"], essential=m["essential"],
        subject=m["subject"], status=MessageStatus(m["status"]), attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"], sent_at=m["sent_at"], last_error=m["last_error"],
        provider_message_id=m["provider_message_id"], message_id=m["id"], segments=m["segments"],
        encoding=m["encoding"], attempt_started_at=m["attempt_started_at"])


def _settle_many() -> sa.Update:
    """The statement of :meth:`SqlAlchemyOutboxRepository.settle_many`, built once (its SQL is cached)."""
    c = t.outbound_messages.c
    return sa.update(t.outbound_messages).where(c.id == sa.bindparam("m_id")).values(
        status=sa.bindparam("m_status", type_=c.status.type), attempts=sa.bindparam("m_attempts"),
        lease_until=None, last_error=sa.bindparam("m_error", type_=c.last_error.type),
        next_attempt_at=sa.bindparam("m_next", type_=c.next_attempt_at.type),
        attempt_started_at=sa.case((sa.bindparam("m_keep_start", type_=sa.Boolean), c.attempt_started_at),
                                   else_=sa.null()),
        sent_at=sa.case((sa.bindparam("m_sent", type_=sa.Boolean), sa.bindparam("m_at", type_=c.sent_at.type)),
                        else_=c.sent_at),
        provider_message_id=sa.func.coalesce(sa.bindparam("m_pid", type_=c.provider_message_id.type),
                                             c.provider_message_id),
        body=sa.func.coalesce(sa.bindparam("m_body", type_=c.body.type), c.body))


_SETTLE_MANY = _settle_many()
_START_ATTEMPTS = sa.update(t.outbound_messages).where(
    t.outbound_messages.c.id.in_(sa.bindparam("m_ids", expanding=True))).values(
    attempt_started_at=sa.bindparam("m_at", type_=t.outbound_messages.c.attempt_started_at.type))


# Built once per dialect (every SMS queued): insert unless the idempotency key is already queued.
_QUEUE_POSTGRESQL: Final = postgresql.insert(t.outbound_messages).on_conflict_do_nothing(
    index_elements=["idempotency_key"])
_QUEUE_SQLITE: Final = sqlite.insert(t.outbound_messages).on_conflict_do_nothing(index_elements=["idempotency_key"])


class SqlAlchemyOutboxRepository:
    """Durable queue of outbound messages; the idempotency key is unique."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, message: OutboundMessage) -> bool:
        """Queue a message; False (and nothing written) when its idempotency key is already queued.

        ``ON CONFLICT DO NOTHING`` keeps the surrounding transaction usable on PostgreSQL.
        """
        values = {
            "channel": message.channel.value, "recipient": message.recipient, "subject": message.subject,
            "body": message.body, "purpose": message.purpose, "essential": message.essential,
            "idempotency_key": message.idempotency_key, "status": message.status.value,
            "attempts": message.attempts, "created_at": message.created_at,
            "next_attempt_at": message.next_attempt_at or message.created_at,
            "segments": message.segments, "encoding": message.encoding,
        }
        statement = _QUEUE_POSTGRESQL if self._connection.dialect.name == "postgresql" else _QUEUE_SQLITE
        return bool(self._connection.execute(statement, values).rowcount)

    def get(self, idempotency_key: str) -> OutboundMessage | None:
        """The message queued under a key."""
        row = self._connection.execute(sa.select(t.outbound_messages).where(
            t.outbound_messages.c.idempotency_key == idempotency_key)).first()
        return _message(row) if row else None

    def find(self, *, purpose: str | None = None, channel: MessageChannel | None = None,
             recipient: str | None = None, after_id: int = 0, limit: int = 100) -> list[OutboundMessage]:
        """Messages, oldest first, optionally of one purpose, channel or recipient, after an id."""
        query = sa.select(t.outbound_messages).where(t.outbound_messages.c.id > after_id).order_by(
            t.outbound_messages.c.id).limit(limit)
        if recipient:
            query = query.where(t.outbound_messages.c.recipient == recipient)
        if purpose:
            query = query.where(t.outbound_messages.c.purpose == purpose)
        if channel:
            query = query.where(t.outbound_messages.c.channel == channel.value)
        return [_message(row) for row in self._connection.execute(query)]

    def claim_due(self, channel: MessageChannel, now: datetime, lease_until: datetime,
                  limit: int) -> list[OutboundMessage]:
        """Take up to ``limit`` due messages for one worker (``SKIP LOCKED`` on PostgreSQL).

        Queued messages whose time has come, and sending ones whose lease ran out before
        their send began (a worker died holding them), are marked ``sending`` with a new
        lease. One whose send had begun when its worker died may have reached the provider:
        it becomes ``uncertain`` (settled by its delivery report), never re-sent blindly.
        """
        c = t.outbound_messages.c
        stopped = "worker stopped during the send"
        self._connection.execute(sa.update(t.outbound_messages).where(
            c.channel == channel.value, c.status == MessageStatus.SENDING.value, c.lease_until < now,
            c.attempt_started_at.is_not(None)).values(
            status=MessageStatus.UNCERTAIN.value, lease_until=None, attempts=c.attempts + 1,
            last_error=sa.case((c.last_error.startswith(RETRIED_NOTE, autoescape=True),
                                f"{RETRIED_NOTE}; {stopped}"), else_=stopped)))
        due = sa.or_(
            sa.and_(c.status == MessageStatus.QUEUED.value, c.next_attempt_at <= now),
            sa.and_(c.status == MessageStatus.SENDING.value, c.lease_until < now),
        )
        query = sa.select(c.id).where(c.channel == channel.value, due).order_by(c.id).limit(limit)
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = [row.id for row in self._connection.execute(query)]
        if not ids:
            return []
        self._connection.execute(sa.update(t.outbound_messages).where(c.id.in_(ids)).values(
            status=MessageStatus.SENDING.value, lease_until=lease_until))
        rows = self._connection.execute(sa.select(t.outbound_messages).where(c.id.in_(ids)).order_by(c.id))
        return [_message(row) for row in rows]

    def settle(self, message_id: int, status: MessageStatus, *, attempts: int, at: datetime,
               next_attempt_at: datetime | None = None, error: str | None = None,
               provider_message_id: str | None = None, body: str | None = None) -> None:
        """Record what happened to a claimed message; ``body`` replaces its text (a secret masked).

        An uncertain message keeps the time its send began: a delivery report to its recipient
        within the window after it may settle it.
        """
        values: dict[str, object] = {"status": status.value, "attempts": attempts, "lease_until": None,
                                     "last_error": error, "next_attempt_at": next_attempt_at}
        if status is not MessageStatus.UNCERTAIN:
            values["attempt_started_at"] = None
        if status in (MessageStatus.SENT, MessageStatus.DELIVERED):
            values["sent_at"] = at
        if provider_message_id is not None:
            values["provider_message_id"] = provider_message_id
        if body is not None:
            values["body"] = body
        self._connection.execute(sa.update(t.outbound_messages).where(
            t.outbound_messages.c.id == message_id).values(**values))

    def settle_many(self, settlements: Sequence[Settlement]) -> None:
        """:meth:`settle` for several messages in one statement (one round trip with psycopg's pipeline).

        Rows are written in id order, the order in which a delivery report locks the SMS being sent.
        """
        if not settlements:
            return
        sent = (MessageStatus.SENT, MessageStatus.DELIVERED)
        self._connection.execute(_SETTLE_MANY, [
            {"m_id": s.message_id, "m_status": s.status.value, "m_attempts": s.attempts, "m_error": s.error,
             "m_next": s.next_attempt_at, "m_keep_start": s.status is MessageStatus.UNCERTAIN,
             "m_sent": s.status in sent, "m_at": s.at, "m_pid": s.provider_message_id, "m_body": s.body}
            for s in sorted(settlements, key=lambda s: s.message_id)])

    def requeue_uncertain(self, older_than: datetime, now: datetime) -> int:
        """Queue again the uncertain messages queued before ``older_than`` that no delivery report settled.

        A later retry under the same idempotency key: AT may have sent the first one, so
        this risks one duplicate per message, which is why it is never automatic.
        """
        c = t.outbound_messages.c
        return int(self._connection.execute(sa.update(t.outbound_messages).where(
            c.status == MessageStatus.UNCERTAIN.value, c.delivery_status.is_(None),
            c.created_at < older_than).values(
            status=MessageStatus.QUEUED.value, next_attempt_at=now, attempt_started_at=None)).rowcount)

    def requeue_failed(self, message_id: int, now: datetime) -> bool:
        """Queue one failed message again, due now, its attempts from zero (same idempotency key: still one row).

        Only a failed message moves: a sent, delivered, uncertain or already queued one is left alone.
        """
        c = t.outbound_messages.c
        return bool(self._connection.execute(sa.update(t.outbound_messages).where(
            c.id == message_id, c.status == MessageStatus.FAILED.value).values(
            status=MessageStatus.QUEUED.value, attempts=0, next_attempt_at=now, lease_until=None,
            attempt_started_at=None)).rowcount)

    def uncertain_unreported(self, channel: MessageChannel, limit: int,
                             started_before: datetime | None = None) -> list[OutboundMessage]:
        """Uncertain messages no delivery report reached (no provider id, no delivery status), oldest first,
        optionally only those whose send began before ``started_before``; locked (``SKIP LOCKED``) on PostgreSQL.
        """
        c = t.outbound_messages.c
        query = sa.select(t.outbound_messages).where(
            c.channel == channel.value, c.status == MessageStatus.UNCERTAIN.value,
            c.provider_message_id.is_(None), c.delivery_status.is_(None)).order_by(c.id).limit(limit)
        if started_before is not None:  # rows made uncertain before the send time was kept: their queuing time
            query = query.where(sa.func.coalesce(c.attempt_started_at, c.created_at) < started_before)
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [_message(row) for row in self._connection.execute(query)]

    def start_attempt(self, message_id: int, at: datetime) -> None:
        """Note that a send is about to begin (so a worker dying mid-send leaves an uncertain message)."""
        self._connection.execute(sa.update(t.outbound_messages).where(
            t.outbound_messages.c.id == message_id).values(attempt_started_at=at))

    def start_attempts(self, message_ids: Sequence[int], at: datetime) -> None:
        """:meth:`start_attempt` for the messages of one provider call."""
        if message_ids:
            self._connection.execute(_START_ATTEMPTS, {"m_ids": list(message_ids), "m_at": at})


class SqlAlchemyRejectionRepository:
    """Refused payment notifications."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, rejection: PaymentRejection) -> bool:
        """Record one refusal; True the first time, False (its ``replays`` incremented) on a replay.

        ``ON CONFLICT DO UPDATE`` on (provider, transaction_id, reason): the first row is kept as received.
        """
        insert = postgresql.insert if self._connection.dialect.name == "postgresql" else sqlite.insert
        values = insert(t.payment_rejections).values(
            provider=rejection.provider, transaction_id=rejection.transaction_id, reference=rejection.reference,
            amount=rejection.amount, reason=rejection.reason, received_at=rejection.received_at,
            paid_at=rejection.paid_at, detail=rejection.detail, replays=0)
        upsert = values.on_conflict_do_update(
            index_elements=["provider", "transaction_id", "reason"],
            set_={"replays": t.payment_rejections.c.replays + 1}).returning(t.payment_rejections.c.replays)
        return int(self._connection.execute(upsert).scalar_one()) == 0

    def between(self, start: datetime, end: datetime) -> list[PaymentRejection]:
        """Refusals received in [start, end)."""
        c = t.payment_rejections.c
        rows = self._connection.execute(sa.select(t.payment_rejections).where(
            c.received_at >= start, c.received_at < end).order_by(c.id))
        return [PaymentRejection(r.provider, r.transaction_id, r.reference, r.amount, r.reason, r.received_at,
                                 r.paid_at, r.detail, r.id, r.replays) for r in rows]
