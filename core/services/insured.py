"""Insured-person use cases: individual account and pension simulation (own account or typed inputs)."""
from __future__ import annotations

from fractions import Fraction

from core.domain.errors import InsuredPersonNotFoundError
from core.domain.individual_accounts import IndividualAccount
from core.domain.parameters import RuleBook
from core.domain.pension import (PensionEstimate, check_departure_age, departure_ages, months_at_departure,
                                 simulate_pension)
from core.domain.periods import ContributionPeriod
from core.ports import Clock, UnitOfWork

# Declared pay in the last few months means the person is still working (for projections).
_STILL_CONTRIBUTING_MONTHS = 3


def individual_account(insured_number: str, *, uow: UnitOfWork) -> IndividualAccount:
    """The insured person's individual account with its employers' names (``InsuredPersonNotFoundError``)."""
    with uow:
        person = uow.insured_persons.get(insured_number)
        if person is None:
            raise InsuredPersonNotFoundError(insured_number=insured_number)
        declared = tuple(uow.insured_persons.declared_pay(insured_number))
        employments = tuple(uow.insured_persons.employments(insured_number))
        numbers = {line.employer_number for line in declared} | {spell.employer_number for spell in employments}
        employers = (uow.employers.get(number) for number in sorted(numbers))
        names = tuple((e.employer_number, e.company_name) for e in employers if e is not None)
        return IndividualAccount(person, declared, employments, names)


def own_departure_ages(insured_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook) -> range:
    """Departure ages the insured person may simulate today (none already passed)."""
    with uow:
        person = uow.insured_persons.get(insured_number)
        if person is None:
            raise InsuredPersonNotFoundError(insured_number=insured_number)
    today = clock.today()
    return departure_ages(person.age_on(today), rulebook.pensions.at(today))


def simulate_own_pension(
    insured_number: str, departure_age: int, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook
) -> PensionEstimate:
    """Estimate from the individual account, projecting months to departure if still contributing.

    ``DepartureAgeOutOfRangeError`` when the age is already passed or beyond the simulator's range.
    """
    account = individual_account(insured_number, uow=uow)
    today = clock.today()
    rule = rulebook.pensions.at(today)
    check_departure_age(departure_age, departure_ages(account.person.age_on(today), rule))
    last = account.last_period
    current = ContributionPeriod.containing(today)
    contributing = last is not None and last.months_until(current) <= _STILL_CONTRIBUTING_MONTHS
    months = months_at_departure(
        insured_months=account.insured_months, today=today, date_of_birth=account.person.date_of_birth,
        departure_age=departure_age, still_contributing=contributing)
    rmm = account.reference_pay(rule.rmm_windows, today=today, smig_on=rulebook.smig.at)
    return simulate_pension(departure_age=departure_age, insured_months=months, reference_pay=rmm, rule=rule)


def typed_departure_ages(current_age: int, *, clock: Clock, rulebook: RuleBook) -> range:
    """Departure ages offered to someone who typed their current age (public simulator)."""
    return departure_ages(current_age, rulebook.pensions.at(clock.today()))


def simulate_typed_pension(
    departure_age: int, insured_months: int, average_pay: int, *, current_age: int, clock: Clock,
    rulebook: RuleBook,
) -> PensionEstimate:
    """Public simulator: the caller types their age, departure age, months of insurance and average pay."""
    rule = rulebook.pensions.at(clock.today())
    check_departure_age(departure_age, departure_ages(current_age, rule))
    return simulate_pension(departure_age=departure_age, insured_months=insured_months,
                            reference_pay=Fraction(average_pay), rule=rule)
