"""USSD hop records and their daily roll-up: screens, timings and outcomes, never what was typed."""
from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

# Upper bounds (ms) of the latency histogram kept forever per day and screen; one more bucket above the last.
LATENCY_BOUNDS_MS: Final[tuple[int, ...]] = (10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000,
                                             3000, 5000)
# Screens that tell the caller USSD access is locked (menus/screens/auth.py); reached from the PIN screen,
# they are a lockout; reached on a redial, a refusal while locked.
LOCK_SCREENS: Final[frozenset[str]] = frozenset({"auth.locked", "auth.locked_day", "auth.blocked"})
PIN_SCREEN: Final = "auth.pin"
ABANDONED: Final = "abandoned"
IN_PROGRESS: Final = "in_progress"


@dataclass(frozen=True, slots=True)
class RecordedHop:
    """One answered hop as stored: the phone whole (shown masked), the screen id, never the input."""

    provider: str
    session_id: str
    msisdn: str
    service_code: str
    network_code: str
    at: datetime
    duration_ms: float
    screen: str
    final: bool
    new_session: bool
    repeat: bool = False
    error: str | None = None


def empty_histogram() -> list[int]:
    """Zero counts, one per latency bucket."""
    return [0] * (len(LATENCY_BOUNDS_MS) + 1)


def bucket_of(duration_ms: float) -> int:
    """The histogram bucket of a duration (the first bound at or above it, or the open last bucket)."""
    return bisect_left(LATENCY_BOUNDS_MS, math.ceil(duration_ms))


@dataclass(slots=True)
class ScreenDay:
    """One provider's traffic on one screen during one business day (the kept-forever aggregate)."""

    day: date
    provider: str
    screen: str
    hops: int = 0
    sessions_reached: int = 0  # distinct sessions that saw the screen
    sessions_started: int = 0  # sessions whose first screen it was
    sessions_ended: int = 0  # sessions that ended on it (a final screen)
    abandoned: int = 0  # sessions whose last hop left the caller on it, waiting (a CON screen)
    invalid_inputs: int = 0
    lockouts: int = 0  # sessions locked out by a wrong PIN right on this (lock) screen
    latency: list[int] = field(default_factory=empty_histogram)

    def add(self, other: ScreenDay) -> None:
        """Add another day's (or provider's) counts to these."""
        self.hops += other.hops
        self.sessions_reached += other.sessions_reached
        self.sessions_started += other.sessions_started
        self.sessions_ended += other.sessions_ended
        self.abandoned += other.abandoned
        self.invalid_inputs += other.invalid_inputs
        self.lockouts += other.lockouts
        self.latency = [a + b for a, b in zip(self.latency, other.latency, strict=True)]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0-100) of sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])


def histogram_percentile(counts: Sequence[int], q: float) -> float:
    """Percentile ``q`` estimated from bucket counts: the upper bound of the bucket holding it.

    The open last bucket answers its lower bound (the slowest hops were at least that slow).
    """
    total = sum(counts)
    if total == 0:
        return 0.0
    rank, seen = max(1, math.ceil(q / 100 * total)), 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return float(LATENCY_BOUNDS_MS[min(index, len(LATENCY_BOUNDS_MS) - 1)])
    return float(LATENCY_BOUNDS_MS[-1])
