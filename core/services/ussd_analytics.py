"""USSD traffic for the console: sessions by outcome, hops per hour, funnel, latency, refused inputs, lockouts.

Days still holding their raw hops are counted from them; older days (rolled up by retention) from
``ussd_daily_stats``. A day present in both is read from the roll-up only, so nothing is counted twice.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.domain.hop_summaries import SessionOutcome, SessionWindow, hops_per_hour, screen_days, session_outcomes
from core.domain.ussd_hops import (
    LOCK_SCREENS,
    RecordedHop,
    ScreenDay,
    bucket_of,
    empty_histogram,
    histogram_percentile,
    percentile,
)
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory

MAX_PERIOD_DAYS = 92  # a longer period is refused: raw hops of the whole period are read at once
ARCHIVED = "(archive)"  # the error key of refused inputs counted on rolled-up days (no key kept there)


def day_start(clock: Clock, day: date) -> datetime:
    """The UTC instant a business day begins."""
    zone = clock.local(clock.now()).tzinfo
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """Business days ``first`` to ``last`` included, for a clock, with the USSD session lifetime."""

    clock: Clock
    first: date
    last: date
    ttl: timedelta

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the period ends before it starts")
        if (self.last - self.first).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"a period is at most {MAX_PERIOD_DAYS} days")

    def window(self, first: date | None = None, last: date | None = None) -> SessionWindow:
        """The instants of days ``first`` to ``last`` (default: the whole period)."""
        first, last = first or self.first, last or self.last
        return SessionWindow(day_start(self.clock, first), day_start(self.clock, last + timedelta(days=1)),
                             self.clock.now(), self.ttl)


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """A period's per-screen daily counts (rolled-up days, then days counted live) and the live days' hops."""

    stored: list[ScreenDay]
    live: list[ScreenDay]
    raw_hops: list[RecordedHop]

    @property
    def days(self) -> list[ScreenDay]:
        """Every day's counts."""
        return self.stored + self.live


def period_counts(uow: UnitOfWork, period: Period) -> PeriodCounts:
    """Counts of every day of the period: stored roll-ups first, raw hops for the other days."""
    stored = uow.hop_log.stats_between(period.first, period.last)
    stored_days = {row.day for row in stored}
    raw_days = [period.first + timedelta(days=n) for n in range((period.last - period.first).days + 1)]
    raw_days = [day for day in raw_days if day not in stored_days]
    if not raw_days:
        return PeriodCounts(stored, [], [])
    window = period.window(raw_days[0], raw_days[-1])
    hops = uow.hop_log.between(window.start - period.ttl, window.end + period.ttl)
    live = [row for row in screen_days(hops, window, period.clock.business_day) if row.day not in stored_days]
    inside = [hop for hop in hops if window.holds(hop.at) and period.clock.business_day(hop.at) not in stored_days]
    return PeriodCounts(stored, live, inside)


@dataclass(frozen=True, slots=True)
class DayOverview:
    """One day: its sessions (newest first), counted by provider and outcome, and hops per hour."""

    day: date
    sessions: list[SessionOutcome]
    outcomes: list[tuple[str, str, int]]  # (provider, outcome, sessions), most frequent first
    hops_per_hour: list[int]


def day_overview(uow_factory: UnitOfWorkFactory, period: Period) -> DayOverview:
    """Sessions begun on ``period.first`` by outcome and provider, and its hops per hour (business time)."""
    window = period.window(period.first, period.first)
    with uow_factory() as uow:
        hops = uow.hop_log.between(window.start - period.ttl, window.end + period.ttl)
    found = session_outcomes(hops, window)
    counted = Counter((s.provider, s.outcome) for s in found)
    outcomes = sorted(((p, o, n) for (p, o), n in counted.items()), key=lambda row: (-row[2], row[0], row[1]))
    return DayOverview(period.first, found, outcomes,
                       hops_per_hour(hops, window, lambda at: period.clock.local(at).hour))


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """A screen of the journey: sessions that reached it, went on, ended on it or gave up on it."""

    screen: str
    reached: int
    moved_on: int
    ended: int
    abandoned: int

    @property
    def drop_off(self) -> float:
        """Share of the sessions reaching the screen that gave up on it (0 to 1)."""
        return self.abandoned / self.reached if self.reached else 0.0


def _by_screen(days: list[ScreenDay]) -> dict[str, ScreenDay]:
    totals: dict[str, ScreenDay] = {}
    for row in days:
        totals.setdefault(row.screen, ScreenDay(row.day, "*", row.screen)).add(row)
    return totals


def funnel(uow_factory: UnitOfWorkFactory, period: Period) -> list[FunnelStep]:
    """Every screen of the period, the most visited first, with its drop-off."""
    with uow_factory() as uow:
        counts = period_counts(uow, period)
    steps = [FunnelStep(screen, row.sessions_reached,
                        max(0, row.sessions_reached - row.sessions_ended - row.abandoned),
                        row.sessions_ended, row.abandoned) for screen, row in _by_screen(counts.days).items()]
    return sorted(steps, key=lambda step: (-step.reached, step.screen))


@dataclass(frozen=True, slots=True)
class LatencyRow:
    """Hop durations on a screen ("*" for all): p50, p95, p99 in ms; ``estimated`` from the kept histogram."""

    screen: str
    hops: int
    p50: float
    p95: float
    p99: float
    estimated: bool


def _latency_row(screen: str, durations: list[float], histogram: list[int]) -> LatencyRow:
    if not any(histogram):
        ordered = sorted(durations)
        p50, p95, p99 = (percentile(ordered, q) for q in (50, 95, 99))
        return LatencyRow(screen, len(ordered), p50, p95, p99, estimated=False)
    counts = list(histogram)
    for duration in durations:
        counts[bucket_of(duration)] += 1
    p50, p95, p99 = (histogram_percentile(counts, q) for q in (50, 95, 99))
    return LatencyRow(screen, sum(counts), p50, p95, p99, estimated=True)


def latency(uow_factory: UnitOfWorkFactory, period: Period) -> list[LatencyRow]:
    """Hop latency percentiles of the period, overall first, then the slowest screens (by p95).

    Exact from raw hops; estimated from the kept histograms for a row whose hops include a rolled-up day.
    """
    with uow_factory() as uow:
        counts = period_counts(uow, period)
    durations: dict[str, list[float]] = {}
    for hop in counts.raw_hops:
        durations.setdefault(hop.screen, []).append(hop.duration_ms)
    histograms: dict[str, list[int]] = {}
    for row in counts.stored:
        histogram = histograms.setdefault(row.screen, empty_histogram())
        histograms[row.screen] = [a + b for a, b in zip(histogram, row.latency, strict=True)]
    return _latency_rows(durations, histograms)


def _latency_rows(durations: dict[str, list[float]], histograms: dict[str, list[int]]) -> list[LatencyRow]:
    every = sorted(set(durations) | set(histograms))
    overall = _latency_row("*", [d for ds in durations.values() for d in ds],
                           [sum(col) for col in zip(*histograms.values())] if histograms else empty_histogram())
    rows = [_latency_row(screen, durations.get(screen, []), histograms.get(screen, empty_histogram()))
            for screen in every]
    return [overall, *sorted(rows, key=lambda row: (-row.p95, row.screen))]


@dataclass(frozen=True, slots=True)
class InputReport:
    """Refused inputs by screen and refusal, PIN lockouts, and refusals of phones already locked."""

    refused: list[tuple[str, str, int]]  # (screen, error key, count), most frequent first
    lockouts: int
    refused_while_locked: int


def refused_inputs(uow_factory: UnitOfWorkFactory, period: Period) -> InputReport:
    """What callers typed that was refused (the screen and refusal, never the input) and PIN lockouts."""
    with uow_factory() as uow:
        counts = period_counts(uow, period)
    refused = Counter((hop.screen, hop.error or "") for hop in counts.raw_hops if hop.error is not None)
    for row in counts.stored:
        if row.invalid_inputs:
            refused[(row.screen, ARCHIVED)] += row.invalid_inputs
    lockouts = sum(row.lockouts for row in counts.days)
    on_lock = sum(row.sessions_reached for row in counts.days if row.screen in LOCK_SCREENS)
    rows = sorted(((s, e, n) for (s, e), n in refused.items()), key=lambda r: (-r[2], r[0], r[1]))
    return InputReport(rows, lockouts, max(0, on_lock - lockouts))
