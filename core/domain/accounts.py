"""The contributor account: an append-only ledger whose balances are computed, never stored."""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from core.domain.periods import ContributionPeriod


class EntryKind(enum.Enum):
    """What a ledger line records."""

    CONTRIBUTION_DUE = "contribution_due"
    SURCHARGE = "surcharge"
    PAYMENT = "payment"
    WRITE_OFF = "write_off"


DEBITS = frozenset({EntryKind.CONTRIBUTION_DUE, EntryKind.SURCHARGE})


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement. ``amount`` is positive francs; the kind gives the sign.

    ``value_date`` is the business day it counts from (filing, accrual, payment).
    A payment with no period settles the oldest debts first; a write-off
    cancels one surcharge line (same period and step).
    """

    employer_number: str
    kind: EntryKind
    amount: int
    value_date: date
    recorded_at: datetime
    period: ContributionPeriod | None = None
    surcharge_step: int | None = None
    reference: str | None = None
    entry_id: int | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError("ledger amounts are positive francs")
        if self.kind in (EntryKind.CONTRIBUTION_DUE, EntryKind.SURCHARGE, EntryKind.WRITE_OFF) and self.period is None:
            raise ValueError(f"{self.kind.value} needs a period")
        if self.kind in (EntryKind.SURCHARGE, EntryKind.WRITE_OFF) and self.surcharge_step is None:
            raise ValueError(f"{self.kind.value} needs a surcharge step")

    @property
    def signed(self) -> int:
        """Effect on the balance: debts positive, payments and write-offs negative."""
        return self.amount if self.kind in DEBITS else -self.amount


@dataclass(slots=True)
class PeriodPosition:
    """Where one contribution period stands after allocating payments."""

    period: ContributionPeriod
    deadline: date
    principal_due: int = 0
    surcharges_due: int = 0
    principal_paid: int = 0
    surcharges_paid: int = 0

    @property
    def principal_outstanding(self) -> int:
        """Contributions still unpaid."""
        return self.principal_due - self.principal_paid

    @property
    def surcharges_outstanding(self) -> int:
        """Surcharges (net of write-offs) still unpaid."""
        return self.surcharges_due - self.surcharges_paid

    @property
    def outstanding(self) -> int:
        """Everything still unpaid for the period."""
        return self.principal_outstanding + self.surcharges_outstanding

    def settle(self, amount: int) -> int:
        """Apply up to ``amount`` to principal then surcharges; return what is left."""
        to_principal = min(amount, self.principal_outstanding)
        self.principal_paid += to_principal
        amount -= to_principal
        to_surcharges = min(amount, self.surcharges_outstanding)
        self.surcharges_paid += to_surcharges
        return amount - to_surcharges


Deadline = Callable[[ContributionPeriod], date]


@dataclass(frozen=True, slots=True)
class ContributorAccount:
    """An employer's ledger with the queries the channels need."""

    employer_number: str
    entries: tuple[LedgerEntry, ...]
    deadline: Deadline = field(compare=False)

    def as_of(self, day: date) -> ContributorAccount:
        """The account as it stood at the end of ``day``."""
        return ContributorAccount(
            self.employer_number, tuple(e for e in self.entries if e.value_date <= day), self.deadline)

    def with_payments_until(self, day: date) -> ContributorAccount:
        """Every debt, but only the payments made by the end of ``day`` (what was unpaid then)."""
        return ContributorAccount(self.employer_number, tuple(
            e for e in self.entries if e.kind is not EntryKind.PAYMENT or e.value_date <= day), self.deadline)

    @property
    def balance(self) -> int:
        """Debts minus credits; negative means the employer is in credit."""
        return sum(entry.signed for entry in self.entries)

    def positions(self) -> list[PeriodPosition]:
        """Per-period positions, oldest first, with payments allocated.

        Payments against a period settle that period first (principal, then
        surcharges); payments without a period, and any excess, settle the
        oldest periods first.
        """
        positions: dict[ContributionPeriod, PeriodPosition] = {}

        def position(period: ContributionPeriod) -> PeriodPosition:
            if period not in positions:
                positions[period] = PeriodPosition(period, self.deadline(period))
            return positions[period]

        for entry in self.entries:
            if entry.kind is EntryKind.CONTRIBUTION_DUE:
                position(entry.period).principal_due += entry.amount  # type: ignore[arg-type]
            elif entry.kind is EntryKind.SURCHARGE:
                position(entry.period).surcharges_due += entry.amount  # type: ignore[arg-type]
            elif entry.kind is EntryKind.WRITE_OFF:
                position(entry.period).surcharges_due -= entry.amount  # type: ignore[arg-type]
        unallocated = 0
        for entry in sorted(self._payments(), key=lambda e: (e.value_date, e.entry_id or 0)):
            if entry.period is not None:
                unallocated += position(entry.period).settle(entry.amount)
            else:
                unallocated += entry.amount
        for period in sorted(positions):
            if unallocated <= 0:
                break
            unallocated = positions[period].settle(unallocated)
        return [positions[period] for period in sorted(positions)]

    def _payments(self) -> Iterable[LedgerEntry]:
        return (e for e in self.entries if e.kind is EntryKind.PAYMENT)

    def overdue(self, day: date) -> int:
        """Unpaid amount (surcharges included) of periods whose deadline is before ``day``."""
        return sum(p.outstanding for p in self.positions() if p.deadline < day and p.outstanding > 0)

    def surcharges_outstanding(self) -> int:
        """Unpaid surcharges across periods."""
        return sum(p.surcharges_outstanding for p in self.positions())

    def unpaid_periods(self) -> list[PeriodPosition]:
        """Periods with something left to pay, oldest first."""
        return [p for p in self.positions() if p.outstanding > 0]

    def position_of(self, period: ContributionPeriod) -> PeriodPosition | None:
        """The position of one period, if it has any movement."""
        return next((p for p in self.positions() if p.period == period), None)

    def statement(self, limit: int) -> list[LedgerEntry]:
        """The last ``limit`` movements, newest first."""
        ordered = sorted(self.entries, key=lambda e: (e.value_date, e.recorded_at, e.entry_id or 0), reverse=True)
        return ordered[:limit]

    def payments(self, limit: int) -> list[LedgerEntry]:
        """The last ``limit`` payments, newest first."""
        return [e for e in self.statement(len(self.entries)) if e.kind is EntryKind.PAYMENT][:limit]

    def surcharge_steps(self) -> set[tuple[ContributionPeriod, int]]:
        """(period, step) of every surcharge already charged."""
        return {(e.period, e.surcharge_step) for e in self.entries  # type: ignore[misc]
                if e.kind is EntryKind.SURCHARGE}
