"""Sessions rebuilt from hop records: outcomes, per-screen daily counts, hops per hour (pure functions)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.domain.ussd_hops import (
    ABANDONED,
    IN_PROGRESS,
    LOCK_SCREENS,
    PIN_SCREEN,
    RecordedHop,
    ScreenDay,
    bucket_of,
)

DayOf = Callable[[datetime], date]


@dataclass(frozen=True, slots=True)
class SessionWindow:
    """What to count: hops in [start, end), sessions idle for ``ttl`` before ``now`` abandoned."""

    start: datetime
    end: datetime
    now: datetime
    ttl: timedelta

    def holds(self, instant: datetime) -> bool:
        """Whether ``instant`` falls in [start, end)."""
        return self.start <= instant < self.end


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """One session: who (phone kept whole here, masked on display), when, how many hops, how it ended."""

    provider: str
    session_id: str
    msisdn: str
    started_at: datetime
    last_at: datetime
    hops: int
    last_screen: str
    outcome: str  # the final screen id, "abandoned" or "in_progress"


def sessions(hops: Iterable[RecordedHop]) -> dict[tuple[str, str], list[RecordedHop]]:
    """Hops grouped by (provider, session id), each session's hops in time order."""
    grouped: dict[tuple[str, str], list[RecordedHop]] = defaultdict(list)
    for hop in hops:
        grouped[(hop.provider, hop.session_id)].append(hop)
    for session in grouped.values():
        session.sort(key=lambda hop: hop.at)
    return grouped


def outcome_of(session: Sequence[RecordedHop], now: datetime, ttl: timedelta) -> str:
    """The final screen a session ended on; "abandoned" when left waiting longer than ``ttl``; else in progress."""
    last = session[-1]
    if last.final:
        return last.screen
    return ABANDONED if last.at + ttl <= now else IN_PROGRESS


def session_outcomes(hops: Iterable[RecordedHop], window: SessionWindow) -> list[SessionOutcome]:
    """The sessions whose first hop falls in the window, newest first."""
    found = [SessionOutcome(provider, session_id, session[0].msisdn, session[0].at, session[-1].at, len(session),
                            session[-1].screen, outcome_of(session, window.now, window.ttl))
             for (provider, session_id), session in sessions(hops).items() if window.holds(session[0].at)]
    return sorted(found, key=lambda outcome: outcome.started_at, reverse=True)


def screen_days(hops: Iterable[RecordedHop], window: SessionWindow, day_of: DayOf) -> list[ScreenDay]:
    """Per-screen daily counts of the window; give it hops from ``ttl`` before to ``ttl`` after, so sessions
    crossing the window's edges end where they really end."""
    rows: dict[tuple[date, str, str], ScreenDay] = {}

    def row(hop: RecordedHop) -> ScreenDay:
        key = (day_of(hop.at), hop.provider, hop.screen)
        if key not in rows:
            rows[key] = ScreenDay(*key)
        return rows[key]

    for session in sessions(hops).values():
        inside = [hop for hop in session if window.holds(hop.at)]
        for hop in inside:
            counted = row(hop)
            counted.hops += 1
            counted.invalid_inputs += hop.error is not None
            counted.sessions_started += hop.new_session and not hop.repeat
            counted.latency[bucket_of(hop.duration_ms)] += 1
        for key in {(day_of(hop.at), hop.provider, hop.screen) for hop in inside}:
            rows[key].sessions_reached += 1
        for before, hop in zip(session, session[1:]):
            if window.holds(hop.at) and before.screen == PIN_SCREEN and hop.screen in LOCK_SCREENS:
                row(hop).lockouts += 1
        last = session[-1]
        if window.holds(last.at):
            outcome = outcome_of(session, window.now, window.ttl)
            if last.final:
                row(last).sessions_ended += 1
            elif outcome == ABANDONED:
                row(last).abandoned += 1
    return sorted(rows.values(), key=lambda r: (r.day, r.provider, r.screen))


def hops_per_hour(hops: Iterable[RecordedHop], window: SessionWindow,
                  hour_of: Callable[[datetime], int]) -> list[int]:
    """How many hops arrived in each hour (0-23, business time) of the window."""
    counts = [0] * 24
    for hop in hops:
        if window.holds(hop.at):
            counts[hour_of(hop.at)] += 1
    return counts
