"""Voluntary insurance and self-employed contributions to the franc, eligibility, and their dated parameters."""
from __future__ import annotations

from datetime import date

import pytest

from core.domain.parameters import default_rulebook, rulebook_with_overrides
from core.domain.voluntary import NotEligibleError, Rhythm, Scheme, check_income, check_voluntary, contribution

RULES = default_rulebook()
RULE = RULES.voluntary.at(date(2026, 11, 23))
SMIG = RULES.smig.at(date(2026, 11, 23))


@pytest.mark.parametrize(("scheme", "income", "rhythm", "monthly", "amount"), [
    (Scheme.VOLUNTARY, 52_500, Rhythm.MONTHLY, 8_663, 8_663),  # 8 662.5 half up
    (Scheme.VOLUNTARY, 52_500, Rhythm.QUARTERLY, 8_663, 25_988),  # 25 987.5, rounded once (not 3 x 8 663)
    (Scheme.VOLUNTARY, 52_500, Rhythm.HALF_YEARLY, 8_663, 51_975),
    (Scheme.VOLUNTARY, 52_500, Rhythm.YEARLY, 8_663, 103_950),
    (Scheme.VOLUNTARY, 150_000, Rhythm.QUARTERLY, 24_750, 74_250),
    (Scheme.SELF_EMPLOYED, 52_500, Rhythm.MONTHLY, 11_288, 11_288),  # 11 287.5 half up
    (Scheme.SELF_EMPLOYED, 52_500, Rhythm.QUARTERLY, 11_288, 33_863),  # 33 862.5
    (Scheme.SELF_EMPLOYED, 100_000, Rhythm.YEARLY, 21_500, 258_000),
    (Scheme.SELF_EMPLOYED, 45_000, Rhythm.MONTHLY, 11_288, 11_288),  # floored at the SMIG 52 500
    (Scheme.INFORMAL, 100_000, Rhythm.HALF_YEARLY, 19_500, 117_000),
])
def test_the_contribution_is_exact_to_the_franc(scheme: Scheme, income: int, rhythm: Rhythm, monthly: int,
                                                amount: int) -> None:
    quoted = contribution(scheme, income, rhythm, smig=SMIG, rule=RULE)
    assert (quoted.monthly, quoted.amount, quoted.base) == (monthly, amount, max(income, SMIG))


def test_rates_and_conditions_are_dated_parameters_that_configuration_overrides() -> None:
    changed = rulebook_with_overrides(RULES, {"voluntary": [{"effective_from": "2027-01-01", "value": {
        "voluntary_bp": 1800, "self_employed_bp": 2150, "informal_bp": 1950, "rhythms": [1, 12],
        "min_insured_months": 12, "months_to_apply": 6, "max_income": 50_000_000}}]})
    before, after = changed.voluntary.at(date(2026, 12, 31)), changed.voluntary.at(date(2027, 1, 1))
    assert (before.voluntary_bp, before.min_insured_months, before.rhythms) == (1650, 6, (1, 3, 6, 12))
    assert (after.voluntary_bp, after.min_insured_months, after.rhythms) == (1800, 12, (1, 12))
    assert contribution(Scheme.VOLUNTARY, 100_000, Rhythm.MONTHLY, smig=SMIG, rule=after).amount == 18_000


@pytest.mark.parametrize(("months", "left_on", "reason"), [
    (5, date(2026, 6, 1), "insured_months"),
    (6, date(2025, 11, 22), "too_late"),  # 12 months and a day
    (6, date(2026, 11, 24), "left_on"),  # tomorrow
    (600, date(1959, 12, 31), "left_on"),
])
def test_voluntary_insurance_refusals_say_why(months: int, left_on: date, reason: str) -> None:
    with pytest.raises(NotEligibleError) as refused:
        check_voluntary(months, left_on, date(2026, 11, 23), RULE)
    assert refused.value.reason == reason


def test_six_months_and_twelve_months_to_the_day_are_eligible() -> None:
    check_voluntary(6, date(2025, 11, 23), date(2026, 11, 23), RULE)
    check_voluntary(6, date(2026, 11, 23), date(2026, 11, 23), RULE)


def test_the_income_is_at_least_the_smig_and_not_a_typo() -> None:
    check_income(SMIG, SMIG, RULE)
    for income, reason in ((SMIG - 1, "income_below_smig"), (50_000_001, "income_too_high")):
        with pytest.raises(NotEligibleError) as refused:
            check_income(income, SMIG, RULE)
        assert refused.value.reason == reason
