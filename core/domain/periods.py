"""Contribution periods (one calendar month) and their payment deadlines."""
from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date

from core.domain.errors import InvalidContributionPeriodError

_PERIOD_RE = re.compile(r"^(\d{4})-?(\d{2})$")


class Periodicity(enum.Enum):
    """How often an employer pays (ASSUMPTION: monthly for everyone unless told otherwise)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True, order=True, slots=True)
class ContributionPeriod:
    """A pay month, e.g. March 2026, written ``2026-03``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12) or not (1900 <= self.year <= 2999):
            raise InvalidContributionPeriodError(raw=f"{self.year}-{self.month}")

    @classmethod
    def parse(cls, raw: str) -> ContributionPeriod:
        """Parse ``YYYY-MM`` or ``YYYYMM``."""
        match = _PERIOD_RE.match(raw.strip())
        if not match:
            raise InvalidContributionPeriodError(raw=raw)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> ContributionPeriod:
        """The period a calendar day falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """Short human label, ``03/2026``."""
        return f"{self.month:02d}/{self.year:04d}"

    @property
    def first_day(self) -> date:
        """First day of the month."""
        return date(self.year, self.month, 1)

    def plus_months(self, months: int) -> ContributionPeriod:
        """The period ``months`` later (negative for earlier)."""
        index = self.year * 12 + (self.month - 1) + months
        return ContributionPeriod(index // 12, index % 12 + 1)

    def months_until(self, other: ContributionPeriod) -> int:
        """Number of months from this period to ``other``."""
        return (other.year * 12 + other.month) - (self.year * 12 + self.month)

    def payment_deadline(self, due_day: int, periodicity: Periodicity = Periodicity.MONTHLY) -> date:
        """Last day to pay: ``due_day`` of the month after the period (or after its quarter)."""
        closing = self
        if periodicity is Periodicity.QUARTERLY:
            closing = ContributionPeriod(self.year, ((self.month - 1) // 3) * 3 + 3)
        following = closing.plus_months(1)
        return date(following.year, following.month, min(due_day, _days_in(following)))


def _days_in(period: ContributionPeriod) -> int:
    return calendar.monthrange(period.year, period.month)[1]


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_or_part_months(start: date, end: date) -> int:
    """Count the months or part-months from ``start`` (exclusive) to ``end`` (inclusive)."""
    if end <= start:
        return 0
    count = 0
    cursor = start
    while cursor < end:
        count += 1
        cursor = add_months(start, count)
    return count
