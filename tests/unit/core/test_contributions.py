"""Contribution assessment against the worked examples of rules 1.5 (rates, SMIG floor, rounding, dated parameters)."""
from __future__ import annotations

from fractions import Fraction

import pytest

from core.domain.contributions import (
    Branch,
    ContributionAssessment,
    Payer,
    WorkerPay,
    assess_payroll,
    assess_workers,
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
