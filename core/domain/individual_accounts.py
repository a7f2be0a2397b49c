"""The insured person's individual account: insured months, declared pay by period, employers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from core.domain.parties import InsuredPerson
from core.domain.periods import ContributionPeriod

# The SMIG in force on a day (``RuleBook.smig.at``): the floor of each month's contribution base.
SmigOn = Callable[[date], int]


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
    employer_names: tuple[tuple[str, str], ...] = ()  # (employer number, company name) of known employers

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

    def contribution_base(self, period: ContributionPeriod, smig_on: SmigOn) -> int:
        """Contribution base of one month: each employer's declared pay floored at the SMIG (0 if none)."""
        smig = smig_on(period.first_day)
        return sum(max(line.gross_pay, smig) for line in self.declared if line.period == period)

    def window_end(self, today: date) -> ContributionPeriod:
        """Newest month of the RMM window: the current month once its pay is declared, else the month before."""
        current = ContributionPeriod.containing(today)
        return current if any(line.period == current for line in self.declared) else current.plus_months(-1)

    def average_pay(self, months: int, *, today: date, smig_on: SmigOn) -> Fraction:
        """Bases of the last ``months`` calendar months, divided by ``months`` (a month without pay counts 0)."""
        if months <= 0:
            return Fraction(0)
        newest = self.window_end(today)
        declared = {line.period for line in self.declared}
        window = (newest.plus_months(-back) for back in range(months))
        return Fraction(sum(self.contribution_base(period, smig_on) for period in window if period in declared),
                        months)

    def reference_pay(self, windows: tuple[int, ...], *, today: date, smig_on: SmigOn) -> Fraction:
        """RMM (rules 3.2): the better of the calendar-month averages over the windows (36 or 60 months)."""
        return max((self.average_pay(window, today=today, smig_on=smig_on) for window in windows),
                   default=Fraction(0))

    @property
    def last_employer_number(self) -> str | None:
        """Employer of the most recent declared period."""
        if not self.declared:
            return None
        return max(self.declared, key=lambda line: line.period).employer_number

    @property
    def last_employer_name(self) -> str | None:
        """Company name of the most recent employer, when known."""
        return dict(self.employer_names).get(self.last_employer_number or "")

    @property
    def last_period(self) -> ContributionPeriod | None:
        """Most recent period with declared pay."""
        return max((line.period for line in self.declared), default=None)
