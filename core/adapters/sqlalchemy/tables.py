"""Table definitions (SQLAlchemy Core); the Alembic migrations create exactly these."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; times are timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=timezone.utc)
        return stored.astimezone(timezone.utc)


def _period(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(7), nullable=nullable)


def _money(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False)


employers = sa.Table(
    "employers", metadata,
    sa.Column("employer_number", sa.String(13), primary_key=True),
    sa.Column("company_name", sa.String(200), nullable=False),
    sa.Column("periodicity", sa.String(16), nullable=False),
    sa.Column("occupational_risk_bp", sa.Integer, nullable=False),
    sa.Column("email", sa.String(254)),
)

insured_persons = sa.Table(
    "insured_persons", metadata,
    sa.Column("insured_number", sa.String(13), primary_key=True),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("prior_insured_months", sa.Integer, nullable=False),
)

phones = sa.Table(
    "phones", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("holder_kind", sa.String(16), nullable=False),
    sa.Column("holder_number", sa.String(13), nullable=False),
    sa.Column("msisdn", sa.String(16), nullable=False),
    sa.UniqueConstraint("holder_kind", "holder_number", "msisdn", name="uq_phones_holder_msisdn"),
    # Who holds this phone (every login): equality on both leading columns, so no planner, with or without
    # statistics, prefers scanning every phone of a kind through the unique constraint's index instead.
    sa.Index("ix_phones_msisdn_holder", "msisdn", "holder_kind", "holder_number"),
)

employments = sa.Table(
    "employments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("insured_number", sa.ForeignKey("insured_persons.insured_number"), nullable=False, index=True),
    sa.Column("employer_number", sa.String(13), nullable=False),
    _period("start_period"),
    _period("end_period", nullable=True),
)

declared_pay = sa.Table(
    "declared_pay", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("insured_number", sa.ForeignKey("insured_persons.insured_number"), nullable=False),
    _period("period"),
    sa.Column("employer_number", sa.String(13), nullable=False),
    _money("gross_pay"),
    sa.UniqueConstraint("insured_number", "period", "employer_number", name="uq_declared_pay_line"),
)

declarations = sa.Table(
    "declarations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("employer_number", sa.ForeignKey("employers.employer_number"), nullable=False),
    _period("period"),
    sa.Column("head_count", sa.Integer, nullable=False),
    _money("gross_payroll"),
    _money("base"),
    _money("amount_due"),
    sa.Column("filed_at", UtcDateTime, nullable=False),
    sa.Column("estimate", sa.Boolean, nullable=False, server_default=sa.false()),  # payroll + head count only
    sa.UniqueConstraint("employer_number", "period", name="uq_declarations_employer_period"),
)

declaration_lines = sa.Table(
    "declaration_lines", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("declaration_id", sa.ForeignKey("declarations.id"), nullable=False, index=True),
    sa.Column("branch", sa.String(32), nullable=False),
    sa.Column("payer", sa.String(16), nullable=False),
    sa.Column("rate_bp", sa.Integer, nullable=False),
    _money("base"),
)

ledger_entries = sa.Table(
    "ledger_entries", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("employer_number", sa.ForeignKey("employers.employer_number"), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    _money("amount"),
    sa.Column("value_date", sa.Date, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    _period("period", nullable=True),
    sa.Column("surcharge_step", sa.Integer),
    sa.Column("reference", sa.String(12)),
    sa.CheckConstraint("amount > 0", name="ck_ledger_entries_amount_positive"),
    # One surcharge (and one write-off) per period and step; NULL steps (dues, payments) stay free.
    sa.UniqueConstraint("employer_number", "kind", "period", "surcharge_step", name="uq_ledger_entries_step"),
)

payment_references = sa.Table(
    "payment_references", metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("employer_number", sa.ForeignKey("employers.employer_number"), nullable=False, index=True),
    _period("period", nullable=True),
    _money("amount"),
    _money("contributions_amount"),
    _money("surcharges_amount"),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("paid_at", UtcDateTime),
    sa.Column("channel", sa.String(16), nullable=False),
)

payments = sa.Table(
    "payments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.ForeignKey("payment_references.code"), nullable=False, unique=True),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("transaction_id", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    _money("amount"),
    sa.Column("paid_at", UtcDateTime, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("receipt_number", sa.String(16), nullable=False, unique=True),
    sa.Column("account_label", sa.String(100)),
    sa.UniqueConstraint("provider", "transaction_id", name="uq_payments_provider_transaction"),
)

service_requests = sa.Table(
    "service_requests", metadata,
    sa.Column("tracking_number", sa.String(12), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("holder_kind", sa.String(16), nullable=False),
    sa.Column("holder_number", sa.String(16), nullable=False),  # an account number, or a phone (E.164)
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("category", sa.String(32)),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("details", sa.JSON, nullable=False, server_default="{}"),  # the form's fields, by name
    sa.Column("note", sa.Text),  # staff's last note
    sa.Column("msisdn", sa.String(16)),  # the phone that asked: told of status changes by SMS
    sa.Index("ix_service_requests_holder", "holder_kind", "holder_number"),
)

activity = sa.Table(
    "activity", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("holder_kind", sa.String(16), nullable=False),
    sa.Column("holder_number", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Index("ix_activity_holder", "holder_kind", "holder_number"),
)

credentials = sa.Table(
    "credentials", metadata,
    sa.Column("holder_kind", sa.String(16), primary_key=True),
    sa.Column("holder_number", sa.String(13), primary_key=True),
    sa.Column("pin_hash", sa.String(200), nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"),  # locks since the last correct PIN
)

ussd_session_events = sa.Table(
    "ussd_session_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("session_id", sa.String(100), nullable=False, index=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),  # retention purges by age
    sa.Column("msisdn", sa.String(16)),
    sa.Column("service_code", sa.String(40), nullable=False),
    sa.Column("network_code", sa.String(10), nullable=False),
    sa.Column("ended_at", UtcDateTime),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("hops_count", sa.Integer),
    sa.Column("hops_metadata", sa.Text, nullable=False),
    sa.Column("inputs_count", sa.Integer),  # how many inputs, never what was typed (the PIN is one)
    sa.Column("last_app_response", sa.Text, nullable=False),
    sa.Column("error_message", sa.Text),
    sa.Column("cost", sa.String(32), nullable=False),
)

outbound_messages = sa.Table(
    "outbound_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("subject", sa.String(200)),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("essential", sa.Boolean, nullable=False),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime),
    sa.Column("lease_until", UtcDateTime),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("provider_message_id", sa.String(100), index=True),
    sa.Column("segments", sa.Integer),
    sa.Column("encoding", sa.String(8)),
    sa.Column("delivery_status", sa.String(32)),
    sa.Column("delivery_failure", sa.String(64)),
    sa.Column("delivered_at", UtcDateTime),
    sa.Column("attempt_started_at", UtcDateTime),
    sa.Index("ix_outbound_messages_due", "status", "channel", "next_attempt_at"),
)

payment_rejections = sa.Table(
    "payment_rejections", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("transaction_id", sa.String(64), nullable=False),
    sa.Column("reference", sa.String(40), nullable=False),
    sa.Column("amount", sa.BigInteger),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("paid_at", UtcDateTime),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("replays", sa.Integer, nullable=False, server_default="0"),  # the same refusal received again
    sa.UniqueConstraint("provider", "transaction_id", "reason",
                        name="uq_payment_rejections_provider_transaction_reason"),
)

inbound_messages = sa.Table(
    "inbound_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("provider_message_id", sa.String(100), nullable=False),
    sa.Column("sender", sa.String(32), nullable=False, index=True),
    sa.Column("recipient", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),  # retention purges by age
    sa.Column("sent_at", UtcDateTime),
    sa.Column("link_id", sa.String(100)),
    sa.Column("network_code", sa.String(10)),
    sa.UniqueConstraint("provider", "provider_message_id", name="uq_inbound_messages_provider_id"),
)

payment_alerts = sa.Table(
    "payment_alerts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("sender", sa.String(32), nullable=False),
    sa.Column("raw_text", sa.Text, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reference", sa.String(40)),
    sa.Column("amount", sa.BigInteger),
    sa.Column("transaction_id", sa.String(64)),
    sa.Column("inbound_message_id", sa.String(100)),
    sa.Column("payment_id", sa.Integer),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index("ix_payment_alerts_transaction", "provider", "transaction_id"),
)

sms_opt_outs = sa.Table(
    "sms_opt_outs", metadata,
    sa.Column("msisdn", sa.String(16), primary_key=True),
    sa.Column("opted_out_at", UtcDateTime, nullable=False),
)

delivery_reports = sa.Table(
    "delivery_reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("provider_message_id", sa.String(100), nullable=False, index=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column("network_code", sa.String(10)),
    sa.Column("failure_reason", sa.String(64)),
    sa.Column("retry_count", sa.Integer),
    sa.Column("received_at", UtcDateTime, nullable=False),
)

staff = sa.Table(
    "staff", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("failed_signins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),  # bumped: sessions revoked
)

staff_actions = sa.Table(
    "staff_actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("staff_id", sa.ForeignKey("staff.id"), nullable=True, index=True),  # None: the command line
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),  # ids, statuses, masked phones only
    sa.Column("at", UtcDateTime, nullable=False, index=True),
)

# One row per answered USSD hop (screen ids and timings, never what was typed); purged after RETENTION_DAYS.
ussd_hops = sa.Table(
    "ussd_hops", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("session_id", sa.String(100), nullable=False),  # the provider's session id
    sa.Column("msisdn", sa.String(16), nullable=False),  # E.164, shown masked
    sa.Column("service_code", sa.String(40), nullable=False),
    sa.Column("network_code", sa.String(10), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    sa.Column("screen", sa.String(64), nullable=False),
    sa.Column("final", sa.Boolean, nullable=False),
    sa.Column("new_session", sa.Boolean, nullable=False),
    sa.Column("repeat", sa.Boolean, nullable=False),
    sa.Column("error", sa.String(64)),
    sa.Index("ix_ussd_hops_session", "session_id", "provider"),
    sa.Index("ix_ussd_hops_at", "at"),
)

# Per day, provider and screen, kept forever: retention rolls a day up here before deleting its hops.
ussd_daily_stats = sa.Table(
    "ussd_daily_stats", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("provider", sa.String(16), primary_key=True),
    sa.Column("screen", sa.String(64), primary_key=True),
    sa.Column("hops", sa.Integer, nullable=False),
    sa.Column("sessions_reached", sa.Integer, nullable=False),
    sa.Column("sessions_started", sa.Integer, nullable=False),
    sa.Column("sessions_ended", sa.Integer, nullable=False),
    sa.Column("abandoned", sa.Integer, nullable=False),
    sa.Column("invalid_inputs", sa.Integer, nullable=False),
    sa.Column("lockouts", sa.Integer, nullable=False),
    sa.Column("latency_buckets", sa.JSON, nullable=False),  # counts per core.domain.ussd_hops.LATENCY_BOUNDS_MS
)

# The error register: one row per error id shown to a caller (what failed and where, no personal data).
incidents = sa.Table(
    "incidents", metadata,
    sa.Column("error_id", sa.String(16), primary_key=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False, index=True),
    sa.Column("where", sa.String(100), nullable=False),  # a route pattern or a screen id
    sa.Column("kind", sa.String(100), nullable=False),  # the exception's class name, never its message
)
