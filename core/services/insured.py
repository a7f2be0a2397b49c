"""Insured-person use cases: individual account and pension simulation (own account or typed inputs)."""
from __future__ import annotations

from fractions import Fraction

from core.domain.errors import InsuredPersonNotFoundError
from core.domain.individual_accounts import IndividualAccount
from core.domain.parameters import RuleBook
from core.domain.pension import PensionEstimate, months_at_departure, simulate_pension
from core.domain.periods import ContributionPeriod
from core.ports import Clock, UnitOfWork

# Declared pay in the last few months means the person is still working (for projections).
_STILL_CONTRIBUTING_MONTHS = 3


def individual_account(insured_number: str, *, uow: UnitOfWork) -> IndividualAccount:
    """The insured person's individual account (``InsuredPersonNotFoundError`` if unknown)."""
    with uow:
        person = uow.insured_persons.get(insured_number)
        if person is None:
            raise InsuredPersonNotFoundError(insured_number=insured_number)
        return IndividualAccount(person, tuple(uow.insured_persons.declared_pay(insured_number)),
                                 tuple(uow.insured_persons.employments(insured_number)))


def simulate_own_pension(
    insured_number: str, departure_age: int, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook
) -> PensionEstimate:
    """Estimate from the individual account, projecting months to departure if still contributing."""
    account = individual_account(insured_number, uow=uow)
    today = clock.today()
    last = account.last_period
    current = ContributionPeriod.containing(today)
    contributing = last is not None and last.months_until(current) <= _STILL_CONTRIBUTING_MONTHS
    rule = rulebook.pensions.at(today)
    months = months_at_departure(
        insured_months=account.insured_months, today=today, date_of_birth=account.person.date_of_birth,
        departure_age=departure_age, still_contributing=contributing)
    return simulate_pension(departure_age=departure_age, insured_months=months,
                            reference_pay=account.reference_pay(rule.rmm_windows), rule=rule)


def simulate_typed_pension(
    departure_age: int, insured_months: int, average_pay: int, *, clock: Clock, rulebook: RuleBook
) -> PensionEstimate:
    """Public simulator: the caller types age, months of insurance and average monthly pay."""
    return simulate_pension(departure_age=departure_age, insured_months=insured_months,
                            reference_pay=Fraction(average_pay), rule=rulebook.pensions.at(clock.today()))
