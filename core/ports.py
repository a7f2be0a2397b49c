"""Ports of the core: repositories, unit of work and clock, as small Protocols."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, runtime_checkable

from core.domain.accounts import LedgerEntry
from core.domain.activity import ActivityEntry
from core.domain.contributions import ContributionAssessment
from core.domain.delivery import DeliveryResult, Settlement
from core.domain.delivery_reports import DeliveryReport, RecipientMatch
from core.domain.inbound import InboundSms, PaymentAlert
from core.domain.incidents import Incident
from core.domain.individual_accounts import DeclaredPay, Employment
from core.domain.msisdn import Msisdn
from core.domain.operations import UssdSessionReport
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage
from core.domain.parties import Employer, HolderKind, InsuredPerson, PhoneAccount
from core.domain.payment_references import PaymentReference
from core.domain.payments import Payment
from core.domain.periods import ContributionPeriod
from core.domain.pins import Credential
from core.domain.receipts import Receipt
from core.domain.rejections import PaymentRejection
from core.domain.staff import AuditEntry, StaffMember
from core.domain.requests import ServiceRequest
from core.domain.ussd_hops import RecordedHop, ScreenDay


class DuplicateRecordError(Exception):
    """A write hit a uniqueness rule (a concurrent writer got there first); retry or re-read."""


class Clock(Protocol):
    """Source of the current time (timezone-aware UTC) and of the business day."""

    def now(self) -> datetime:
        """Current instant in UTC."""
        ...

    def today(self) -> date:
        """Current business day in the gateway's timezone."""
        ...

    def business_day(self, instant: datetime) -> date:
        """The business day an instant falls on."""
        ...

    def local(self, instant: datetime) -> datetime:
        """The instant in the business timezone (for display)."""
        ...


class PhoneRegistrations(Protocol):
    """Told after a phone was added to or removed from an account, so caches of who is calling forget it."""

    def phone_changed(self, msisdn: Msisdn) -> None:
        """The accounts reachable from ``msisdn`` changed (called after the change is committed)."""
        ...


class PhoneDirectory(Protocol):
    """Every phone registered on an account, whatever the account."""

    def all_msisdns(self) -> list[str]:
        """The registered phones (E.164), each once."""
        ...

    def accounts_on(self, msisdn: Msisdn) -> list[PhoneAccount]:
        """The accounts registered on ``msisdn`` with their PIN state, employers first, by number (one query)."""
        ...


class EmployerRepository(Protocol):
    """Employers by employer number and by registered phone."""

    def add(self, employer: Employer) -> None: ...
    def get(self, employer_number: str) -> Employer | None: ...
    def list_by_phone(self, msisdn: Msisdn) -> list[Employer]: ...
    def list_numbers(self) -> list[str]: ...


class InsuredPersonRepository(Protocol):
    """Insured persons, their declared pay and employments."""

    def add(self, person: InsuredPerson) -> None: ...
    def get(self, insured_number: str) -> InsuredPerson | None: ...
    def list_by_phone(self, msisdn: Msisdn) -> list[InsuredPerson]: ...
    def add_declared_pay(self, lines: Sequence[DeclaredPay]) -> None: ...
    def declared_pay(self, insured_number: str) -> list[DeclaredPay]: ...
    def add_employment(self, employment: Employment) -> None: ...
    def employments(self, insured_number: str) -> list[Employment]: ...


class DeclarationRepository(Protocol):
    """Contribution declarations, one per employer and period."""

    def add(self, employer_number: str, assessment: ContributionAssessment, filed_at: datetime,
            estimate: bool = False) -> None: ...
    def get(self, employer_number: str, period: ContributionPeriod) -> ContributionAssessment | None: ...
    def periods(self, employer_number: str) -> list[ContributionPeriod]: ...
    def is_estimate(self, employer_number: str, period: ContributionPeriod) -> bool: ...
    def latest_worker_pay(self, employer_number: str) -> list[DeclaredPay]: ...


class LedgerRepository(Protocol):
    """The append-only contributor-account ledger."""

    def append(self, entry: LedgerEntry) -> None: ...
    def entries(self, employer_number: str) -> list[LedgerEntry]: ...
    def lock_account(self, employer_number: str) -> None: ...

    def with_employer(self, employer_number: str) -> tuple[Employer, list[LedgerEntry]] | None:
        """The employer (its phones not read) and every movement of its account, in one query; None if unknown."""
        ...


class PaymentReferenceRepository(Protocol):
    """Payment references by code."""

    def add(self, reference: PaymentReference) -> None: ...
    def get(self, code: str, *, for_update: bool = False) -> PaymentReference | None: ...
    def update(self, reference: PaymentReference) -> None: ...
    def list_for_employer(self, employer_number: str, limit: int) -> list[PaymentReference]: ...


class PaymentRepository(Protocol):
    """Payments, unique per (provider, transaction id)."""

    def add(self, payment: Payment) -> Payment: ...
    def get_by_transaction(self, provider: str, transaction_id: str) -> Payment | None: ...
    def get_by_reference(self, reference: str) -> Payment | None: ...
    def paid_between(self, start: datetime, end: datetime) -> list[Payment]: ...


class RequestRepository(Protocol):
    """Quitus, attestation and claim requests."""

    def add(self, request: ServiceRequest) -> None: ...
    def get(self, tracking_number: str) -> ServiceRequest | None: ...
    def update(self, request: ServiceRequest) -> None: ...
    def list_for(self, holder_kind: HolderKind, holder_number: str, limit: int) -> list[ServiceRequest]: ...
    def open_of_kind(self, kind: str) -> list[ServiceRequest]:
        """Requests of one kind not yet decided (received, in progress, documents missing), oldest first."""
        ...


class ActivityRepository(Protocol):
    """Per-person activity history."""

    def append(self, entry: ActivityEntry) -> None: ...
    def list_for(self, holder_kind: HolderKind, holder_number: str, limit: int) -> list[ActivityEntry]: ...


class CredentialRepository(Protocol):
    """PIN credentials."""

    def get(self, holder_kind: HolderKind, holder_number: str, *, for_update: bool = False) -> Credential | None: ...
    def save(self, credential: Credential) -> None: ...


class UssdReportRepository(Protocol):
    """End-of-session reports of USSD providers."""

    def add(self, report: UssdSessionReport) -> None: ...
    def for_session(self, provider: str, session_id: str) -> list[UssdSessionReport]: ...


class OutboxRepository(Protocol):
    """The durable queue of outbound SMS and email."""

    def add(self, message: OutboundMessage) -> bool: ...
    def get(self, idempotency_key: str) -> OutboundMessage | None: ...
    def find(self, *, purpose: str | None = None, channel: MessageChannel | None = None,
             recipient: str | None = None, after_id: int = 0, limit: int = 100) -> list[OutboundMessage]: ...
    def claim_due(self, channel: MessageChannel, now: datetime, lease_until: datetime,
                  limit: int) -> list[OutboundMessage]: ...
    def start_attempt(self, message_id: int, at: datetime) -> None: ...
    def start_attempts(self, message_ids: Sequence[int], at: datetime) -> None: ...
    def requeue_uncertain(self, older_than: datetime, now: datetime) -> int: ...
    def requeue_failed(self, message_id: int, now: datetime) -> bool:
        """Queue one failed message again (same idempotency key, attempts from zero); False unless it was failed."""
        ...
    def uncertain_unreported(self, channel: MessageChannel, limit: int,
                             started_before: datetime | None = None) -> list[OutboundMessage]: ...
    def settle(self, message_id: int, status: MessageStatus, *, attempts: int, at: datetime,
               next_attempt_at: datetime | None = None, error: str | None = None,
               provider_message_id: str | None = None, body: str | None = None) -> None: ...
    def settle_many(self, settlements: Sequence[Settlement]) -> None: ...


class RejectionRepository(Protocol):
    """Refused payment notifications, for reconciliation; ``add`` is False for a replayed refusal."""

    def add(self, rejection: PaymentRejection) -> bool: ...
    def between(self, start: datetime, end: datetime) -> list[PaymentRejection]: ...


class InboundRepository(Protocol):
    """Raw incoming SMS."""

    def add(self, message: InboundSms) -> bool: ...
    def count(self) -> int: ...


class AlertRepository(Protocol):
    """Payment alerts received by SMS."""

    def add(self, alert: PaymentAlert) -> PaymentAlert: ...
    def for_inbound(self, provider: str, inbound_message_id: str) -> PaymentAlert | None: ...
    def confirm(self, provider: str, transaction_id: str, payment_id: int) -> int: ...
    def provisional_for(self, reference: str) -> list[PaymentAlert]: ...
    def needing_review(self, start: datetime, end: datetime) -> list[PaymentAlert]: ...
    def received_between(self, start: datetime, end: datetime) -> list[PaymentAlert]: ...


class ReceiptComposer(Protocol):
    """Words receipts and staff alerts (the channels own the wording and the language)."""

    def receipt_sms(self, receipt: Receipt) -> str: ...
    def receipt_email(self, receipt: Receipt) -> tuple[str, str]: ...
    def rejection_alert(self, rejection: PaymentRejection) -> str: ...


class RequestWording(Protocol):
    """Words the SMS telling a person their request changed status (the channels own the wording)."""

    def status_sms(self, request: ServiceRequest) -> str: ...
    def field_sms(self, request: ServiceRequest, field: str) -> str | None:
        """The SMS to the phone in the request's ``field`` (a kind's ``tells``) at this status; None: no SMS."""
        ...


class SmsSender(Protocol):
    """Sends one SMS to a subscriber; ``essential`` messages go even to opted-out phones."""

    def send(self, msisdn: Msisdn, text: str, *, purpose: str, essential: bool = False,
             idempotency_key: str | None = None) -> None: ...


class HopLogRepository(Protocol):
    """USSD hop records (raw, purged after the retention period) and their daily roll-up (kept forever)."""

    def add_many(self, hops: Sequence[RecordedHop]) -> None: ...
    def between(self, start: datetime, end: datetime) -> list[RecordedHop]: ...
    def for_session(self, session_id: str) -> list[RecordedHop]: ...
    def recent(self, limit: int) -> list[RecordedHop]:
        """The hops of the ``limit`` sessions heard from last."""
        ...
    def oldest(self) -> datetime | None: ...
    def delete_before(self, cutoff: datetime, limit: int) -> int: ...
    def add_stats(self, rows: Sequence[ScreenDay]) -> None: ...
    def stats_between(self, first: date, last: date) -> list[ScreenDay]: ...
    def has_stats(self, day: date) -> bool: ...


class RetentionRepository(Protocol):
    """Deletes (or blanks) personal records older than a cutoff, a bounded batch at a time; each returns how many."""

    def delete_inbound_before(self, cutoff: datetime, limit: int) -> int: ...
    def delete_session_events_before(self, cutoff: datetime, limit: int) -> int: ...
    def delete_delivery_reports_before(self, cutoff: datetime, limit: int) -> int: ...
    def blank_outbox_bodies_before(self, cutoff: datetime, after_id: int, limit: int) -> tuple[int, int]:
        """Blank the text of settled messages created before ``cutoff`` with ids above ``after_id``:
        (how many, the last id looked at; 0 when none was left)."""
        ...


class UnitOfWork(Protocol):
    """One atomic business transaction: rolled back on exit unless ``commit()`` was called."""

    employers: EmployerRepository
    insured_persons: InsuredPersonRepository
    phones: PhoneDirectory
    declarations: DeclarationRepository
    ledger: LedgerRepository
    references: PaymentReferenceRepository
    payments: PaymentRepository
    requests: RequestRepository
    activity: ActivityRepository
    credentials: CredentialRepository
    ussd_reports: UssdReportRepository
    outbox: OutboxRepository
    rejections: RejectionRepository
    inbound: InboundRepository
    alerts: AlertRepository
    opt_outs: OptOutRepository
    delivery_reports: DeliveryReportRepository
    hop_log: HopLogRepository
    retention: RetentionRepository
    staff: StaffRepository
    audit: AuditRepository
    console: ConsoleQueries

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case."""

    def __call__(self) -> UnitOfWork: ...


class Transport(Protocol):
    """Sends outbound messages of one channel and classifies the result (never raises for a provider failure)."""

    channel: MessageChannel

    def send(self, message: OutboundMessage) -> DeliveryResult: ...


@runtime_checkable
class GroupTransport(Transport, Protocol):
    """A transport that sends one text to up to ``max_group`` distinct recipients in one provider call.

    One result per message, in order, each from its own recipient's answer; a failure of the whole
    call (a timeout: uncertain) is every message's result.
    """

    max_group: int

    def send_group(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]: ...


class ReminderWording(Protocol):
    """Words contribution reminders and overdue notices (the channels own the wording and the language).

    ``deadline`` and ``expires`` are business days; ``amount`` is what the reference asks for.
    """

    def reminder_sms(self, *, company_name: str, period: ContributionPeriod, amount: int, deadline: date,
                     reference: str, expires: date) -> str: ...
    def overdue_notice_sms(self, *, company_name: str, period: ContributionPeriod, amount: int, surcharges: int,
                           deadline: date, reference: str, expires: date) -> str: ...


class OptOutRepository(Protocol):
    """Phones (E.164) that opted out of non-essential SMS."""

    def opt_out(self, msisdn: str, at: datetime) -> bool: ...
    def opt_in(self, msisdn: str) -> bool: ...
    def is_opted_out(self, msisdn: str) -> bool: ...


class DeliveryReportRepository(Protocol):
    """Delivery reports kept verbatim, applied to the outbound message they concern."""

    def await_sends_in_flight(self) -> None: ...
    def for_provider_ids(self, provider_message_ids: Sequence[str]) -> list[DeliveryReport]: ...
    def add(self, report: DeliveryReport) -> None: ...
    def apply(self, provider: str, provider_message_id: str, status: str, failure_reason: str | None,
              at: datetime) -> bool: ...
    def adopt_uncertain(self, recipient: str, started_from: datetime, started_to: datetime,
                        provider_message_id: str) -> RecipientMatch: ...
    def unmatched(self, recipient: str, since: datetime, until: datetime) -> list[DeliveryReport]: ...


class StaffRepository(Protocol):
    """Staff accounts of the operations console; ``add`` raises ``DuplicateStaffError`` for a taken username."""

    def add(self, member: StaffMember) -> StaffMember: ...
    def get(self, staff_id: int) -> StaffMember | None: ...
    def by_username(self, username: str, *, for_update: bool = False) -> StaffMember | None: ...
    def update(self, member: StaffMember) -> None: ...
    def list_all(self, limit: int) -> list[StaffMember]: ...


class AuditRepository(Protocol):
    """What staff did in the console and through the staff commands (append-only)."""

    def add(self, entry: AuditEntry) -> None: ...
    def recent(self, limit: int, offset: int = 0) -> list[AuditEntry]: ...


class ConsoleQueries(Protocol):
    """The operations console's read side: counts and newest-first pages over the operational tables."""

    def outbox_counts(self) -> dict[str, int]: ...
    def outbox_page(self, *, status: MessageStatus | None, purpose: str | None, limit: int,
                    offset: int) -> list[OutboundMessage]: ...
    def outbox_message(self, message_id: int) -> OutboundMessage | None: ...
    def request_counts(self) -> dict[str, int]: ...
    def requests_page(self, *, kind: str | None, status: str | None, limit: int,
                      offset: int) -> list[ServiceRequest]: ...
    def payments_page(self, *, limit: int, offset: int) -> list[Payment]: ...
    def rejections_page(self, *, limit: int, offset: int) -> list[PaymentRejection]: ...
    def rejections_since(self, start: datetime) -> int: ...
    def locked_credentials(self, now: datetime, blocked_after: int, limit: int) -> list[Credential]:
        """Credentials locked at ``now`` or blocked (more than ``blocked_after`` lockouts), most recent lock first."""
        ...


class IncidentRepository(Protocol):
    """The error register: internal failures by the error id their caller was shown (outside any unit of
    work, each call its own transaction, so a failed request's rollback keeps its incident)."""

    def add(self, incident: Incident) -> bool:
        """Record ``incident``; False when its error id is already recorded."""
        ...

    def recent(self, limit: int) -> list[Incident]:
        """The newest ``limit`` incidents, newest first."""
        ...

    def by_id(self, error_id: str) -> Incident | None:
        """The incident shown under ``error_id`` (any case), if recorded."""
        ...
