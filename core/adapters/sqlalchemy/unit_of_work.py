"""Unit of work over one SQLAlchemy connection: rolls back unless committed."""
from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

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


# Each repository, made only when a unit of work uses it: most use one or two of them.
_REPOSITORIES: Final[dict[str, Callable[[Connection], object]]] = {
    "phones": SqlAlchemyPhoneDirectory, "declarations": SqlAlchemyDeclarationRepository,
    "ledger": SqlAlchemyLedgerRepository, "references": SqlAlchemyPaymentReferenceRepository,
    "payments": SqlAlchemyPaymentRepository, "requests": SqlAlchemyRequestRepository,
    "activity": SqlAlchemyActivityRepository, "credentials": SqlAlchemyCredentialRepository,
    "ussd_reports": SqlAlchemyUssdReportRepository, "outbox": SqlAlchemyOutboxRepository,
    "rejections": SqlAlchemyRejectionRepository, "inbound": SqlAlchemyInboundRepository,
    "alerts": SqlAlchemyAlertRepository, "opt_outs": SqlAlchemyOptOutRepository,
    "delivery_reports": SqlAlchemyDeliveryReportRepository, "hop_log": SqlAlchemyHopLogRepository,
    "retention": SqlAlchemyRetentionRepository, "staff": SqlAlchemyStaffRepository,
    "audit": SqlAlchemyAuditRepository, "console": SqlAlchemyConsoleQueries,
}
# ... and those that collect the phones added to or removed from an account.
_PHONE_BOOKS: Final[dict[str, Callable[[Connection, set[str]], object]]] = {
    "employers": SqlAlchemyEmployerRepository, "insured_persons": SqlAlchemyInsuredPersonRepository,
}


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
        self._connection = self._engine.connect()  # SQLAlchemy 2 autobegins a transaction on first use
        return self

    def __getattr__(self, name: str) -> Any:
        """A repository, made on the connection the first time the unit of work asks for it."""
        connection = self.__dict__.get("_connection")
        if connection is None or (name not in _REPOSITORIES and name not in _PHONE_BOOKS):
            raise AttributeError(f"{name!r}: not a repository, or the unit of work is not entered")
        repository = (_REPOSITORIES[name](connection) if name in _REPOSITORIES
                      else _PHONE_BOOKS[name](connection, self._touched_phones))
        setattr(self, name, repository)
        return repository

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            for name in (_REPOSITORIES.keys() | _PHONE_BOOKS.keys()) & self.__dict__.keys():
                del self.__dict__[name]  # bound to the connection just given back

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
