"""Late-payment surcharges on the 500 000 FCFA March 2026 example of rules 2 (penalty algorithm)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.domain.accounts import ContributorAccount, EntryKind, LedgerEntry
from core.domain.parameters import RuleBook, SurchargeRule, default_rulebook, rulebook_with_overrides
from core.domain.parties import Employer
from core.domain.periods import ContributionPeriod, Periodicity
from core.domain.surcharges import exigibility_day, new_surcharges, steps_incurred
from core.services.accounts import load_account

EMPLOYER = "1000001"
MARCH = ContributionPeriod(2026, 3)
DEADLINE = date(2026, 4, 15)
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)


def default_rule(day: date) -> SurchargeRule:
    return default_rulebook().surcharges.at(day)


def month_after_period_rule(day: date) -> SurchargeRule:
    rulebook = rulebook_with_overrides(default_rulebook(), {"surcharges": [{
        "effective_from": "2019-09-01",
        "value": {"due_day": 15, "flat_bp": 500, "monthly_bp": 100, "grace_months": 3,
                  "anchor": "month_after_period"},
    }]})
    return rulebook.surcharges.at(day)


def entry(kind: EntryKind, amount: int, value_date: date, period: ContributionPeriod | None = MARCH,
          step: int | None = None) -> LedgerEntry:
    return LedgerEntry(EMPLOYER, kind, amount, value_date, datetime(2026, 4, 1, tzinfo=timezone.utc),
                       period=period, surcharge_step=step)


def account(*extra: LedgerEntry) -> ContributorAccount:
    due = entry(EntryKind.CONTRIBUTION_DUE, 500_000, date(2026, 4, 1))
    return ContributorAccount(EMPLOYER, (due, *extra), deadline=lambda p: p.payment_deadline(15))


def surcharges_by(day: date, acct: ContributorAccount | None = None, rule=default_rule) -> list[LedgerEntry]:  # type: ignore[no-untyped-def]
    return new_surcharges(acct or account(), day, rule, NOW)


def total(lines: list[LedgerEntry]) -> int:
    return sum(line.amount for line in lines)


def test_march_2026_deadline_is_15_april() -> None:
    assert account().positions()[0].deadline == DEADLINE


def test_nothing_is_charged_on_the_deadline_day() -> None:
    assert surcharges_by(DEADLINE) == []
    assert steps_incurred(MARCH, DEADLINE, default_rule(DEADLINE), DEADLINE) == []


@pytest.mark.parametrize("day", [date(2026, 4, 16), date(2026, 4, 30)])
def test_flat_5_percent_once_the_deadline_passes(day: date) -> None:
    lines = surcharges_by(day)
    assert [(line.amount, line.surcharge_step) for line in lines] == [(25_000, 0)]
    line = lines[0]
    assert line.kind is EntryKind.SURCHARGE
    assert line.period == MARCH
    assert line.value_date == date(2026, 4, 16)
    assert line.employer_number == EMPLOYER


def test_three_month_grace_window_adds_nothing_until_15_july() -> None:
    assert [line.amount for line in surcharges_by(date(2026, 7, 15))] == [25_000]


def test_first_monthly_1_percent_accrues_on_16_july() -> None:
    lines = surcharges_by(date(2026, 7, 16))
    assert [(line.surcharge_step, line.amount) for line in lines] == [(0, 25_000), (1, 5_000)]
    assert lines[1].value_date == date(2026, 7, 16)


def test_paid_20_august_costs_7_percent_as_three_separate_lines() -> None:
    lines = surcharges_by(date(2026, 8, 20))
    assert total(lines) == 35_000
    assert [(line.surcharge_step, line.amount) for line in lines] == [(0, 25_000), (1, 5_000), (2, 5_000)]


def test_steps_incurred_lists_flat_then_monthly_steps_with_their_dates() -> None:
    steps = steps_incurred(MARCH, DEADLINE, default_rule(DEADLINE), date(2026, 8, 20))
    assert [(s.step, s.accrues_on, s.rate_bp) for s in steps] == [
        (0, date(2026, 4, 16), 500), (1, date(2026, 7, 16), 100), (2, date(2026, 8, 16), 100)]


def test_month_after_period_anchor_also_gives_35000_on_20_august() -> None:
    assert month_after_period_rule(DEADLINE).anchor == "month_after_period"
    lines = surcharges_by(date(2026, 8, 20), rule=month_after_period_rule)
    assert total(lines) == 35_000
    assert [line.surcharge_step for line in lines] == [0, 1, 2]


def test_running_again_with_the_lines_recorded_adds_nothing() -> None:
    first = surcharges_by(date(2026, 8, 20))
    assert surcharges_by(date(2026, 8, 20), account(*first)) == []


def test_running_daily_charges_each_step_once() -> None:
    acct = account()
    charged: list[LedgerEntry] = []
    for day in (date(2026, 4, 16), date(2026, 5, 1), date(2026, 7, 16), date(2026, 7, 17), date(2026, 8, 20)):
        new = surcharges_by(day, acct)
        charged += new
        acct = account(*charged)
    assert [line.surcharge_step for line in charged] == [0, 1, 2]
    assert acct.balance == 535_000


def test_written_off_surcharge_is_not_charged_again() -> None:
    flat = surcharges_by(date(2026, 4, 30))
    waived = account(*flat, entry(EntryKind.WRITE_OFF, 25_000, date(2026, 5, 2), step=0))
    assert surcharges_by(date(2026, 5, 10), waived) == []
    assert waived.balance == 500_000


def test_full_payment_on_the_deadline_prevents_any_surcharge() -> None:
    paid = account(entry(EntryKind.PAYMENT, 500_000, DEADLINE))
    assert surcharges_by(date(2026, 12, 31), paid) == []


def test_payment_on_30_april_leaves_only_the_flat_5_percent() -> None:
    paid = account(entry(EntryKind.PAYMENT, 500_000, date(2026, 4, 30)))
    lines = surcharges_by(date(2026, 12, 31), paid)
    assert [(line.surcharge_step, line.amount) for line in lines] == [(0, 25_000)]


def test_payment_the_day_after_the_deadline_still_costs_the_flat_5_percent() -> None:
    paid = account(entry(EntryKind.PAYMENT, 500_000, date(2026, 4, 16)))
    assert [line.amount for line in surcharges_by(date(2026, 12, 31), paid)] == [25_000]


def test_payment_on_16_july_still_costs_the_first_monthly_step() -> None:
    paid = account(entry(EntryKind.PAYMENT, 500_000, date(2026, 7, 16)))
    assert total(surcharges_by(date(2026, 12, 31), paid)) == 30_000


def test_partial_payment_before_the_deadline_reduces_the_flat_surcharge() -> None:
    partly = account(entry(EntryKind.PAYMENT, 300_000, date(2026, 4, 10)))
    assert [line.amount for line in surcharges_by(date(2026, 4, 30), partly)] == [10_000]


def test_payment_without_period_also_stops_surcharges() -> None:
    paid = account(entry(EntryKind.PAYMENT, 500_000, date(2026, 4, 14), period=None))
    assert surcharges_by(date(2026, 12, 31), paid) == []


def test_declaration_filed_late_still_owes_the_surcharges_from_the_deadline() -> None:
    filed_late = entry(EntryKind.CONTRIBUTION_DUE, 500_000, date(2026, 8, 20))
    acct = ContributorAccount(EMPLOYER, (filed_late,), deadline=lambda p: p.payment_deadline(15))
    assert acct.overdue(date(2026, 8, 20)) == 500_000  # the account itself says it is overdue
    assert total(surcharges_by(date(2026, 8, 20), acct)) == 35_000


class _Ledger:
    def __init__(self, entries: list[LedgerEntry]) -> None:
        self._entries = entries

    def entries(self, employer_number: str) -> list[LedgerEntry]:
        return [e for e in self._entries if e.employer_number == employer_number]


class _LedgerOnly:
    def __init__(self, entries: list[LedgerEntry]) -> None:
        self.ledger = _Ledger(entries)


JANUARY = ContributionPeriod(2026, 1)


def quarterly_account(rulebook: RuleBook) -> ContributorAccount:
    """A quarterly payer's January 2026 contributions (300 000), loaded as the services load any account."""
    employer = Employer(EMPLOYER, "BOULANGERIE DU PORT SARL", periodicity=Periodicity.QUARTERLY)
    due = LedgerEntry(EMPLOYER, EntryKind.CONTRIBUTION_DUE, 300_000, date(2026, 2, 1), NOW, period=JANUARY)
    return load_account(_LedgerOnly([due]), employer, rulebook)  # type: ignore[arg-type]


@pytest.mark.parametrize("rule", [default_rule, month_after_period_rule], ids=["deadline", "month_after_period"])
def test_a_quarterly_payer_gets_no_monthly_step_before_three_months_after_the_quarter(rule) -> None:  # type: ignore[no-untyped-def]
    acct = quarterly_account(default_rulebook())
    assert acct.positions()[0].deadline == date(2026, 4, 15)
    assert [(line.surcharge_step, line.amount) for line in new_surcharges(acct, date(2026, 5, 2), rule, NOW)] == [
        (0, 15_000)]  # was (1, 3 000) on 2 May: 17 days after the quarterly deadline
    assert [line.amount for line in new_surcharges(acct, date(2026, 6, 30), rule, NOW)] == [15_000]


def test_a_quarterly_payers_first_monthly_step_follows_the_quarter_with_either_anchor() -> None:
    acct = quarterly_account(default_rulebook())
    by_deadline = new_surcharges(acct, date(2026, 7, 16), default_rule, NOW)
    by_exigibility = new_surcharges(acct, date(2026, 7, 2), month_after_period_rule, NOW)
    assert [(line.surcharge_step, line.value_date, line.amount) for line in by_deadline][1:] == [
        (1, date(2026, 7, 16), 3_000)]
    assert [(line.surcharge_step, line.value_date, line.amount) for line in by_exigibility][1:] == [
        (1, date(2026, 7, 2), 3_000)]


def test_exigibility_is_the_first_day_of_the_month_the_payment_falls_due_in() -> None:
    assert exigibility_day(JANUARY.payment_deadline(15, Periodicity.QUARTERLY)) == date(2026, 4, 1)
    assert exigibility_day(JANUARY.payment_deadline(15)) == date(2026, 2, 1)
