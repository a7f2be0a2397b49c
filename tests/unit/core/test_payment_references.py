"""Payment reference codes: MOD 97-10 check digits catch keypad typos; status derived from the clock."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.errors import InvalidPaymentReferenceError
from core.domain.payment_references import (
    PaymentReference,
    ReferenceStatus,
    check_digits,
    display_reference,
    generate_reference_code,
    parse_reference_code,
    reference_from_body,
)
from core.domain.periods import ContributionPeriod

VALID = "311050152686"
bodies = st.integers(min_value=10**9, max_value=10**10 - 1).map(str)


def rejection_reason(raw: str) -> str:
    with pytest.raises(InvalidPaymentReferenceError) as caught:
        parse_reference_code(raw)
    return str(caught.value.data["reason"])


@pytest.mark.parametrize("seed", range(20))
def test_generated_codes_are_12_digits_without_leading_zero_and_parse(seed: int) -> None:
    code = generate_reference_code(random.Random(seed).randrange)
    assert len(code) == 12 and code.isascii() and code.isdigit()
    assert code[0] != "0"
    assert parse_reference_code(code) == code


@pytest.mark.parametrize("pick", [lambda n: 0, lambda n: n - 1], ids=["lowest", "highest"])
def test_extreme_random_draws_still_give_valid_codes(pick) -> None:  # type: ignore[no-untyped-def]
    code = generate_reference_code(pick)
    assert len(code) == 12 and code[0] in "19"
    assert parse_reference_code(code) == code


def test_default_generator_uses_fresh_randomness() -> None:
    codes = {generate_reference_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(parse_reference_code(code) == code for code in codes)


def test_check_digits_make_the_number_one_modulo_97() -> None:
    assert check_digits("3110501526") == "86"
    assert reference_from_body("3110501526") == VALID
    assert int(VALID) % 97 == 1


@settings(database=None)
@given(bodies)
def test_every_single_digit_typo_is_rejected(body: str) -> None:
    code = reference_from_body(body)
    for position, digit in enumerate(code):
        for other in "0123456789":
            if other != digit:
                typo = code[:position] + other + code[position + 1:]
                assert rejection_reason(typo) in ("check_digits", "format"), typo


@settings(database=None)
@given(bodies)
def test_every_swap_of_two_adjacent_different_digits_is_rejected(body: str) -> None:
    code = reference_from_body(body)
    for position in range(len(code) - 1):
        left, right = code[position], code[position + 1]
        if left != right:
            swapped = code[:position] + right + left + code[position + 2:]
            assert rejection_reason(swapped) in ("check_digits", "format"), swapped


@settings(database=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_seeded_generator_codes_survive_display_and_reparse(seed: int) -> None:
    code = generate_reference_code(random.Random(seed).randrange)
    assert parse_reference_code(display_reference(code)) == code


def test_display_groups_digits_by_four() -> None:
    assert display_reference(VALID) == "3110 5015 2686"


@pytest.mark.parametrize("typed", ["3110 5015 2686", "3110-5015-2686", " 311050152686 ", "31 10 50 15 26 86"])
def test_spaces_and_dashes_typed_by_the_user_are_accepted(typed: str) -> None:
    assert parse_reference_code(typed) == VALID


@pytest.mark.parametrize(
    "typed",
    ["", "31105015268A", "ABCDEFGHIJKL", "31105015268", "3110501526860", "٣١١٠٥٠١٥٢٦٨٦", "31105015268١",
     "3110_5015_2686"],
    ids=["empty", "letter", "letters", "11-digits", "13-digits", "arabic-indic", "one-arabic-indic", "underscore"],
)
def test_malformed_references_are_rejected_as_format(typed: str) -> None:
    assert rejection_reason(typed) == "format"


def test_wrong_check_digits_are_rejected_as_check_digits() -> None:
    assert rejection_reason("311050152687") == "check_digits"


@pytest.mark.parametrize("body", ["", "123456789", "12345678901", "12345abcde"])
def test_reference_body_must_be_ten_digits(body: str) -> None:
    with pytest.raises(InvalidPaymentReferenceError):
        reference_from_body(body)


ISSUED = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
EXPIRES = ISSUED + timedelta(days=15)


def reference() -> PaymentReference:
    return PaymentReference(VALID, "1000001", ContributionPeriod(2026, 3), 525_000, 500_000, 25_000,
                            ISSUED, EXPIRES)


def test_pending_reference_is_pending_until_it_expires() -> None:
    assert reference().status_at(ISSUED) is ReferenceStatus.PENDING
    assert reference().status_at(EXPIRES) is ReferenceStatus.PENDING


def test_pending_reference_past_its_expiry_is_expired() -> None:
    assert reference().status_at(EXPIRES + timedelta(seconds=1)) is ReferenceStatus.EXPIRED


def test_paid_reference_stays_paid_after_expiry() -> None:
    paid = reference().mark_paid(ISSUED + timedelta(days=2))
    assert paid.paid_at == ISSUED + timedelta(days=2)
    assert paid.status_at(EXPIRES + timedelta(days=30)) is ReferenceStatus.PAID


def test_cancelled_reference_stays_cancelled() -> None:
    cancelled = reference().cancelled()
    assert cancelled.status_at(ISSUED) is ReferenceStatus.CANCELLED
    assert cancelled.status_at(EXPIRES + timedelta(days=1)) is ReferenceStatus.CANCELLED
    assert reference().status is ReferenceStatus.PENDING  # the original is unchanged
