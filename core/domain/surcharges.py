"""Late-payment surcharges: 5 % after the deadline, then 1 % per month or part-month after 3 months."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from core.domain.accounts import ContributorAccount, EntryKind, LedgerEntry
from core.domain.money import round_half_up
from core.domain.parameters import SurchargeRule
from core.domain.periods import ContributionPeriod, add_months


@dataclass(frozen=True, slots=True)
class SurchargeStep:
    """One surcharge line a period incurs: step 0 is the flat rate, step n the n-th month."""

    period: ContributionPeriod
    step: int
    accrues_on: date
    rate_bp: int


def exigibility_day(deadline: date) -> date:
    """Date d'exigibilite: the first day of the month the payment falls due in.

    The deadline follows the payment periodicity (the 15th after the month, or after the quarter
    for quarterly payers), so the anchor does too: January's contributions of a quarterly payer
    become exigible on 1 April, not on 1 February.
    """
    return deadline.replace(day=1)


def steps_incurred(period: ContributionPeriod, deadline: date, rule: SurchargeRule, day: date) -> list[SurchargeStep]:
    """Every step accrued by the end of ``day`` if the period stayed unpaid."""
    steps: list[SurchargeStep] = []
    flat_day = deadline + timedelta(days=1)
    if day < flat_day:
        return steps
    steps.append(SurchargeStep(period, 0, flat_day, rule.flat_bp))
    anchor = deadline if rule.anchor == "deadline" else exigibility_day(deadline)
    grace_end = add_months(anchor, rule.grace_months)
    month = 1
    while True:
        accrues_on = add_months(grace_end, month - 1) + timedelta(days=1)
        if accrues_on > day:
            return steps
        steps.append(SurchargeStep(period, month, accrues_on, rule.monthly_bp))
        month += 1


def surcharge_amount(principal_outstanding: int, rate_bp: int) -> int:
    """Surcharge on the unpaid contributions, rounded by the single rounding rule."""
    return round_half_up(Fraction(principal_outstanding * rate_bp, 10_000))


def new_surcharges(
    account: ContributorAccount,
    day: date,
    rule_for: Callable[[date], SurchargeRule],
    recorded_at: datetime,
) -> list[LedgerEntry]:
    """Surcharge lines accrued by ``day`` and not yet in the ledger.

    Each step is charged on the contributions still unpaid at the end of the
    day before it accrues, so a payment made before a step stops that step;
    a declaration filed late still owes every step since its deadline.
    """
    charged = account.surcharge_steps()
    lines: list[LedgerEntry] = []
    for position in account.positions():
        if position.principal_due <= 0:
            continue
        rule: SurchargeRule = rule_for(position.deadline)
        for step in steps_incurred(position.period, position.deadline, rule, day):
            if (step.period, step.step) in charged:
                continue
            then = account.with_payments_until(step.accrues_on - timedelta(days=1)).position_of(step.period)
            unpaid = then.principal_outstanding if then else 0
            amount = surcharge_amount(unpaid, step.rate_bp)
            if amount > 0:
                lines.append(LedgerEntry(
                    account.employer_number, EntryKind.SURCHARGE, amount, step.accrues_on, recorded_at,
                    period=step.period, surcharge_step=step.step))
    return lines
