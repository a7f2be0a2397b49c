"""Builders of test data through the real services, with back-dated clocks."""
from __future__ import annotations

from datetime import datetime, time, timezone

from core.clock import FixedClock
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.parties import Employer, InsuredPerson
from core.domain.periods import ContributionPeriod
from core.ports import UnitOfWorkFactory
from core.services.declarations import file_declaration


def at(year: int, month: int, day: int, hour: int = 9) -> FixedClock:
    """A clock stopped on a day (UTC, which is Lome time)."""
    return FixedClock(datetime.combine(datetime(year, month, day).date(), time(hour), tzinfo=timezone.utc))


def add_employer(uow_factory: UnitOfWorkFactory, number: str = "1000001", name: str = "BOULANGERIE DU PORT SARL",
                 phones: tuple[str, ...] = ("+22890112233",), occupational_risk_bp: int = 200) -> Employer:
    """Register an employer."""
    employer = Employer(number, name, tuple(Msisdn.parse(p) for p in phones), occupational_risk_bp=occupational_risk_bp)
    with uow_factory() as uow:
        uow.employers.add(employer)
        uow.commit()
    return employer


def add_insured(uow_factory: UnitOfWorkFactory, person: InsuredPerson) -> None:
    """Register an insured person."""
    with uow_factory() as uow:
        uow.insured_persons.add(person)
        uow.commit()


def declare(uow_factory: UnitOfWorkFactory, rulebook: RuleBook, employer_number: str, period: str,
            gross_payroll: int, head_count: int = 1) -> int:
    """File a summary declaration on the 5th of the month after the period; returns the amount due."""
    p = ContributionPeriod.parse(period)
    following = p.plus_months(1)
    assessment = file_declaration(employer_number, p, uow=uow_factory(), clock=at(following.year, following.month, 5),
                                  rulebook=rulebook, head_count=head_count, gross_payroll=gross_payroll)
    return assessment.amount_due
