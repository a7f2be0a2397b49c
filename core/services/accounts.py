"""Contributor-account use cases: load the ledger, bring surcharges up to date, summarise."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from core.domain.accounts import ContributorAccount, LedgerEntry, PeriodPosition
from core.domain.errors import EmployerNotFoundError
from core.domain.parameters import RuleBook
from core.domain.parties import Employer
from core.domain.periods import ContributionPeriod
from core.domain.surcharges import new_surcharges
from core.ports import Clock, UnitOfWork


def get_employer(uow: UnitOfWork, employer_number: str) -> Employer:
    """The employer, or ``EmployerNotFoundError``."""
    employer = uow.employers.get(employer_number)
    if employer is None:
        raise EmployerNotFoundError(employer_number=employer_number)
    return employer


def current_account(uow: UnitOfWork, employer_number: str, *, clock: Clock,
                    rulebook: RuleBook) -> tuple[Employer, ContributorAccount]:
    """The employer and its account with surcharges brought up to date (caller commits); one query when none
    accrued since the last view, ``EmployerNotFoundError`` for an unknown employer."""
    found = uow.ledger.with_employer(employer_number)
    if found is None:
        raise EmployerNotFoundError(employer_number=employer_number)
    employer, entries = found
    return employer, bring_surcharges_up_to_date(uow, employer, clock=clock, rulebook=rulebook, entries=entries)


def load_account(uow: UnitOfWork, employer: Employer, rulebook: RuleBook,
                 entries: Sequence[LedgerEntry] | None = None) -> ContributorAccount:
    """The employer's ledger (``entries`` when already read), with deadlines from its periodicity and the dated
    due day."""

    def deadline(period: ContributionPeriod) -> date:
        return period.payment_deadline(rulebook.surcharges.at(period.first_day).due_day, employer.periodicity)

    found = uow.ledger.entries(employer.employer_number) if entries is None else entries
    return ContributorAccount(employer.employer_number, tuple(found), deadline)


def account_with_surcharges(
    uow: UnitOfWork, employer: Employer, *, clock: Clock, rulebook: RuleBook,
    entries: Sequence[LedgerEntry] | None = None,
) -> tuple[ContributorAccount, list[LedgerEntry]]:
    """The account with the surcharges accrued by today, and those new lines (not written)."""
    account = load_account(uow, employer, rulebook, entries)
    lines = new_surcharges(account, clock.today(), rulebook.surcharges.at, clock.now())
    return (replace(account, entries=account.entries + tuple(lines)) if lines else account), lines


def bring_surcharges_up_to_date(
    uow: UnitOfWork, employer: Employer, *, clock: Clock, rulebook: RuleBook,
    entries: Sequence[LedgerEntry] | None = None,
) -> ContributorAccount:
    """Append the surcharge lines accrued by today (idempotent) and return the account; caller commits.

    Read first without a lock (or from ``entries``, read just before): on most views the surcharges are
    already up to date and nothing is written; only when lines are due is the account locked and read
    again, so two views never append them twice.
    """
    account, lines = account_with_surcharges(uow, employer, clock=clock, rulebook=rulebook, entries=entries)
    if not lines:
        return account
    uow.ledger.lock_account(employer.employer_number)
    account, lines = account_with_surcharges(uow, employer, clock=clock, rulebook=rulebook)
    for line in lines:
        uow.ledger.append(line)
    return load_account(uow, employer, rulebook) if lines else account


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """What an employer sees of the contributor account."""

    employer_number: str
    company_name: str
    as_of: date
    balance: int
    overdue: int
    surcharges_outstanding: int
    unpaid_periods: tuple[PeriodPosition, ...]
    last_payments: tuple[LedgerEntry, ...]
    statement: tuple[LedgerEntry, ...]


def contributor_account_summary(
    employer_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook,
    payments: int = 3, statement: int = 10,
) -> AccountSummary:
    """Balance, overdue amount, surcharges, unpaid periods, last payments and statement."""
    with uow:
        employer, account = current_account(uow, employer_number, clock=clock, rulebook=rulebook)
        uow.commit()
    today = clock.today()
    return AccountSummary(
        employer.employer_number, employer.company_name, today, account.balance, account.overdue(today),
        account.surcharges_outstanding(), tuple(account.unpaid_periods()), tuple(account.payments(payments)),
        tuple(account.statement(statement)))
