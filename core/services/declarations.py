"""File a monthly contribution declaration: assess, record, and charge the contributor account."""
from __future__ import annotations

from collections.abc import Sequence

from core.domain.accounts import EntryKind, LedgerEntry
from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.contributions import ContributionAssessment, WorkerPay, assess_payroll, assess_workers
from core.domain.errors import DeclarationAlreadyFiledError, InvalidDeclarationError
from core.domain.individual_accounts import DeclaredPay
from core.domain.parameters import RuleBook
from core.domain.parties import Employer, HolderKind
from core.domain.periods import ContributionPeriod
from core.ports import Clock, DuplicateRecordError, UnitOfWork
from core.services.accounts import get_employer


def preview_declaration(
    employer: Employer, period: ContributionPeriod, *, rulebook: RuleBook, clock: Clock,
    head_count: int | None = None, gross_payroll: int | None = None, workers: Sequence[WorkerPay] = (),
) -> ContributionAssessment:
    """Compute what a declaration would cost, without recording it (the confirm screen)."""
    if period > ContributionPeriod.containing(clock.today()):
        raise InvalidDeclarationError(reason="future_period")
    if workers:
        return assess_workers(period, workers, rulebook=rulebook, occupational_risk_bp=employer.occupational_risk_bp)
    if head_count is None or gross_payroll is None:
        raise InvalidDeclarationError(reason="missing_payroll")
    return assess_payroll(period, head_count, gross_payroll, rulebook=rulebook,
                          occupational_risk_bp=employer.occupational_risk_bp)


def file_declaration(
    employer_number: str, period: ContributionPeriod, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook,
    head_count: int | None = None, gross_payroll: int | None = None, workers: Sequence[WorkerPay] = (),
) -> ContributionAssessment:
    """Record the declaration of a period once and add its amount due to the contributor account."""
    with uow:
        employer = get_employer(uow, employer_number)
        assessment = preview_declaration(employer, period, rulebook=rulebook, clock=clock, head_count=head_count,
                                         gross_payroll=gross_payroll, workers=workers)
        if uow.declarations.get(employer_number, period) is not None:
            raise DeclarationAlreadyFiledError(employer_number=employer_number, period=str(period))
        now = clock.now()
        try:
            uow.declarations.add(employer_number, assessment, now)
        except DuplicateRecordError as exc:
            raise DeclarationAlreadyFiledError(employer_number=employer_number, period=str(period)) from exc
        uow.ledger.append(LedgerEntry(employer_number, EntryKind.CONTRIBUTION_DUE, assessment.amount_due,
                                      clock.today(), now, period=period))
        uow.insured_persons.add_declared_pay([
            DeclaredPay(w.insured_number, period, employer_number, w.gross_pay)
            for w in workers if w.insured_number and uow.insured_persons.get(w.insured_number)])
        uow.activity.append(ActivityEntry(HolderKind.EMPLOYER, employer_number, ActivityKind.DECLARATION_FILED, now,
                                          {"period": str(period), "amount": str(assessment.amount_due)}))
        uow.commit()
        return assessment
