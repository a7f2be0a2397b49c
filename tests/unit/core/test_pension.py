"""Pension simulator and reference pay against the worked examples of rules 3.2-3.4."""
from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from core.domain.individual_accounts import DeclaredPay, IndividualAccount
from core.domain.parameters import PensionRule, default_rulebook, rulebook_with_overrides
from core.domain.parties import InsuredPerson
from core.domain.pension import (DepartureAgeOutOfRangeError, PensionEstimate, PensionOutcome, check_departure_age,
                                 departure_ages, months_at_departure, simulate_pension)
from core.domain.periods import ContributionPeriod

RMM = 150_000
DEFAULT_RULE = default_rulebook().pensions.at(date(2026, 1, 1))
EXACT_THIRD_RULE = rulebook_with_overrides(default_rulebook(), {"pensions": [{
    "effective_from": "2026-01-01",
    "value": {"normal_age": 60, "early_age": 55, "min_months": 180, "base_rate": "1/5",
              "increment_per_12_months": "1/75", "early_reduction_per_year": "1/20",
              "allowance_min_months": 12, "rmm_windows": [36, 60]},
}]}).pensions.at(date(2026, 1, 1))


def simulate(months: int, age: int = 60, rule: PensionRule = DEFAULT_RULE, pay: int | Fraction = RMM) -> PensionEstimate:
    return simulate_pension(departure_age=age, insured_months=months, reference_pay=pay, rule=rule)


def test_270_months_at_60_gives_43965_at_rate_29_31_percent() -> None:
    estimate = simulate(270)
    assert estimate.outcome is PensionOutcome.NORMAL_PENSION
    assert estimate.rate == Fraction(2931, 10_000)
    assert estimate.monthly_amount == 43_965
    assert estimate.reduction == 0
    assert estimate.lump_sum is None


def test_360_months_at_60_gives_59925() -> None:
    assert simulate(360).monthly_amount == 59_925


@pytest.mark.parametrize(("months", "amount"), [(270, 44_000), (360, 60_000)])
def test_exact_four_thirds_percent_increment_gives_round_amounts(months: int, amount: int) -> None:
    assert EXACT_THIRD_RULE.increment_per_12_months == Fraction(1, 75)
    assert EXACT_THIRD_RULE.rmm_windows == (36, 60)
    assert simulate(months, rule=EXACT_THIRD_RULE).monthly_amount == amount


def test_early_pension_at_57_is_reduced_15_percent_to_37370() -> None:
    estimate = simulate(270, age=57)
    assert estimate.outcome is PensionOutcome.EARLY_PENSION
    assert estimate.reduction == Fraction(15, 100)
    assert estimate.monthly_amount == 37_370


def test_early_pension_at_55_is_the_earliest_and_reduced_25_percent() -> None:
    estimate = simulate(180, age=55)
    assert estimate.outcome is PensionOutcome.EARLY_PENSION
    assert estimate.monthly_amount == 22_500  # 20 % x 75 %


def test_late_departure_has_no_reduction() -> None:
    estimate = simulate(270, age=63)
    assert estimate.outcome is PensionOutcome.NORMAL_PENSION
    assert estimate.monthly_amount == 43_965


def test_150_months_at_60_gives_old_age_allowance_lump_sum_of_1800000() -> None:
    estimate = simulate(150)
    assert estimate.outcome is PensionOutcome.OLD_AGE_ALLOWANCE
    assert estimate.lump_sum == 1_800_000
    assert estimate.monthly_amount is None


def test_allowance_holder_below_60_must_wait_until_60() -> None:
    estimate = simulate(150, age=58)
    assert estimate.outcome is PensionOutcome.NOT_YET_ELIGIBLE
    assert estimate.earliest_age == 60
    assert estimate.monthly_amount is None and estimate.lump_sum is None


def test_full_career_below_55_must_wait_until_55() -> None:
    estimate = simulate(200, age=54)
    assert estimate.outcome is PensionOutcome.NOT_YET_ELIGIBLE
    assert estimate.earliest_age == 55


def test_fewer_than_12_months_gives_nothing() -> None:
    assert simulate(11).outcome is PensionOutcome.NOT_ELIGIBLE
    assert simulate(12).outcome is PensionOutcome.OLD_AGE_ALLOWANCE
    assert simulate(12).lump_sum == RMM


def test_179_months_is_a_lump_sum_but_180_months_is_a_pension() -> None:
    short = simulate(179)
    assert short.outcome is PensionOutcome.OLD_AGE_ALLOWANCE
    assert short.lump_sum == 14 * RMM
    full = simulate(180)
    assert full.outcome is PensionOutcome.NORMAL_PENSION
    assert full.rate == Fraction(1, 5)
    assert full.monthly_amount == 30_000


def test_partial_year_beyond_180_months_does_not_raise_the_rate() -> None:
    assert simulate(191).monthly_amount == simulate(180).monthly_amount
    assert simulate(192).monthly_amount == 30_000 + 1_995


@pytest.mark.parametrize(("months", "age"), [(270, 60), (270, 57), (150, 60), (150, 58), (11, 60), (200, 54)])
def test_every_result_is_flagged_as_an_estimate(months: int, age: int) -> None:
    assert simulate(months, age).is_estimate is True


def test_fractional_reference_pay_is_shown_rounded() -> None:
    estimate = simulate(180, pay=Fraction(300_001, 2))
    assert estimate.reference_pay == 150_001
    assert estimate.monthly_amount == 30_000  # 20 % of 150 000.5 = 30 000.1


def test_months_are_projected_to_the_departure_birthday_while_contributing() -> None:
    projected = months_at_departure(insured_months=200, today=date(2026, 1, 1), date_of_birth=date(1966, 7, 1),
                                    departure_age=60, still_contributing=True)
    assert projected == 206


def test_months_are_not_projected_when_no_longer_contributing() -> None:
    assert months_at_departure(insured_months=200, today=date(2026, 1, 1), date_of_birth=date(1966, 7, 1),
                               departure_age=60, still_contributing=False) == 200


def test_months_are_not_projected_when_departure_age_is_already_reached() -> None:
    assert months_at_departure(insured_months=200, today=date(2026, 1, 1), date_of_birth=date(1960, 7, 1),
                               departure_age=60, still_contributing=True) == 200


TODAY = date(2026, 1, 20)  # December 2025 is the newest month of the RMM window


def smig_on(day: date) -> int:
    return default_rulebook().smig.at(day)


def individual_account(prior_months: int, pays: list[int], employer: str = "1000001",
                       newest: ContributionPeriod = ContributionPeriod(2025, 12)) -> IndividualAccount:
    """Pay declared for consecutive months, newest first; 0 leaves the month undeclared (a gap)."""
    person = InsuredPerson("2000002", "Ama K.", date(1970, 5, 10), prior_insured_months=prior_months)
    declared = tuple(DeclaredPay("2000002", newest.plus_months(-i), employer, pay)
                     for i, pay in enumerate(pays) if pay)
    return IndividualAccount(person, declared)


def rmm(acct: IndividualAccount, today: date = TODAY) -> Fraction:
    return acct.reference_pay((36, 60), today=today, smig_on=smig_on)


def test_reference_pay_takes_the_60_month_average_when_it_is_higher() -> None:
    acct = individual_account(0, [100_000] * 36 + [200_000] * 24)  # newest first
    assert acct.average_pay(36, today=TODAY, smig_on=smig_on) == 100_000
    assert rmm(acct) == 140_000


def test_reference_pay_takes_the_36_month_average_when_it_is_higher() -> None:
    acct = individual_account(0, [200_000] * 36 + [100_000] * 24)
    assert rmm(acct) == 200_000


def test_months_without_declared_pay_count_as_zero_in_the_36_and_60_month_averages() -> None:
    # 12 months at 150 000, a 12-month gap, 12 months at 150 000, then nothing older: 24 paid months.
    acct = individual_account(0, [150_000] * 12 + [0] * 12 + [150_000] * 12)
    assert acct.average_pay(36, today=TODAY, smig_on=smig_on) == 100_000  # 3 600 000 / 36, not / 24
    assert acct.average_pay(60, today=TODAY, smig_on=smig_on) == 60_000  # 3 600 000 / 60
    assert rmm(acct) == 100_000


def test_the_window_is_calendar_months_before_the_estimate_date_not_the_last_declared_ones() -> None:
    acct = individual_account(0, [150_000] * 36)  # last pay declared for December 2025
    assert rmm(acct, today=date(2026, 1, 20)) == 150_000
    assert rmm(acct, today=date(2027, 1, 20)) == Fraction(150_000 * 24, 36)  # 2026 had no pay


def test_the_current_month_counts_once_its_pay_is_declared() -> None:
    acct = individual_account(0, [180_000] + [150_000] * 36, newest=ContributionPeriod(2026, 1))
    assert acct.average_pay(36, today=date(2026, 1, 20), smig_on=smig_on) == Fraction(180_000 + 35 * 150_000, 36)


def test_each_month_s_base_is_the_pay_floored_at_the_smig_of_that_month() -> None:
    acct = individual_account(0, [45_000] * 36)  # below the 52 500 SMIG
    assert rmm(acct) == 52_500
    two_jobs = IndividualAccount(acct.person, (*acct.declared, DeclaredPay(
        "2000002", ContributionPeriod(2025, 12), "1000009", 10_000)))
    assert two_jobs.average_pay(36, today=TODAY, smig_on=smig_on) == 52_500 + Fraction(52_500, 36)


def test_insured_months_add_prior_months_and_distinct_declared_periods() -> None:
    acct = individual_account(120, [150_000] * 24)
    second_employer = DeclaredPay("2000002", ContributionPeriod(2025, 12), "1000009", 50_000)
    acct = IndividualAccount(acct.person, (*acct.declared, second_employer))
    assert acct.insured_months == 144  # two employers in December 2025 count once
    assert acct.pay_by_period()[0] == (ContributionPeriod(2025, 12), 200_000)


def test_account_without_declarations_has_zero_reference_pay() -> None:
    acct = individual_account(30, [])
    assert rmm(acct) == 0
    assert acct.insured_months == 30


def test_last_employer_is_named_when_its_name_is_known() -> None:
    acct = individual_account(0, [150_000] * 3, employer="1000002")
    named = IndividualAccount(acct.person, acct.declared, employer_names=(("1000002", "PHARMACIE DE LA PAIX SARL"),))
    assert (acct.last_employer_name, named.last_employer_name) == (None, "PHARMACIE DE LA PAIX SARL")


@pytest.mark.parametrize(("current_age", "ages"), [(40, range(55, 66)), (55, range(55, 66)), (60, range(60, 66)),
                                                   (65, range(65, 66)), (67, range(67, 68))])
def test_departure_ages_start_at_the_current_age_once_past_55(current_age: int, ages: range) -> None:
    assert departure_ages(current_age, DEFAULT_RULE) == ages


def test_an_age_already_passed_is_refused() -> None:
    person = InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15))
    ages = departure_ages(person.age_on(date(2026, 11, 23)), DEFAULT_RULE)
    assert (ages[0], ages[-1]) == (60, 65)
    with pytest.raises(DepartureAgeOutOfRangeError) as raised:
        check_departure_age(55, ages)
    assert raised.value.data == {"age": 55, "min_age": 60, "max_age": 65}
    check_departure_age(60, ages)


def test_the_last_simulated_age_is_a_dated_parameter() -> None:
    later = rulebook_with_overrides(default_rulebook(), {"pensions": [{
        "effective_from": "2027-01-01",
        "value": {"normal_age": 60, "early_age": 55, "min_months": 180, "base_rate": "1/5",
                  "increment_per_12_months": "133/10000", "early_reduction_per_year": "1/20",
                  "allowance_min_months": 12, "rmm_windows": [36, 60], "max_simulated_age": 70},
    }]}).pensions
    assert departure_ages(50, later.at(date(2026, 12, 31)))[-1] == 65
    assert departure_ages(50, later.at(date(2027, 1, 1)))[-1] == 70
