"""The single half-up rounding rule and the GSM-7-safe FCFA display format (rules 1.5 and 7)."""
from __future__ import annotations

from fractions import Fraction

import pytest

from core.domain.money import format_xof, round_half_up


@pytest.mark.parametrize(
    ("exact", "francs"),
    [
        (Fraction(22_575, 2), 11_288),  # 11 287.5, example B
        (Fraction(33_075, 2), 16_538),  # 16 537.5
        (Fraction(1, 2), 1),
        (Fraction(5, 2), 3),  # half-even would give 2
        (Fraction(7, 2), 4),
    ],
)
def test_exact_half_franc_rounds_up(exact: Fraction, francs: int) -> None:
    assert round_half_up(exact) == francs


def test_just_below_and_above_half_round_to_nearest() -> None:
    assert round_half_up(Fraction(249_999, 100_000)) == 2
    assert round_half_up(Fraction(250_001, 100_000)) == 3


@pytest.mark.parametrize(("exact", "francs"), [(Fraction(-5, 2), -3), (Fraction(-1, 2), -1), (Fraction(-7, 3), -2)])
def test_negative_amounts_round_away_from_zero_on_the_half(exact: Fraction, francs: int) -> None:
    assert round_half_up(exact) == francs


@pytest.mark.parametrize("value", [0, 1, 47_250, -32_250, 10**15])
def test_whole_francs_are_unchanged(value: int) -> None:
    result = round_half_up(value)
    assert result == value
    assert type(result) is int


def test_thirds_round_to_the_nearest_franc() -> None:
    assert round_half_up(Fraction(1, 3)) == 0
    assert round_half_up(Fraction(2, 3)) == 1
    assert round_half_up(Fraction(150_001, 3)) == 50_000


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (150_000, "150 000 FCFA"),
        (52_500, "52 500 FCFA"),
        (1_800_000, "1 800 000 FCFA"),
        (999, "999 FCFA"),
        (0, "0 FCFA"),
        (-25_000, "-25 000 FCFA"),
    ],
)
def test_amounts_are_shown_with_space_thousands_and_fcfa(amount: int, text: str) -> None:
    assert format_xof(amount) == text


def test_formatted_amount_is_plain_ascii_for_gsm7_sms() -> None:
    text = format_xof(1_234_567)
    assert text.isascii()
    assert "\u202f" not in text and "\u00a0" not in text
    assert len(text.encode("ascii")) == len(text)


@pytest.mark.parametrize("bad", [11_287.5, Fraction(22_575, 2), "150000", None])
def test_formatting_a_non_integer_amount_raises_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        format_xof(bad)  # type: ignore[arg-type]
