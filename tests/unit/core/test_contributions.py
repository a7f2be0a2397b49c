"""Contribution assessment against the worked examples of rules 1.5 (rates, SMIG floor, rounding, dated parameters)."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from core.domain.contributions import (
    Branch,
    ContributionAssessment,
    Payer,
    WorkerPay,
    add_worker,
    assess_payroll,
    assess_workers,
    change_pay,
    check_worker_pay,
    remove_worker,
)
from core.domain.errors import InvalidDeclarationError
from core.domain.parameters import RuleBook, default_rulebook, rulebook_with_overrides
from core.domain.periods import ContributionPeriod

MARCH_2026 = ContributionPeriod(2026, 3)


def one_worker(gross: int, period: ContributionPeriod = MARCH_2026, rulebook: RuleBook | None = None,
               **kwargs: int) -> ContributionAssessment:
    return assess_workers(period, [WorkerPay("A1", gross)], rulebook=rulebook or default_rulebook(), **kwargs)


def amounts(assessment: ContributionAssessment) -> dict[tuple[Branch, Payer], Fraction]:
    return {(line.branch, line.payer): line.exact for line in assessment.lines}


def test_example_a_150000_gives_every_line_of_the_rules_table() -> None:
    assert amounts(one_worker(150_000)) == {
        (Branch.FAMILY_BENEFITS, Payer.EMPLOYER): 4_500,
        (Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER): 3_000,
        (Branch.PENSION, Payer.EMPLOYER): 18_750,
        (Branch.PENSION, Payer.EMPLOYEE): 6_000,
        (Branch.AMU, Payer.EMPLOYER): 7_500,
        (Branch.AMU, Payer.EMPLOYEE): 7_500,
    }


def test_example_a_150000_totals_47250_with_cnss_32250_and_amu_15000() -> None:
    assessment = one_worker(150_000)
    assert assessment.base == 150_000
    assert assessment.amount_due == 47_250
    assert assessment.cnss_amount == 32_250
    assert assessment.amu_amount == 15_000


def test_pay_below_smig_is_raised_to_smig() -> None:
    assessment = one_worker(45_000)
    assert assessment.gross_payroll == 45_000
    assert assessment.base == 52_500
    assert all(line.base == 52_500 for line in assessment.lines)


def test_example_b_keeps_the_half_franc_on_the_pension_line_and_cnss_subtotal() -> None:
    assessment = one_worker(45_000)
    assert amounts(assessment)[(Branch.PENSION, Payer.EMPLOYER)] == Fraction(13_125, 2)
    cnss_exact = sum((line.exact for line in assessment.lines if not line.is_amu), Fraction(0))
    assert cnss_exact == Fraction(22_575, 2)  # 11 287.5
    assert assessment.total_exact == Fraction(33_075, 2)  # 16 537.5


def test_example_b_amount_due_is_rounded_half_up_once_to_16538() -> None:
    assessment = one_worker(45_000)
    assert assessment.amount_due == 16_538
    assert assessment.cnss_amount == 11_288
    assert assessment.amu_amount == 16_538 - 11_288


@pytest.mark.parametrize("gross", [0, 45_000, 52_499, 52_501, 150_000, 333_333, 1_234_567])
def test_cnss_and_amu_shares_always_add_up_to_the_amount_due(gross: int) -> None:
    assessment = one_worker(gross)
    assert assessment.cnss_amount + assessment.amu_amount == assessment.amount_due
    assert abs(assessment.amount_due - assessment.total_exact) <= Fraction(1, 2)


def test_employer_specific_occupational_risk_rate_changes_only_that_line() -> None:
    standard = amounts(one_worker(150_000))
    sanctioned = amounts(one_worker(150_000, occupational_risk_bp=400))
    assert sanctioned[(Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER)] == 6_000
    del standard[(Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER)]
    del sanctioned[(Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER)]
    assert sanctioned == standard
    assert one_worker(150_000, occupational_risk_bp=400).amount_due == 47_250 + 3_000


def test_period_before_2024_has_no_amu_lines_and_uses_smig_52500() -> None:
    assessment = one_worker(45_000, ContributionPeriod(2023, 6))
    assert not any(line.is_amu for line in assessment.lines)
    assert assessment.base == 52_500
    assert assessment.amu_amount == 0
    assert assessment.amount_due == assessment.cnss_amount == 11_288


def test_amu_starts_with_the_january_2024_period() -> None:
    assert not any(line.is_amu for line in one_worker(150_000, ContributionPeriod(2023, 12)).lines)
    assert one_worker(150_000, ContributionPeriod(2024, 1)).amu_amount == 15_000


def test_period_in_2022_uses_the_old_smig_35000() -> None:
    assessment = one_worker(30_000, ContributionPeriod(2022, 6))
    assert assessment.base == 35_000
    assert assessment.amount_due == 7_525  # 21.5 % of 35 000


def test_configured_smig_override_applies_from_its_effective_month_only() -> None:
    rulebook = rulebook_with_overrides(
        default_rulebook(), {"smig": [{"effective_from": "2027-01-01", "value": 60000}]})
    assert one_worker(45_000, ContributionPeriod(2026, 12), rulebook).base == 52_500
    assert one_worker(45_000, ContributionPeriod(2027, 1), rulebook).base == 60_000
    assert one_worker(45_000, ContributionPeriod(2027, 1)).base == 52_500  # default untouched


def test_each_worker_is_floored_at_smig_separately() -> None:
    workers = [WorkerPay("A1", 45_000), WorkerPay("A2", 150_000)]
    assessment = assess_workers(MARCH_2026, workers, rulebook=default_rulebook())
    assert assessment.head_count == 2
    assert assessment.gross_payroll == 195_000
    assert assessment.base == 202_500
    assert assessment.amount_due == 63_788  # 31.5 % of 202 500 = 63 787.5


def test_summary_payroll_is_floored_at_head_count_times_smig() -> None:
    rulebook = default_rulebook()
    assert assess_payroll(MARCH_2026, 3, 100_000, rulebook=rulebook).base == 157_500
    assert assess_payroll(MARCH_2026, 2, 195_000, rulebook=rulebook).base == 195_000
    assert assess_payroll(MARCH_2026, 1, 150_000, rulebook=rulebook).amount_due == 47_250


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda rb: assess_workers(MARCH_2026, [], rulebook=rb), "no_workers"),
        (lambda rb: assess_workers(MARCH_2026, [WorkerPay("A1", 50_000), WorkerPay("A2", -1)], rulebook=rb),
         "negative_pay"),
        (lambda rb: assess_payroll(MARCH_2026, 0, 100_000, rulebook=rb), "head_count_below_one"),
        (lambda rb: assess_payroll(MARCH_2026, 2, -5, rulebook=rb), "negative_pay"),
    ],
    ids=["no-workers", "negative-worker-pay", "head-count-zero", "negative-payroll"],
)
def test_invalid_declaration_is_refused_with_a_reason(call, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidDeclarationError) as caught:
        call(default_rulebook())
    assert caught.value.data["reason"] == reason


def test_two_workers_at_45000_and_150000_owe_63788_per_worker_where_the_payroll_path_says_61425() -> None:
    rulebook = default_rulebook()
    per_worker = assess_workers(MARCH_2026, [WorkerPay("A1", 45_000), WorkerPay("A2", 150_000)], rulebook=rulebook)
    # Bases 52 500 (floored) + 150 000 = 202 500; every line exact, the total rounded once, half up.
    assert amounts(per_worker) == {
        (Branch.FAMILY_BENEFITS, Payer.EMPLOYER): 6_075,
        (Branch.OCCUPATIONAL_RISK, Payer.EMPLOYER): 4_050,
        (Branch.PENSION, Payer.EMPLOYER): Fraction(50_625, 2),
        (Branch.PENSION, Payer.EMPLOYEE): 8_100,
        (Branch.AMU, Payer.EMPLOYER): 10_125,
        (Branch.AMU, Payer.EMPLOYEE): 10_125,
    }
    assert per_worker.total_exact == Fraction(127_575, 2)  # 63 787.5
    assert (per_worker.amount_due, per_worker.cnss_amount, per_worker.amu_amount) == (63_788, 43_538, 20_250)
    payroll = assess_payroll(MARCH_2026, 2, 195_000, rulebook=rulebook)
    assert payroll.base == 195_000 and payroll.amount_due == 61_425  # the floor of 2 x SMIG hides the low pay


def test_a_declaration_is_edited_line_by_line_and_keeps_at_least_one_worker() -> None:
    last_month = (WorkerPay("2000101", 45_000), WorkerPay("2000102", 80_000))
    changed = change_pay(last_month, "2000101", 60_000)
    assert changed == (WorkerPay("2000101", 60_000), WorkerPay("2000102", 80_000))
    added = add_worker(changed, WorkerPay("2000103", 150_000))
    assert [w.insured_number for w in added] == ["2000101", "2000102", "2000103"]
    assert remove_worker(added, "2000102") == (WorkerPay("2000101", 60_000), WorkerPay("2000103", 150_000))
    assert last_month[0].gross_pay == 45_000, "the starting point is never changed in place"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda ws: add_worker(ws, WorkerPay("2000101", 1)), "already_listed"),
        (lambda ws: remove_worker(ws[:1], "2000101"), "last_worker"),
        (lambda ws: remove_worker(ws, "2999999"), "not_listed"),
        (lambda ws: change_pay(ws, "2999999", 1), "not_listed"),
        (lambda ws: assess_workers(MARCH_2026, [*ws, ws[0]], rulebook=default_rulebook()), "duplicate_worker"),
    ],
)
def test_impossible_edits_are_refused_with_their_reason(edit: Any, reason: str) -> None:
    workers = (WorkerPay("2000101", 45_000), WorkerPay("2000102", 80_000))
    with pytest.raises(InvalidDeclarationError) as caught:
        edit(workers)
    assert caught.value.data["reason"] == reason


@pytest.mark.parametrize(("pay", "accepted"), [(0, False), (1, True), (52_500, True), (50_000_000, True),
                                               (50_000_001, False), (-5, False)])
def test_a_typed_pay_is_at_least_one_franc_and_at_most_the_dated_ceiling(pay: int, accepted: bool) -> None:
    ceiling = default_rulebook().services.at(MARCH_2026.first_day).max_worker_pay
    if accepted:
        assert check_worker_pay(pay, ceiling) == pay
    else:
        with pytest.raises(InvalidDeclarationError):
            check_worker_pay(pay, ceiling)


def test_the_pay_ceiling_is_a_dated_parameter_that_configuration_can_change() -> None:
    rulebook = rulebook_with_overrides(default_rulebook(), {"services": [
        {"effective_from": "2027-01-01",
         "value": {"reference_validity_days": 15, "quitus_validity_days": 90, "max_worker_pay": 80_000_000}}]})
    assert rulebook.services.at(MARCH_2026.first_day).max_worker_pay == 50_000_000
    assert rulebook.services.at(ContributionPeriod(2027, 1).first_day).max_worker_pay == 80_000_000
