"""File a monthly contribution declaration: assess, record, and charge the contributor account."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.domain.accounts import EntryKind, LedgerEntry
from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.contributions import (
    ContributionAssessment,
    WorkerPay,
    assess_payroll,
    assess_workers,
    check_worker_pay,
)
from core.domain.errors import DeclarationAlreadyFiledError, InsuredPersonNotFoundError, InvalidDeclarationError
from core.domain.individual_accounts import DeclaredPay
from core.domain.parameters import RuleBook
from core.domain.parties import Employer, HolderKind, InsuredPerson
from core.domain.periods import ContributionPeriod
from core.ports import Clock, DuplicateRecordError, UnitOfWork
from core.services.accounts import get_employer


@dataclass(frozen=True, slots=True)
class DeclaredWorker:
    """A worker line as the employer sees it: insured number, name and monthly gross pay."""

    insured_number: str
    name: str
    gross_pay: int


@dataclass(frozen=True, slots=True)
class DeclarationStart:
    """Where a declaration starts: the workers and pay of the newest period declared per worker, if any.

    ``has_declarations`` is False for an employer who never declared: only they may file an estimate.
    """

    previous_period: ContributionPeriod | None
    workers: tuple[DeclaredWorker, ...]
    has_declarations: bool


def declaration_start(employer_number: str, *, uow: UnitOfWork) -> DeclarationStart:
    """The workers and pay of the last period declared per worker ("declare like last month")."""
    with uow:
        get_employer(uow, employer_number)
        lines = uow.declarations.latest_worker_pay(employer_number)
        workers = tuple(DeclaredWorker(line.insured_number, person.full_name if person else "", line.gross_pay)
                        for line in lines for person in (uow.insured_persons.get(line.insured_number),))
        return DeclarationStart(lines[0].period if lines else None, workers,
                                bool(lines) or bool(uow.declarations.periods(employer_number)))


def find_worker(insured_number: str, *, uow: UnitOfWork) -> InsuredPerson:
    """The insured person a worker line names; unknown numbers are refused."""
    with uow:
        person = uow.insured_persons.get(insured_number)
    if person is None:
        raise InsuredPersonNotFoundError(insured_number=insured_number)
    return person


def preview_declaration(
    employer: Employer, period: ContributionPeriod, *, rulebook: RuleBook, clock: Clock,
    head_count: int | None = None, gross_payroll: int | None = None, workers: Sequence[WorkerPay] = (),
) -> ContributionAssessment:
    """Compute what a declaration would cost, without recording it (the confirm screen)."""
    if period > ContributionPeriod.containing(clock.today()):
        raise InvalidDeclarationError(reason="future_period")
    if workers:
        ceiling = rulebook.services.at(clock.today()).max_worker_pay
        for worker in workers:
            check_worker_pay(worker.gross_pay, ceiling)
        return assess_workers(period, workers, rulebook=rulebook, occupational_risk_bp=employer.occupational_risk_bp)
    if head_count is None or gross_payroll is None:
        raise InvalidDeclarationError(reason="missing_payroll")
    return assess_payroll(period, head_count, gross_payroll, rulebook=rulebook,
                          occupational_risk_bp=employer.occupational_risk_bp)


def file_declaration(
    employer_number: str, period: ContributionPeriod, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook,
    head_count: int | None = None, gross_payroll: int | None = None, workers: Sequence[WorkerPay] = (),
) -> ContributionAssessment:
    """Record the declaration of a period once and add its amount due to the contributor account.

    With ``workers``: a declaration per worker, each line floored at the SMIG on its own and recorded as
    that worker's declared pay (their individual account); unknown insured numbers are refused.
    Without: an estimate from ``head_count`` and ``gross_payroll``, to be completed per worker.
    """
    with uow:
        employer = get_employer(uow, employer_number)
        assessment = preview_declaration(employer, period, rulebook=rulebook, clock=clock, head_count=head_count,
                                         gross_payroll=gross_payroll, workers=workers)
        if uow.declarations.get(employer_number, period) is not None:
            raise DeclarationAlreadyFiledError(employer_number=employer_number, period=str(period))
        if any(w.insured_number and uow.insured_persons.get(w.insured_number) is None for w in workers):
            raise InvalidDeclarationError(reason="unknown_insured")
        estimate = not workers
        now = clock.now()
        try:
            uow.declarations.add(employer_number, assessment, now, estimate=estimate)
            uow.insured_persons.add_declared_pay([DeclaredPay(w.insured_number, period, employer_number, w.gross_pay)
                                                  for w in workers if w.insured_number])
        except DuplicateRecordError as exc:  # a concurrent filing, or pay already on record for the period
            raise DeclarationAlreadyFiledError(employer_number=employer_number, period=str(period)) from exc
        uow.ledger.append(LedgerEntry(employer_number, EntryKind.CONTRIBUTION_DUE, assessment.amount_due,
                                      clock.today(), now, period=period))
        details = {"period": str(period), "amount": str(assessment.amount_due)}
        uow.activity.append(ActivityEntry(HolderKind.EMPLOYER, employer_number, ActivityKind.DECLARATION_FILED, now,
                                          {**details, "estimate": "yes"} if estimate else details))
        uow.commit()
        return assessment
