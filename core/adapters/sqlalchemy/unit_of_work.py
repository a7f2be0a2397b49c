"""Unit of work over one SQLAlchemy connection: rolls back unless committed."""
from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from core import ports
from core.domain.msisdn import Msisdn
from core.services.directory import phones_changed

from core.adapters.sqlalchemy.accounts_repo import SqlAlchemyDeclarationRepository, SqlAlchemyLedgerRepository
from core.adapters.sqlalchemy.console_repo import SqlAlchemyConsoleQueries
from core.adapters.sqlalchemy.hops_repo import SqlAlchemyHopLogRepository
from core.adapters.sqlalchemy.inbound_repo import SqlAlchemyAlertRepository, SqlAlchemyInboundRepository
from core.adapters.sqlalchemy.outbox_repo import SqlAlchemyOutboxRepository, SqlAlchemyRejectionRepository
from core.adapters.sqlalchemy.parties_repo import (
    SqlAlchemyEmployerRepository,
    SqlAlchemyInsuredPersonRepository,
    SqlAlchemyPhoneDirectory,
)
from core.adapters.sqlalchemy.payments_repo import SqlAlchemyPaymentReferenceRepository, SqlAlchemyPaymentRepository
from core.adapters.sqlalchemy.retention_repo import SqlAlchemyRetentionRepository
from core.adapters.sqlalchemy.sms_repo import SqlAlchemyDeliveryReportRepository, SqlAlchemyOptOutRepository
from core.adapters.sqlalchemy.staff_repo import SqlAlchemyAuditRepository, SqlAlchemyStaffRepository
from core.adapters.sqlalchemy.requests_repo import (
    SqlAlchemyActivityRepository,
    SqlAlchemyCredentialRepository,
    SqlAlchemyRequestRepository,
    SqlAlchemyUssdReportRepository,
)


class SqlAlchemyUnitOfWork:
    """``with uow: ...; uow.commit()``; leaving the block without commit rolls back."""

    employers: ports.EmployerRepository
    insured_persons: ports.InsuredPersonRepository
    phones: ports.PhoneDirectory
    declarations: ports.DeclarationRepository
    ledger: ports.LedgerRepository
    references: ports.PaymentReferenceRepository
    payments: ports.PaymentRepository
    requests: ports.RequestRepository
    activity: ports.ActivityRepository
    credentials: ports.CredentialRepository
    ussd_reports: ports.UssdReportRepository
    outbox: ports.OutboxRepository
    rejections: ports.RejectionRepository
    inbound: ports.InboundRepository
    alerts: ports.AlertRepository
    opt_outs: ports.OptOutRepository
    delivery_reports: ports.DeliveryReportRepository
    hop_log: ports.HopLogRepository
    retention: ports.RetentionRepository
    staff: ports.StaffRepository
    audit: ports.AuditRepository
    console: ports.ConsoleQueries

    def __init__(self, engine: Engine, registrations: ports.PhoneRegistrations | None = None) -> None:
        self._engine = engine
        self._registrations = registrations
        self._connection: Connection | None = None
        self._touched_phones: set[str] = set()  # phones added to or removed from an account, not yet told

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        if self._connection is not None:
            raise RuntimeError("unit of work already in use")
        connection = self._engine.connect()
        self._connection = connection  # SQLAlchemy 2 autobegins a transaction on first use
        self.employers = SqlAlchemyEmployerRepository(connection, self._touched_phones)
        self.insured_persons = SqlAlchemyInsuredPersonRepository(connection, self._touched_phones)
        self.phones = SqlAlchemyPhoneDirectory(connection)
        self.declarations = SqlAlchemyDeclarationRepository(connection)
        self.ledger = SqlAlchemyLedgerRepository(connection)
        self.references = SqlAlchemyPaymentReferenceRepository(connection)
        self.payments = SqlAlchemyPaymentRepository(connection)
        self.requests = SqlAlchemyRequestRepository(connection)
        self.activity = SqlAlchemyActivityRepository(connection)
        self.credentials = SqlAlchemyCredentialRepository(connection)
        self.ussd_reports = SqlAlchemyUssdReportRepository(connection)
        self.outbox = SqlAlchemyOutboxRepository(connection)
        self.rejections = SqlAlchemyRejectionRepository(connection)
        self.inbound = SqlAlchemyInboundRepository(connection)
        self.alerts = SqlAlchemyAlertRepository(connection)
        self.opt_outs = SqlAlchemyOptOutRepository(connection)
        self.delivery_reports = SqlAlchemyDeliveryReportRepository(connection)
        self.hop_log = SqlAlchemyHopLogRepository(connection)
        self.retention = SqlAlchemyRetentionRepository(connection)
        self.staff = SqlAlchemyStaffRepository(connection)
        self.audit = SqlAlchemyAuditRepository(connection)
        self.console = SqlAlchemyConsoleQueries(connection)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()
            self._connection = None

    def commit(self) -> None:
        """Make everything done so far durable; later work starts a new transaction."""
        if self._connection is None:
            raise RuntimeError("commit outside 'with'")
        self._connection.commit()
        if self._touched_phones:  # told after the commit: a cache refilled in between only sees the change
            touched = sorted(self._touched_phones)
            self._touched_phones.clear()
            phones_changed((Msisdn(phone) for phone in touched), self._registrations)

    def rollback(self) -> None:
        """Discard everything not committed."""
        self._touched_phones.clear()
        if self._connection is not None:
            self._connection.rollback()


class SqlAlchemyUnitOfWorkFactory:
    """Makes units of work bound to one engine; ``registrations`` is told of every phone whose accounts changed."""

    def __init__(self, engine: Engine, registrations: ports.PhoneRegistrations | None = None) -> None:
        self.engine = engine
        self.registrations = registrations

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.registrations)
