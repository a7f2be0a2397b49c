"""Periods and deadlines, phone numbers, CNSS identifiers and quitus eligibility as users type and see them."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.domain.accounts import ContributorAccount, EntryKind, LedgerEntry
from core.domain.errors import (
    InvalidContributionPeriodError,
    InvalidIdentifierError,
    InvalidPhoneNumberError,
)
from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind, parse_identifier
from core.domain.periods import ContributionPeriod, Periodicity, months_or_part_months
from core.domain.requests import quitus_eligibility

MARCH = ContributionPeriod(2026, 3)


@pytest.mark.parametrize("raw", ["2026-03", "202603", " 2026-03 "])
def test_period_is_parsed_from_dashed_or_compact_form(raw: str) -> None:
    period = ContributionPeriod.parse(raw)
    assert period == MARCH
    assert str(period) == "2026-03" and period.label == "03/2026"


@pytest.mark.parametrize("raw", ["", "2026-13", "2026-00", "2026-3", "26-03", "2026/03", "mars 2026", "1899-12",
                                 "2026-03-01", "2026--03"])
def test_bad_period_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidContributionPeriodError):
        ContributionPeriod.parse(raw)


@pytest.mark.parametrize(
    ("period", "periodicity", "deadline"),
    [
        (MARCH, Periodicity.MONTHLY, date(2026, 4, 15)),
        (ContributionPeriod(2026, 12), Periodicity.MONTHLY, date(2027, 1, 15)),
        (ContributionPeriod(2026, 2), Periodicity.QUARTERLY, date(2026, 4, 15)),
        (ContributionPeriod(2026, 1), Periodicity.QUARTERLY, date(2026, 4, 15)),
        (ContributionPeriod(2026, 3), Periodicity.QUARTERLY, date(2026, 4, 15)),
        (ContributionPeriod(2026, 4), Periodicity.QUARTERLY, date(2026, 7, 15)),
        (ContributionPeriod(2026, 12), Periodicity.QUARTERLY, date(2027, 1, 15)),
        (ContributionPeriod(2026, 11), Periodicity.QUARTERLY, date(2027, 1, 15)),
    ],
)
def test_payment_deadline_is_the_15th_after_the_month_or_quarter(
        period: ContributionPeriod, periodicity: Periodicity, deadline: date) -> None:
    assert period.payment_deadline(15, periodicity) == deadline


def test_late_due_day_is_clamped_to_the_end_of_a_short_month() -> None:
    assert ContributionPeriod(2026, 1).payment_deadline(31) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 7, 15), date(2026, 7, 15), 0),
        (date(2026, 7, 15), date(2026, 7, 16), 1),
        (date(2026, 7, 15), date(2026, 8, 15), 1),
        (date(2026, 7, 15), date(2026, 8, 16), 2),
        (date(2026, 7, 15), date(2026, 8, 20), 2),
        (date(2026, 8, 20), date(2026, 7, 15), 0),
    ],
)
def test_months_or_part_months_counts_each_started_month(start: date, end: date, count: int) -> None:
    assert months_or_part_months(start, end) == count


@pytest.mark.parametrize(
    ("months", "expected"),
    [(1, ContributionPeriod(2026, 4)), (10, ContributionPeriod(2027, 1)), (-3, ContributionPeriod(2025, 12)),
     (0, MARCH), (24, ContributionPeriod(2028, 3))],
)
def test_plus_months_crosses_years(months: int, expected: ContributionPeriod) -> None:
    assert MARCH.plus_months(months) == expected
    assert MARCH.months_until(expected) == months


@pytest.mark.parametrize(
    "raw", ["+22890112233", "90 11 22 33", "90112233", "0022890112233", "00 228 90 11 22 33", "228 90112233",
            "+228 90-11-22-33"])
def test_togo_number_in_any_usual_form_becomes_e164(raw: str) -> None:
    number = Msisdn.parse(raw)
    assert number.e164 == "+22890112233"
    assert number.national == "90 11 22 33"
    assert number.is_mobile


@pytest.mark.parametrize("raw", ["70 12 34 56", "79 12 34 56", "96 12 34 56", "99 12 34 56"])
def test_numbers_of_both_operators_are_mobile(raw: str) -> None:
    assert Msisdn.parse(raw).is_mobile


def test_landline_is_valid_but_not_mobile() -> None:
    assert not Msisdn.parse("22 25 96 96").is_mobile


@pytest.mark.parametrize("raw", ["+228 1234", "abc", "", "   ", "9011223", "901122334"])
def test_invalid_phone_number_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumberError) as caught:
        Msisdn.parse(raw)
    assert caught.value.data["reason"] in ("empty", "unparseable", "invalid_number")


def test_masked_togo_number_hides_all_but_the_last_four_digits() -> None:
    masked = Msisdn.parse("90 11 22 33").masked
    assert masked == "****2233"
    assert "9011" not in masked


def test_masked_foreign_number_hides_all_but_the_last_four_national_digits() -> None:
    masked = Msisdn.parse("+33 6 12 34 56 78").masked
    assert masked.endswith("5678")
    assert masked == "****5678"


def test_employer_number_of_digits_is_accepted() -> None:
    assert parse_identifier("1000001", HolderKind.EMPLOYER) == "1000001"
    assert parse_identifier(" 1000001 ", HolderKind.EMPLOYER) == "1000001"


@pytest.mark.parametrize("raw", ["10000A1", "1234", "12345678901234", "", "100 0001", "١٠٠٠٠٠١"])
def test_malformed_identifier_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        parse_identifier(raw, HolderKind.INSURED)
    assert caught.value.data["kind"] == "insured"


def ledger(*entries: LedgerEntry) -> ContributorAccount:
    return ContributorAccount("1000001", entries, deadline=lambda p: p.payment_deadline(15))


def movement(kind: EntryKind, amount: int, day: date, step: int | None = None) -> LedgerEntry:
    return LedgerEntry("1000001", kind, amount, day, datetime(2026, 4, 1, tzinfo=timezone.utc), period=MARCH,
                       surcharge_step=step)


def test_quitus_is_granted_when_nothing_is_overdue() -> None:
    acct = ledger(movement(EntryKind.CONTRIBUTION_DUE, 500_000, date(2026, 4, 1)),
                  movement(EntryKind.PAYMENT, 500_000, date(2026, 4, 15)))
    result = quitus_eligibility(acct, date(2026, 6, 1))
    assert (result.eligible, result.overdue_amount, result.unpaid_periods) == (True, 0, 0)


def test_quitus_is_refused_with_the_overdue_amount_including_surcharges() -> None:
    acct = ledger(movement(EntryKind.CONTRIBUTION_DUE, 500_000, date(2026, 4, 1)),
                  movement(EntryKind.SURCHARGE, 25_000, date(2026, 4, 16), step=0),
                  movement(EntryKind.PAYMENT, 500_000, date(2026, 4, 30)))
    result = quitus_eligibility(acct, date(2026, 6, 1))
    assert (result.eligible, result.overdue_amount, result.unpaid_periods) == (False, 25_000, 1)


def test_quitus_is_granted_before_the_deadline_even_if_unpaid() -> None:
    acct = ledger(movement(EntryKind.CONTRIBUTION_DUE, 500_000, date(2026, 4, 1)))
    assert quitus_eligibility(acct, date(2026, 4, 15)).eligible is True
    assert quitus_eligibility(acct, date(2026, 4, 16)).overdue_amount == 500_000


def test_phone_numbers_are_redacted_from_log_text_even_url_encoded() -> None:
    from core.domain.msisdn import redact_phones

    line = 'GET /x?phone=%2B22890112233&b=+22890112233&c=0022890112233&d=22890112233 ref 123456'
    assert redact_phones(line) == "GET /x?phone=****2233&b=****2233&c=****2233&d=****2233 ref 123456"
