"""Contributor account ledger: balance, write-offs, overdue amounts, payment allocation and statements."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.domain.accounts import ContributorAccount, EntryKind, LedgerEntry
from core.domain.periods import ContributionPeriod

EMPLOYER = "1000001"
MARCH = ContributionPeriod(2026, 3)  # deadline 2026-04-15
APRIL = ContributionPeriod(2026, 4)  # deadline 2026-05-15


def entry(kind: EntryKind, amount: int, value_date: date, period: ContributionPeriod | None = MARCH,
          step: int | None = None, hour: int = 9) -> LedgerEntry:
    recorded = datetime(value_date.year, value_date.month, value_date.day, hour, tzinfo=timezone.utc)
    return LedgerEntry(EMPLOYER, kind, amount, value_date, recorded, period=period, surcharge_step=step)


def due(period: ContributionPeriod, amount: int = 500_000) -> LedgerEntry:
    return entry(EntryKind.CONTRIBUTION_DUE, amount, period.plus_months(1).first_day, period)


def surcharge(amount: int, value_date: date, step: int = 0, period: ContributionPeriod = MARCH) -> LedgerEntry:
    return entry(EntryKind.SURCHARGE, amount, value_date, period, step)


def payment(amount: int, value_date: date, period: ContributionPeriod | None = MARCH) -> LedgerEntry:
    return entry(EntryKind.PAYMENT, amount, value_date, period)


def account(*entries: LedgerEntry) -> ContributorAccount:
    return ContributorAccount(EMPLOYER, entries, deadline=lambda p: p.payment_deadline(15))


def test_balance_is_dues_plus_surcharges_minus_payments_and_write_offs() -> None:
    acct = account(
        due(MARCH), surcharge(25_000, date(2026, 4, 16)), surcharge(5_000, date(2026, 7, 16), step=1),
        payment(200_000, date(2026, 5, 2)),
        entry(EntryKind.WRITE_OFF, 5_000, date(2026, 7, 20), step=1),
    )
    assert acct.balance == 500_000 + 25_000 + 5_000 - 200_000 - 5_000


def test_empty_account_has_zero_balance_and_nothing_overdue() -> None:
    acct = account()
    assert acct.balance == 0
    assert acct.overdue(date(2030, 1, 1)) == 0
    assert acct.statement(5) == []


def test_write_off_cancels_a_surcharge_line() -> None:
    acct = account(due(MARCH), surcharge(25_000, date(2026, 4, 16)),
                   entry(EntryKind.WRITE_OFF, 25_000, date(2026, 5, 1), step=0))
    assert acct.surcharges_outstanding() == 0
    assert acct.balance == 500_000
    assert acct.overdue(date(2026, 5, 2)) == 500_000


def test_nothing_is_overdue_until_the_deadline_has_passed() -> None:
    acct = account(due(MARCH))
    assert acct.overdue(date(2026, 4, 15)) == 0
    assert acct.overdue(date(2026, 4, 16)) == 500_000


def test_overdue_counts_only_late_periods_and_includes_their_surcharges() -> None:
    acct = account(due(MARCH), due(APRIL, 300_000), surcharge(25_000, date(2026, 4, 16)))
    assert acct.overdue(date(2026, 5, 1)) == 525_000  # April not due before 15 May
    assert acct.overdue(date(2026, 5, 16)) == 825_000


def test_payment_without_period_settles_the_oldest_period_first() -> None:
    acct = account(due(APRIL, 300_000), due(MARCH), payment(500_000, date(2026, 5, 10), period=None))
    march, april = acct.positions()
    assert (march.period, march.outstanding) == (MARCH, 0)
    assert (april.period, april.outstanding) == (APRIL, 300_000)
    assert [p.period for p in acct.unpaid_periods()] == [APRIL]


def test_payment_without_period_covers_old_surcharges_before_a_newer_period() -> None:
    acct = account(due(MARCH), surcharge(25_000, date(2026, 4, 16)), due(APRIL, 300_000),
                   payment(525_000, date(2026, 5, 10), period=None))
    assert acct.position_of(MARCH).outstanding == 0  # type: ignore[union-attr]
    assert acct.position_of(APRIL).outstanding == 300_000  # type: ignore[union-attr]


def test_payment_for_a_period_settles_that_period_even_if_an_older_one_is_unpaid() -> None:
    acct = account(due(MARCH), due(APRIL, 300_000), payment(300_000, date(2026, 5, 10), period=APRIL))
    assert acct.position_of(APRIL).outstanding == 0  # type: ignore[union-attr]
    assert acct.position_of(MARCH).outstanding == 500_000  # type: ignore[union-attr]


def test_overpayment_leaves_the_employer_in_credit() -> None:
    acct = account(due(MARCH), payment(600_000, date(2026, 4, 10)))
    assert acct.balance == -100_000
    assert acct.overdue(date(2026, 6, 1)) == 0
    assert acct.unpaid_periods() == []


def test_account_as_of_a_day_ignores_later_movements() -> None:
    acct = account(due(MARCH), payment(500_000, date(2026, 4, 20)))
    assert acct.as_of(date(2026, 4, 19)).balance == 500_000
    assert acct.as_of(date(2026, 4, 20)).balance == 0


def test_statement_lists_the_latest_movements_newest_first() -> None:
    acct = account(due(MARCH), surcharge(25_000, date(2026, 4, 16)), payment(100_000, date(2026, 4, 20)),
                   due(APRIL, 300_000), payment(50_000, date(2026, 5, 2), period=None))
    statement = acct.statement(3)
    assert [(e.kind, e.amount) for e in statement] == [
        (EntryKind.PAYMENT, 50_000), (EntryKind.CONTRIBUTION_DUE, 300_000), (EntryKind.PAYMENT, 100_000)]
    assert len(acct.statement(10)) == 5


def test_same_day_movements_are_ordered_by_recording_time() -> None:
    early = entry(EntryKind.PAYMENT, 1_000, date(2026, 5, 1), hour=8)
    late = entry(EntryKind.PAYMENT, 2_000, date(2026, 5, 1), hour=17)
    assert [e.amount for e in account(late, early).statement(2)] == [2_000, 1_000]


def test_payments_lists_only_payments_newest_first() -> None:
    acct = account(due(MARCH), payment(100_000, date(2026, 4, 10)), surcharge(20_000, date(2026, 4, 16)),
                   payment(200_000, date(2026, 4, 25)), payment(200_000, date(2026, 5, 3)))
    assert [(e.value_date, e.amount) for e in acct.payments(2)] == [
        (date(2026, 5, 3), 200_000), (date(2026, 4, 25), 200_000)]
    assert all(e.kind is EntryKind.PAYMENT for e in acct.payments(10))
    assert len(acct.payments(10)) == 3


@pytest.mark.parametrize("amount", [0, -1, -500_000])
def test_ledger_entry_refuses_a_zero_or_negative_amount(amount: int) -> None:
    with pytest.raises(ValueError):
        entry(EntryKind.PAYMENT, amount, date(2026, 4, 1))


@pytest.mark.parametrize("kind", [EntryKind.CONTRIBUTION_DUE, EntryKind.SURCHARGE, EntryKind.WRITE_OFF])
def test_dues_surcharges_and_write_offs_need_a_period(kind: EntryKind) -> None:
    with pytest.raises(ValueError):
        entry(kind, 1_000, date(2026, 4, 1), period=None, step=0)


@pytest.mark.parametrize("kind", [EntryKind.SURCHARGE, EntryKind.WRITE_OFF])
def test_surcharges_and_write_offs_need_a_step(kind: EntryKind) -> None:
    with pytest.raises(ValueError):
        entry(kind, 1_000, date(2026, 4, 1), step=None)
