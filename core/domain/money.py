"""Integer XOF amounts: the single rounding rule and the GSM-7-safe display format."""
from __future__ import annotations

from fractions import Fraction
from typing import Final

CURRENCY: Final = "XOF"


def round_half_up(value: Fraction | int) -> int:
    """Round an exact amount to the franc, half up (away from zero for negatives).

    This is the only place an exact amount becomes payable francs (rules 1.5,
    ASSUMPTION: half-up on the amount payable, never inside a display formatter).
    """
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    magnitude = abs(exact)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        whole += 1
    return sign * whole


def format_xof(amount: int) -> str:
    """Format francs as SMS/USSD text, e.g. ``150 000 FCFA`` (ASCII spaces, GSM-7 only)."""
    if not isinstance(amount, int):
        raise TypeError("XOF amounts are integers")
    digits = f"{abs(amount):,}".replace(",", " ")
    return f"{'-' if amount < 0 else ''}{digits} FCFA"
