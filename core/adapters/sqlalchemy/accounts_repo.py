"""Declaration and contributor-account ledger repositories."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.driver_calls import HotRead
from core.adapters.sqlalchemy.errors import duplicates_as_domain
from core.adapters.sqlalchemy.parties_repo import employer_of
from core.domain.accounts import EntryKind, LedgerEntry
from core.domain.contributions import Branch, ContributionAssessment, ContributionLine, Payer
from core.domain.individual_accounts import DeclaredPay
from core.domain.parties import Employer
from core.domain.periods import ContributionPeriod


# Built once (hot on every account view): building a statement costs more CPU than SQLite takes to run it.
_LEDGER_OF: Final = sa.select(t.ledger_entries).where(
    t.ledger_entries.c.employer_number == sa.bindparam("number")).order_by(t.ledger_entries.c.id)
_EMPLOYER_LEDGER: Final = HotRead(
    sa.select(t.employers.c.employer_number, t.employers.c.company_name, t.employers.c.periodicity,
              t.employers.c.occupational_risk_bp, t.employers.c.email,
              *(column for column in t.ledger_entries.c if column.name != "employer_number"))
    .select_from(t.employers.outerjoin(t.ledger_entries,
                                       t.ledger_entries.c.employer_number == t.employers.c.employer_number))
    .where(t.employers.c.employer_number == sa.bindparam("number")).order_by(t.ledger_entries.c.id))
_LOCK_ACCOUNT: Final = sa.select(t.employers.c.employer_number).where(
    t.employers.c.employer_number == sa.bindparam("number")).with_for_update()
_APPEND_ENTRY: Final = sa.insert(t.ledger_entries)


def _entry(employer_number: str, r: sa.Row[Any]) -> LedgerEntry:
    return LedgerEntry(employer_number, EntryKind(r.kind), r.amount, r.value_date, r.recorded_at,
                       ContributionPeriod.parse(r.period) if r.period else None, r.surcharge_step, r.reference, r.id)


class SqlAlchemyDeclarationRepository:
    """Declarations with their contribution lines."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @duplicates_as_domain
    def add(self, employer_number: str, assessment: ContributionAssessment, filed_at: datetime,
            estimate: bool = False) -> None:
        """Store a declaration (``estimate``: from a payroll total, to be completed per worker); one per period."""
        declaration_id = self._connection.execute(sa.insert(t.declarations).values(
            employer_number=employer_number, period=str(assessment.period), head_count=assessment.head_count,
            gross_payroll=assessment.gross_payroll, base=assessment.base, amount_due=assessment.amount_due,
            filed_at=filed_at, estimate=estimate).returning(t.declarations.c.id)).scalar_one()
        self._connection.execute(sa.insert(t.declaration_lines), [
            {"declaration_id": declaration_id, "branch": line.branch.value, "payer": line.payer.value,
             "rate_bp": line.rate_bp, "base": line.base} for line in assessment.lines])

    def get(self, employer_number: str, period: ContributionPeriod) -> ContributionAssessment | None:
        """The declaration of a period, or None."""
        row = self._connection.execute(sa.select(t.declarations).where(
            t.declarations.c.employer_number == employer_number, t.declarations.c.period == str(period))).first()
        if row is None:
            return None
        lines = self._connection.execute(sa.select(t.declaration_lines).where(
            t.declaration_lines.c.declaration_id == row.id).order_by(t.declaration_lines.c.id))
        return ContributionAssessment(
            period, row.head_count, row.gross_payroll, row.base,
            tuple(ContributionLine(Branch(line.branch), Payer(line.payer), line.rate_bp, line.base) for line in lines))

    def periods(self, employer_number: str) -> list[ContributionPeriod]:
        """Declared periods, oldest first."""
        rows = self._connection.execute(sa.select(t.declarations.c.period).where(
            t.declarations.c.employer_number == employer_number).order_by(t.declarations.c.period))
        return [ContributionPeriod.parse(row.period) for row in rows]

    def is_estimate(self, employer_number: str, period: ContributionPeriod) -> bool:
        """Whether the declaration of a period was an estimate (False when there is none)."""
        return bool(self._connection.execute(sa.select(t.declarations.c.estimate).where(
            t.declarations.c.employer_number == employer_number,
            t.declarations.c.period == str(period))).scalar())

    def latest_worker_pay(self, employer_number: str) -> list[DeclaredPay]:
        """The worker lines of the employer's newest period with any, in the order they were declared."""
        latest = self._connection.execute(sa.select(sa.func.max(t.declared_pay.c.period)).where(
            t.declared_pay.c.employer_number == employer_number)).scalar()
        if latest is None:
            return []
        rows = self._connection.execute(sa.select(t.declared_pay).where(
            t.declared_pay.c.employer_number == employer_number, t.declared_pay.c.period == latest
        ).order_by(t.declared_pay.c.id))
        return [DeclaredPay(r.insured_number, ContributionPeriod.parse(r.period), r.employer_number, r.gross_pay)
                for r in rows]


class SqlAlchemyLedgerRepository:
    """The append-only ledger: rows are inserted, never updated or deleted."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @duplicates_as_domain
    def append(self, entry: LedgerEntry) -> None:
        """Append one movement."""
        self._connection.execute(_APPEND_ENTRY, dict(
            employer_number=entry.employer_number, kind=entry.kind.value, amount=entry.amount,
            value_date=entry.value_date, recorded_at=entry.recorded_at,
            period=str(entry.period) if entry.period else None, surcharge_step=entry.surcharge_step,
            reference=entry.reference))

    def entries(self, employer_number: str) -> list[LedgerEntry]:
        """Every movement of the account, in insertion order."""
        rows = self._connection.execute(_LEDGER_OF, {"number": employer_number})
        return [_entry(employer_number, row) for row in rows]

    def with_employer(self, employer_number: str) -> tuple[Employer, list[LedgerEntry]] | None:
        """The employer (its phones not read) and every movement of its account, in one query; None if unknown."""
        rows = _EMPLOYER_LEDGER.rows(self._connection, {"number": employer_number})
        if not rows:
            return None
        return employer_of(rows[0]), [_entry(employer_number, row) for row in rows if row.id is not None]

    def lock_account(self, employer_number: str) -> None:
        """Serialise writers of one account (row lock on PostgreSQL; SQLite locks at BEGIN)."""
        self._connection.execute(_LOCK_ACCOUNT, {"number": employer_number})
