"""Voluntary insurance and self-employed contributions: eligibility, and the amount for an income and a rhythm."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Final

from core.domain.errors import DomainError
from core.domain.money import round_half_up
from core.domain.parameters import VoluntaryRule
from core.domain.periods import add_months

# Leaving insured employment before this day is a typing error (ASSUMPTION: nobody left before 1960).
EARLIEST_LEAVING: Final = date(1960, 1, 1)


class Scheme(enum.Enum):
    """Who contributes on their own: a former employee keeping their pension rights, or a self-employed worker."""

    VOLUNTARY = "voluntary"
    SELF_EMPLOYED = "self_employed"
    INFORMAL = "informal"


class Rhythm(enum.Enum):
    """How often the contributor pays, in advance; the value is its name, ``months`` the months covered."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        """Months one payment covers."""
        return _MONTHS[self]


_MONTHS: Final = {Rhythm.MONTHLY: 1, Rhythm.QUARTERLY: 3, Rhythm.HALF_YEARLY: 6, Rhythm.YEARLY: 12}


class NotEligibleError(DomainError):
    """The person may not enrol; ``reason`` says why (``insured_months``, ``too_late``, ``income_below_smig``...)."""

    def __init__(self, reason: str, **context: object) -> None:
        super().__init__(reason=reason, **context)
        self.reason = reason


def rate_bp(scheme: Scheme, rule: VoluntaryRule) -> int:
    """The scheme's rate in basis points of the declared income."""
    return {Scheme.VOLUNTARY: rule.voluntary_bp, Scheme.SELF_EMPLOYED: rule.self_employed_bp,
            Scheme.INFORMAL: rule.informal_bp}[scheme]


def rhythms(rule: VoluntaryRule) -> tuple[Rhythm, ...]:
    """The rhythms offered, in the rule's order."""
    by_months = {r.months: r for r in Rhythm}
    return tuple(by_months[m] for m in rule.rhythms if m in by_months)


def apply_by(left_on: date, rule: VoluntaryRule) -> date:
    """Last day a former employee who left on ``left_on`` may ask for voluntary insurance."""
    return add_months(left_on, rule.months_to_apply)


def check_voluntary(insured_months: int, left_on: date, today: date, rule: VoluntaryRule) -> None:
    """``NotEligibleError`` unless the person was insured long enough and left recently enough."""
    if left_on > today or left_on < EARLIEST_LEAVING:
        raise NotEligibleError("left_on")
    if insured_months < rule.min_insured_months:
        raise NotEligibleError("insured_months", needed=rule.min_insured_months)
    if today > apply_by(left_on, rule):
        raise NotEligibleError("too_late", months=rule.months_to_apply)


def check_income(income: int, smig: int, rule: VoluntaryRule) -> None:
    """``NotEligibleError`` when the declared monthly income is below the SMIG or above the typo bound."""
    if income < smig:
        raise NotEligibleError("income_below_smig", smig=smig)
    if income > rule.max_income:
        raise NotEligibleError("income_too_high", max_income=rule.max_income)


@dataclass(frozen=True, slots=True)
class Contribution:
    """What a voluntary or self-employed contributor pays: per month and per payment of the chosen rhythm."""

    scheme: Scheme
    base: int  # the declared monthly income, floored at the SMIG
    rate: Fraction
    rhythm: Rhythm
    monthly: int  # the monthly amount, rounded half up to the franc
    amount: int  # one payment: the exact monthly amount times the months covered, rounded once


def contribution(scheme: Scheme, income: int, rhythm: Rhythm, *, smig: int, rule: VoluntaryRule) -> Contribution:
    """The contribution for a declared monthly ``income`` paid every ``rhythm``.

    The base is never below the SMIG; amounts stay exact until the amount payable, rounded half up once
    (rules 1.5), so a quarter of 8 662.5 a month is 25 988, not 3 x 8 663.
    """
    base = max(income, smig)
    rate = Fraction(rate_bp(scheme, rule), 10_000)
    exact_monthly = base * rate
    return Contribution(scheme, base, rate, rhythm, round_half_up(exact_monthly),
                        round_half_up(exact_monthly * rhythm.months))
