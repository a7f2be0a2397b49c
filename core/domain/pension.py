"""Pension simulator: eligibility, normal and early pension, old-age lump sum; always an estimate."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from core.domain.errors import DomainError
from core.domain.money import round_half_up
from core.domain.parameters import PensionRule
from core.domain.periods import add_months


class PensionOutcome(enum.Enum):
    """What the insured person would be entitled to at the chosen age."""

    NORMAL_PENSION = "normal_pension"
    EARLY_PENSION = "early_pension"
    OLD_AGE_ALLOWANCE = "old_age_allowance"
    NOT_YET_ELIGIBLE = "not_yet_eligible"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True, slots=True)
class PensionEstimate:
    """Result of a simulation; amounts are indicative only (``is_estimate`` is always True)."""

    outcome: PensionOutcome
    departure_age: int
    insured_months: int
    reference_pay: int
    rate: Fraction | None = None
    reduction: Fraction = Fraction(0)
    monthly_amount: int | None = None
    lump_sum: int | None = None
    earliest_age: int | None = None
    is_estimate: bool = True


class DepartureAgeOutOfRangeError(DomainError):
    """The departure age is already passed or beyond the simulator's range (data: age, min_age, max_age)."""


def departure_ages(current_age: int, rule: PensionRule) -> range:
    """Ages a person may simulate: from the early age or their current age, to the simulator's last age.

    A person already past the last age may still simulate leaving now, at their current age.
    """
    first = max(rule.early_age, current_age)
    return range(first, max(rule.max_simulated_age, first) + 1)


def check_departure_age(departure_age: int, ages: range) -> None:
    """``DepartureAgeOutOfRangeError`` unless ``departure_age`` is one of ``ages``."""
    if departure_age not in ages:
        raise DepartureAgeOutOfRangeError(age=departure_age, min_age=ages[0], max_age=ages[-1])


def pension_rate(insured_months: int, rule: PensionRule) -> Fraction:
    """20 % for the minimum months plus the increment per full 12 months beyond, capped if configured."""
    extra_years = max(0, insured_months - rule.min_months) // 12
    rate = rule.base_rate + rule.increment_per_12_months * extra_years
    return min(rate, rule.max_rate) if rule.max_rate is not None else rate


def simulate_pension(
    *, departure_age: int, insured_months: int, reference_pay: Fraction | int, rule: PensionRule
) -> PensionEstimate:
    """Estimate entitlement at ``departure_age`` with ``insured_months`` and average monthly pay."""
    rmm = Fraction(reference_pay)
    shown_rmm = round_half_up(rmm)
    if insured_months >= rule.min_months:
        if departure_age < rule.early_age:
            return PensionEstimate(PensionOutcome.NOT_YET_ELIGIBLE, departure_age, insured_months, shown_rmm,
                                   earliest_age=rule.early_age)
        rate = pension_rate(insured_months, rule)
        years_early = max(0, rule.normal_age - departure_age)
        reduction = rule.early_reduction_per_year * years_early
        amount = round_half_up(rmm * rate * (1 - reduction))
        if rule.min_pension is not None:
            amount = max(amount, rule.min_pension)
        outcome = PensionOutcome.EARLY_PENSION if years_early else PensionOutcome.NORMAL_PENSION
        return PensionEstimate(outcome, departure_age, insured_months, shown_rmm, rate=rate,
                               reduction=reduction, monthly_amount=amount)
    if insured_months < rule.allowance_min_months:
        return PensionEstimate(PensionOutcome.NOT_ELIGIBLE, departure_age, insured_months, shown_rmm)
    if departure_age < rule.normal_age:
        return PensionEstimate(PensionOutcome.NOT_YET_ELIGIBLE, departure_age, insured_months, shown_rmm,
                               earliest_age=rule.normal_age)
    # ASSUMPTION (rules 3.4): lump sum = RMM x number of full 12-month periods.
    lump_sum = round_half_up(rmm * (insured_months // 12))
    return PensionEstimate(PensionOutcome.OLD_AGE_ALLOWANCE, departure_age, insured_months, shown_rmm,
                           lump_sum=lump_sum)


def months_at_departure(
    *, insured_months: int, today: date, date_of_birth: date, departure_age: int, still_contributing: bool
) -> int:
    """Insured months projected to the departure birthday if the person keeps contributing."""
    if not still_contributing:
        return insured_months
    departure = add_months(date_of_birth, 12 * departure_age)
    if departure <= today:
        return insured_months
    months = (departure.year - today.year) * 12 + (departure.month - today.month)
    return insured_months + max(0, months)
