"""SMS opt-outs and delivery reports (applied to the outbox row they concern)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from core.adapters.sqlalchemy import tables as t
from core.domain.delivery_reports import (
    DeliveryReport, DeliveryState, RecipientMatch, meaning_of, settled_status, supersedes)
from core.domain.outbox import MessageChannel, MessageStatus, body_at_rest

# The SMS whose send has begun and not been recorded, locked: a worker writing their results holds them.
_IN_FLIGHT = sa.select(t.outbound_messages.c.id).where(
    t.outbound_messages.c.status == MessageStatus.SENDING.value,
    t.outbound_messages.c.channel == MessageChannel.SMS.value,
    t.outbound_messages.c.attempt_started_at.is_not(None)).order_by(t.outbound_messages.c.id).with_for_update()

# Built once: the worker runs it every round (a select built per call costs about twice the CPU).
_FOR_PROVIDER_IDS = sa.select(t.delivery_reports).where(t.delivery_reports.c.provider_message_id.in_(
    sa.bindparam("ids", expanding=True))).order_by(t.delivery_reports.c.id)

# Column widths of the tables (a longer provider value is cut, never refused: refusing makes the provider retry).
_STATUS_WIDTH, _FAILURE_WIDTH = 32, 64


def _cut(value: str | None, width: int) -> str | None:
    return value[:width] if value is not None else None


class SqlAlchemyOptOutRepository:
    """Phones (E.164) that asked for no more non-essential SMS."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def opt_out(self, msisdn: str, at: datetime) -> bool:
        """Record the opt-out; False (the first date kept) when the phone had already opted out."""
        insert = postgresql.insert if self._connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(t.sms_opt_outs).values(msisdn=msisdn, opted_out_at=at).on_conflict_do_nothing(
            index_elements=["msisdn"])
        return bool(self._connection.execute(statement).rowcount)

    def opt_in(self, msisdn: str) -> bool:
        """Lift the opt-out; False when there was none."""
        return bool(self._connection.execute(sa.delete(t.sms_opt_outs).where(
            t.sms_opt_outs.c.msisdn == msisdn)).rowcount)

    def is_opted_out(self, msisdn: str) -> bool:
        """True when the phone asked for no more non-essential SMS."""
        return self._connection.execute(sa.select(t.sms_opt_outs.c.msisdn).where(
            t.sms_opt_outs.c.msisdn == msisdn)).first() is not None


class SqlAlchemyDeliveryReportRepository:
    """Delivery reports kept as received, and their effect on the outbox."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def await_sends_in_flight(self) -> None:
        """Wait until no worker is recording the result of an SMS send (PostgreSQL; SQLite has one writer).

        A report that matches no message may be for a send whose result a worker is writing right now: the
        SMS being sent are locked until the transactions writing to them end, after which the provider id
        they got is visible to this transaction's next statement.
        """
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(_IN_FLIGHT).all()

    def for_provider_ids(self, provider_message_ids: Sequence[str]) -> list[DeliveryReport]:
        """The stored reports carrying any of these provider ids, in the order they arrived."""
        if not provider_message_ids:
            return []
        rows = self._connection.execute(_FOR_PROVIDER_IDS, {"ids": sorted(set(provider_message_ids))})
        return [_report(r) for r in rows]

    def add(self, report: DeliveryReport) -> None:
        """Store one report verbatim (cut to the column widths)."""
        self._connection.execute(sa.insert(t.delivery_reports).values(
            provider=report.provider, provider_message_id=report.provider_message_id,
            status=_cut(report.status, _STATUS_WIDTH), phone=report.phone, network_code=report.network_code,
            failure_reason=_cut(report.failure_reason, _FAILURE_WIDTH), retry_count=report.retry_count,
            received_at=report.received_at))

    def apply(self, provider: str, provider_message_id: str, status: str, failure_reason: str | None,
              at: datetime) -> bool:
        """Bring the outbound message(s) with this provider id up to date; False when none matches.

        The row is locked (PostgreSQL) so that a worker cannot claim it while its report settles it.
        """
        c = t.outbound_messages.c
        query = sa.select(c.id, c.status, c.delivery_status, c.purpose, c.body).where(
            c.provider_message_id == provider_message_id)
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update()
        rows = list(self._connection.execute(query))
        new = meaning_of(provider, status)
        for row in rows:
            if not supersedes(meaning_of(provider, row.delivery_status), new):  # one message, one provider
                continue
            current = MessageStatus(row.status)
            settled = settled_status(current, new)
            values: dict[str, object] = {"delivery_status": _cut(status, _STATUS_WIDTH),
                                         "delivery_failure": _cut(failure_reason, _FAILURE_WIDTH)}
            if new.state is DeliveryState.DELIVERED:
                values["delivered_at"] = at
            if settled is not current:
                values["status"] = settled.value
                values["lease_until"] = None
                values["next_attempt_at"] = None
                if settled in (MessageStatus.SENT, MessageStatus.DELIVERED):
                    values["sent_at"] = sa.func.coalesce(c.sent_at, at)
                masked = body_at_rest(row.purpose, row.body, settled)
                if masked is not None:
                    values["body"] = masked
            self._connection.execute(sa.update(t.outbound_messages).where(c.id == row.id).values(**values))
        return bool(rows)

    def adopt_uncertain(self, recipient: str, started_from: datetime, started_to: datetime,
                        provider_message_id: str) -> RecipientMatch:
        """Give a report's provider id to the one uncertain SMS to ``recipient`` (E.164) whose send began in
        [started_from, started_to] and that has no provider id yet; two or more such messages: none.

        The candidates are locked (PostgreSQL): of two reports racing for one message, the second finds
        it taken, unless it carries the same id (a repeat), which then applies to it as well.
        """
        c = t.outbound_messages.c
        candidate = sa.and_(c.status == MessageStatus.UNCERTAIN.value, c.provider_message_id.is_(None),
                            c.attempt_started_at >= started_from, c.attempt_started_at <= started_to)
        query = sa.select(c.id, c.provider_message_id).where(
            c.channel == MessageChannel.SMS.value, c.recipient == recipient,
            sa.or_(candidate, c.provider_message_id == provider_message_id)).order_by(c.id)
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update()
        rows = list(self._connection.execute(query))
        if any(row.provider_message_id == provider_message_id for row in rows):
            return RecipientMatch.ADOPTED
        if not rows:
            return RecipientMatch.NONE
        if len(rows) > 1:
            return RecipientMatch.AMBIGUOUS
        self._connection.execute(sa.update(t.outbound_messages).where(c.id == rows[0].id).values(
            provider_message_id=provider_message_id))
        return RecipientMatch.ADOPTED

    def unmatched(self, recipient: str, since: datetime, until: datetime) -> list[DeliveryReport]:
        """Reports to ``recipient`` received in [since, until] whose provider id is no message's, oldest first."""
        d, m = t.delivery_reports.c, t.outbound_messages.c
        ours = sa.select(m.id).where(m.provider_message_id == d.provider_message_id).exists()
        rows = self._connection.execute(sa.select(t.delivery_reports).where(
            d.phone == recipient, d.received_at >= since, d.received_at <= until, ~ours).order_by(d.id))
        return [_report(r) for r in rows]


def _report(row: sa.Row[tuple[object, ...]]) -> DeliveryReport:
    r = row._mapping
    return DeliveryReport(r["provider"], r["provider_message_id"], r["status"], r["received_at"], r["phone"],
                          r["network_code"], r["failure_reason"], r["retry_count"], r["id"])
