"""Display values for screens and SMS: amounts, dates, periods, statuses."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from fractions import Fraction

from core.domain.money import format_xof
from core.domain.periods import ContributionPeriod

# Words that cannot end a clipped name ("PHARMACIE DE LA" reads as cut), and punctuation left at a cut.
_DANGLING_WORDS = frozenset({"DE", "DU", "DES", "D", "LA", "LE", "LES", "L", "ET", "EN", "AU", "AUX", "POUR",
                             "&", "AND", "OF", "THE", "FOR", "-"})
_DEBRIS = " .,;:-&/'(+"


def money(amount: int) -> str:
    """``150 000 FCFA``."""
    return format_xof(amount)


def day(instant: datetime) -> str:
    """``08/12/2026`` (pass a local time: ``Ctx.local``)."""
    return instant.strftime("%d/%m/%Y")


def short_day(instant: datetime) -> str:
    """``08/12``."""
    return instant.strftime("%d/%m")


def period(value: ContributionPeriod | None) -> str:
    """``10/2026``; empty for a whole-balance reference."""
    return value.label if value else ""


def hour(instant: datetime) -> str:
    """``14:30`` (pass a local time: ``Ctx.local``)."""
    return instant.strftime("%H:%M")


def percent(rate: Fraction, language: str) -> str:
    """``26,65%`` in French, ``26.65%`` in English; no trailing zeros."""
    text = f"{float(rate * 100):.2f}".rstrip("0").rstrip(".") + "%"
    return text.replace(".", ",") if language == "fr" else text


@lru_cache(maxsize=256)  # a few rates per rulebook: the Fraction arithmetic is not redone on every screen
def basis_points(bp: int, language: str) -> str:
    """A rate given in basis points (1/10,000) as ``percent`` shows it."""
    return percent(Fraction(bp, 10_000), language)


def line_values(lines: list[str], count: int) -> dict[str, str]:
    """``{"line1": ..., "lineN": ...}`` for a screen with ``count`` list lines, blank where missing."""
    padded = (lines + [""] * count)[:count]
    return {f"line{i}": line for i, line in enumerate(padded, start=1)}


def clip_name(name: str, limit: int) -> str:
    """A name cut to ``limit`` characters at a word boundary, without a dangling word or punctuation.

    ``PHARMACIE DE LA PAIX ET DU BIEN ETRE`` at 24 gives ``PHARMACIE DE LA PAIX``; a single word
    longer than the limit is cut hard.
    """
    text = " ".join(name.split())
    if len(text) <= limit:
        return text
    words = text[: limit + 1].split(" ")[:-1] if " " in text[: limit + 1] else [text[:limit]]
    while len(words) > 1 and words[-1].strip(_DEBRIS).upper() in _DANGLING_WORDS | {""}:
        words.pop()
    return " ".join(words).rstrip(_DEBRIS) or text[:limit]
