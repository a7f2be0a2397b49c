"""The insured person's individual account: insured months, declared pay by period, employers."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from core.domain.parties import InsuredPerson
from core.domain.periods import ContributionPeriod


@dataclass(frozen=True, slots=True)
class Employment:
    """A spell of work for one employer; ``end`` is None while it lasts."""

    insured_number: str
    employer_number: str
    start: ContributionPeriod
    end: ContributionPeriod | None = None


@dataclass(frozen=True, slots=True)
class DeclaredPay:
    """Pay declared for the insured person by one employer for one period (from the DNR)."""

    insured_number: str
    period: ContributionPeriod
    employer_number: str
    gross_pay: int


@dataclass(frozen=True, slots=True)
class IndividualAccount:
    """What CNSS knows of an insured person's career."""

    person: InsuredPerson
    declared: tuple[DeclaredPay, ...]
    employments: tuple[Employment, ...] = ()

    @property
    def insured_months(self) -> int:
        """Months from older records plus each distinct period with declared pay."""
        return self.person.prior_insured_months + len({line.period for line in self.declared})

    def pay_by_period(self) -> list[tuple[ContributionPeriod, int]]:
        """Total declared pay per period (all employers), newest first."""
        totals: dict[ContributionPeriod, int] = {}
        for line in self.declared:
            totals[line.period] = totals.get(line.period, 0) + line.gross_pay
        return sorted(totals.items(), reverse=True)

    def average_pay(self, months: int) -> Fraction:
        """Average monthly pay over the last ``months`` declared periods (fewer if not available)."""
        recent = self.pay_by_period()[:months]
        if not recent:
            return Fraction(0)
        return Fraction(sum(pay for _, pay in recent), len(recent))

    def reference_pay(self, windows: tuple[int, ...]) -> Fraction:
        """RMM: the most favourable average over the given windows (ASSUMPTION: 36 or 60 months)."""
        return max((self.average_pay(window) for window in windows), default=Fraction(0))

    @property
    def last_employer_number(self) -> str | None:
        """Employer of the most recent declared period."""
        if not self.declared:
            return None
        return max(self.declared, key=lambda line: line.period).employer_number

    @property
    def last_period(self) -> ContributionPeriod | None:
        """Most recent period with declared pay."""
        return max((line.period for line in self.declared), default=None)
