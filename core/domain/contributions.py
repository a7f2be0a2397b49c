"""Contribution lines of a declaration: official rates, SMIG floor per worker, exact arithmetic."""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.domain.errors import InvalidDeclarationError
from core.domain.money import round_half_up
from core.domain.parameters import ContributionRates, RuleBook
from core.domain.periods import ContributionPeriod


class Branch(enum.Enum):
    """Branch of social security a line finances."""

    FAMILY_BENEFITS = "family_benefits"
    OCCUPATIONAL_RISK = "occupational_risk"
    PENSION = "pension"
    AMU = "amu"


class Payer(enum.Enum):
    """Who bears the line (the employer pays both shares to CNSS)."""

    EMPLOYER = "employer"
    EMPLOYEE = "employee"


@dataclass(frozen=True, slots=True)
class ContributionLine:
    """One rate applied to the base; ``exact`` may hold half-francs, never rounded here."""

    branch: Branch
    payer: Payer
    rate_bp: int
    base: int

    @property
    def exact(self) -> Fraction:
        """Exact amount in francs."""
        return Fraction(self.base * self.rate_bp, 10_000)

    @property
    def is_amu(self) -> bool:
        """True for universal health insurance lines, shown apart from CNSS lines."""
        return self.branch is Branch.AMU


@dataclass(frozen=True, slots=True)
class WorkerPay:
    """Gross pay subject to contribution for one worker in the period."""

    insured_number: str | None
    gross_pay: int


@dataclass(frozen=True, slots=True)
class ContributionAssessment:
    """What a declaration costs: lines, exact totals and the one rounded amount due."""

    period: ContributionPeriod
    head_count: int
    gross_payroll: int
    base: int
    lines: tuple[ContributionLine, ...]

    @property
    def total_exact(self) -> Fraction:
        """Exact sum of every line."""
        return sum((line.exact for line in self.lines), Fraction(0))

    @property
    def amount_due(self) -> int:
        """Payable francs: the exact total rounded once, half up."""
        return round_half_up(self.total_exact)

    @property
    def cnss_amount(self) -> int:
        """CNSS share of ``amount_due`` (rounded the same way)."""
        return round_half_up(sum((l.exact for l in self.lines if not l.is_amu), Fraction(0)))

    @property
    def amu_amount(self) -> int:
        """AMU share, the remainder, so that both shares add up to ``amount_due``."""
        return self.amount_due - self.cnss_amount


def check_worker_pay(gross_pay: int, ceiling: int) -> int:
    """A worker's monthly gross pay as typed: at least one franc, at most ``ceiling`` (a typing-error guard)."""
    if not 1 <= gross_pay <= ceiling:
        raise InvalidDeclarationError(reason="pay_out_of_range")
    return gross_pay


def change_pay(workers: Sequence[WorkerPay], insured_number: str, gross_pay: int) -> tuple[WorkerPay, ...]:
    """The same workers with one worker's pay changed."""
    if not any(worker.insured_number == insured_number for worker in workers):
        raise InvalidDeclarationError(reason="not_listed")
    return tuple(WorkerPay(w.insured_number, gross_pay) if w.insured_number == insured_number else w for w in workers)


def add_worker(workers: Sequence[WorkerPay], worker: WorkerPay) -> tuple[WorkerPay, ...]:
    """The workers plus one more; a worker is listed once."""
    if any(w.insured_number == worker.insured_number for w in workers):
        raise InvalidDeclarationError(reason="already_listed")
    return (*workers, worker)


def remove_worker(workers: Sequence[WorkerPay], insured_number: str) -> tuple[WorkerPay, ...]:
    """The workers without one; a declaration keeps at least one worker."""
    kept = tuple(w for w in workers if w.insured_number != insured_number)
    if len(kept) == len(workers):
        raise InvalidDeclarationError(reason="not_listed")
    if not kept:
        raise InvalidDeclarationError(reason="last_worker")
    return kept


def _lines(base: int, rates: ContributionRates, occupational_risk_bp: int | None) -> tuple[ContributionLine, ...]:
    risk_bp = rates.occupational_risk_default_bp if occupational_risk_bp is None else occupational_risk_bp
    table = (
        (Branch.FAMILY_BENEFITS, Payer.EMPLOYER, rates.family_benefits_bp),
        (Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER, risk_bp),
        (Branch.PENSION, Payer.EMPLOYER, rates.pension_employer_bp),
        (Branch.PENSION, Payer.EMPLOYEE, rates.pension_employee_bp),
        (Branch.AMU, Payer.EMPLOYER, rates.amu_employer_bp),
        (Branch.AMU, Payer.EMPLOYEE, rates.amu_employee_bp),
    )
    return tuple(ContributionLine(branch, payer, bp, base) for branch, payer, bp in table if bp)


def assess_workers(
    period: ContributionPeriod,
    workers: Sequence[WorkerPay],
    *,
    rulebook: RuleBook,
    occupational_risk_bp: int | None = None,
) -> ContributionAssessment:
    """Assess per-worker lines: each worker's base is max(gross pay, SMIG)."""
    if not workers:
        raise InvalidDeclarationError(reason="no_workers")
    if any(worker.gross_pay < 0 for worker in workers):
        raise InvalidDeclarationError(reason="negative_pay")
    numbers = [worker.insured_number for worker in workers if worker.insured_number]
    if len(numbers) != len(set(numbers)):
        raise InvalidDeclarationError(reason="duplicate_worker")
    smig = rulebook.smig.at(period.first_day)
    base = sum(max(worker.gross_pay, smig) for worker in workers)
    rates = rulebook.contribution_rates.at(period.first_day)
    return ContributionAssessment(
        period, len(workers), sum(w.gross_pay for w in workers), base, _lines(base, rates, occupational_risk_bp))


def assess_payroll(
    period: ContributionPeriod,
    head_count: int,
    gross_payroll: int,
    *,
    rulebook: RuleBook,
    occupational_risk_bp: int | None = None,
) -> ContributionAssessment:
    """Assess a summary declaration: base is max(gross payroll, head count x SMIG).

    Without per-worker pay the floor can only apply to the whole payroll; a
    worker below the SMIG hidden by a well-paid colleague is not detected.
    """
    if head_count < 1:
        raise InvalidDeclarationError(reason="head_count_below_one")
    if gross_payroll < 0:
        raise InvalidDeclarationError(reason="negative_pay")
    smig = rulebook.smig.at(period.first_day)
    base = max(gross_payroll, head_count * smig)
    rates = rulebook.contribution_rates.at(period.first_day)
    return ContributionAssessment(period, head_count, gross_payroll, base, _lines(base, rates, occupational_risk_bp))
