"""Parsers of typed input: each returns a typed value or raises ``InvalidInput`` with a text key."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.domain.errors import InvalidContributionPeriodError
from core.domain.periods import ContributionPeriod
from menus.dsl import InvalidInput


def number_between(low: int, high: int, error: str = "common.number_range") -> Callable[[Any, str], int]:
    """A whole number typed on the keypad, within [low, high]."""

    def parse(_ctx: Any, text: str) -> int:
        if not text.isascii() or not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
            raise InvalidInput(error, min=low, max=high)
        return int(text)

    return parse


def digits(length: int, error: str) -> Callable[[Any, str], str]:
    """Exactly ``length`` digits (a PIN, an activation code)."""

    def parse(_ctx: Any, text: str) -> str:
        if len(text) != length or not text.isascii() or not text.isdigit():
            raise InvalidInput(error)
        return text

    return parse


def month_year(_ctx: Any, text: str) -> ContributionPeriod:
    """A period typed as MMAAAA (``102026``)."""
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        raise InvalidInput("decl.period_format")
    try:
        return ContributionPeriod(int(text[2:]), int(text[:2]))
    except InvalidContributionPeriodError as exc:
        raise InvalidInput("decl.period_format") from exc


def amount(low: int, high: int) -> Callable[[Any, str], int]:
    """Francs typed without separators."""
    return number_between(low, high, "common.amount_range")
