"""Sessions rebuilt from hop records: outcomes, per-screen daily counts, lockouts and latency percentiles."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from core.domain.hop_summaries import SessionWindow, hops_per_hour, screen_days, session_outcomes
from core.domain.ussd_hops import (
    LATENCY_BOUNDS_MS,
    RecordedHop,
    bucket_of,
    empty_histogram,
    histogram_percentile,
    percentile,
)

DAY = datetime(2026, 11, 23, tzinfo=timezone.utc)
TTL = timedelta(minutes=5)
WINDOW = SessionWindow(DAY, DAY + timedelta(days=1), DAY + timedelta(days=2), TTL)


def hop(session: str, minute: float, screen: str, *, final: bool = False, new: bool = False, error: str | None = None,
        ms: float = 40.0, provider: str = "at") -> RecordedHop:
    """A hop ``minute`` minutes after midnight of DAY."""
    return RecordedHop(provider, session, "+22890112233", "*909#", "61501", DAY + timedelta(minutes=minute), ms,
                       screen, final, new, error=error)


def _day_of(at: datetime) -> date:
    return at.date()


def journeys() -> list[RecordedHop]:
    """s1 pays (ends on contrib.reference_issued), s2 gives up on contrib.amount, s3 gets locked out."""
    return [
        hop("s1", 600, "auth.pin", new=True), hop("s1", 601, "employer.home"), hop("s1", 602, "contrib.amount"),
        hop("s1", 603, "contrib.reference_issued", final=True),
        hop("s2", 610, "auth.pin", new=True), hop("s2", 611, "employer.home"),
        hop("s2", 612, "contrib.amount", error="common.invalid_amount"), hop("s2", 612.5, "contrib.amount"),
        hop("s3", 620, "auth.pin", new=True), hop("s3", 621, "auth.pin", error="auth.pin_wrong"),
        hop("s3", 622, "auth.locked", final=True),
    ]


def test_each_session_ends_on_its_final_screen_or_is_abandoned_once_idle_past_the_ttl() -> None:
    outcomes = {o.session_id: o.outcome for o in session_outcomes(journeys(), WINDOW)}
    assert outcomes == {"s1": "contrib.reference_issued", "s2": "abandoned", "s3": "auth.locked"}
    still_typing = SessionWindow(DAY, DAY + timedelta(days=1), DAY + timedelta(minutes=614), TTL)
    assert {o.session_id: o.outcome for o in session_outcomes(journeys(), still_typing)}["s2"] == "in_progress"


def test_screen_counts_show_where_sessions_went_on_ended_or_gave_up() -> None:
    rows = {row.screen: row for row in screen_days(journeys(), WINDOW, _day_of)}
    amount = rows["contrib.amount"]
    assert (amount.sessions_reached, amount.hops, amount.abandoned, amount.sessions_ended) == (2, 3, 1, 0)
    assert amount.invalid_inputs == 1
    assert (rows["auth.pin"].sessions_started, rows["auth.pin"].sessions_reached) == (3, 3)
    assert rows["contrib.reference_issued"].sessions_ended == 1
    assert rows["auth.locked"].lockouts == 1 and rows["auth.pin"].invalid_inputs == 1


def test_a_redial_while_locked_is_not_a_new_lockout() -> None:
    redial = [hop("s4", 700, "auth.locked", new=True, final=True)]
    rows = {row.screen: row for row in screen_days(journeys() + redial, WINDOW, _day_of)}
    assert rows["auth.locked"].sessions_reached == 2 and rows["auth.locked"].lockouts == 1


def test_a_session_crossing_midnight_ends_on_the_day_of_its_last_hop() -> None:
    late = [hop("s5", 24 * 60 - 1, "auth.pin", new=True), hop("s5", 24 * 60 + 1, "employer.home")]
    rows = screen_days(late, WINDOW, _day_of)
    assert [(r.screen, r.abandoned, r.sessions_started) for r in rows] == [("auth.pin", 0, 1)]


def test_hops_per_hour_count_each_hop_in_its_hour() -> None:
    counts = hops_per_hour(journeys(), WINDOW, lambda at: at.hour)
    assert counts[10] == 11 and sum(counts) == 11


def test_latency_is_exact_from_durations_and_an_upper_bound_from_the_histogram() -> None:
    durations = sorted(float(ms) for ms in range(1, 101))
    assert (percentile(durations, 50), percentile(durations, 95), percentile(durations, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 50) == 0.0
    histogram = empty_histogram()
    for ms in durations:
        histogram[bucket_of(ms)] += 1
    assert histogram_percentile(histogram, 50) == 50.0 and histogram_percentile(histogram, 95) == 100.0
    assert bucket_of(LATENCY_BOUNDS_MS[-1] + 1) == len(LATENCY_BOUNDS_MS)  # the open last bucket
    slow = empty_histogram()
    slow[-1] = 3
    assert histogram_percentile(slow, 99) == float(LATENCY_BOUNDS_MS[-1])
