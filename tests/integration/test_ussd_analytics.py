"""The console's USSD queries and the retention purge, on SQLite and PostgreSQL, with hand-made hop records."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core.adapters.sqlalchemy.retention_repo import BLANKED_BODY
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.delivery_reports import DeliveryReport
from core.domain.inbound import InboundSms
from core.domain.operations import UssdSessionReport
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage
from core.domain.ussd_hops import RecordedHop
from core.services import session_xray, ussd_analytics as analytics
from core.services.retention import purge

TTL = timedelta(minutes=5)
PHONE = "+22890112233"


def hop(day: date, minute: float, session: str, screen: str, *, final: bool = False, new: bool = False,
        error: str | None = None, ms: float = 40.0) -> RecordedHop:
    at = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(minutes=minute)
    return RecordedHop("at", session, PHONE, "*909#", "61501", at, ms, screen, final, new, error=error)


def journeys(day: date, prefix: str) -> list[RecordedHop]:
    """Three sessions of one morning: paid, gave up on the amount, locked out by wrong PINs."""
    return [
        hop(day, 600, f"{prefix}1", "auth.pin", new=True, ms=30), hop(day, 601, f"{prefix}1", "employer.home", ms=20),
        hop(day, 602, f"{prefix}1", "contrib.amount", ms=25),
        hop(day, 603, f"{prefix}1", "contrib.reference_issued", final=True, ms=900),
        hop(day, 610, f"{prefix}2", "auth.pin", new=True, ms=30), hop(day, 611, f"{prefix}2", "employer.home", ms=20),
        hop(day, 612, f"{prefix}2", "contrib.amount", error="common.invalid_amount", ms=10),
        hop(day, 620, f"{prefix}3", "auth.pin", new=True, ms=30),
        hop(day, 621, f"{prefix}3", "auth.pin", error="auth.pin_wrong", ms=200),
        hop(day, 622, f"{prefix}3", "auth.locked", final=True, ms=210),
    ]


def store(uow_factory: SqlAlchemyUnitOfWorkFactory, hops: list[RecordedHop]) -> None:
    with uow_factory() as uow:
        uow.hop_log.add_many(hops)
        uow.commit()


def period(clock: FixedClock, first: date, last: date) -> analytics.Period:
    return analytics.Period(clock, first, last, TTL)


YESTERDAY, TODAY = date(2026, 11, 22), date(2026, 11, 23)


def test_a_day_shows_its_sessions_by_outcome_and_its_hops_per_hour(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock) -> None:
    store(uow_factory, journeys(YESTERDAY, "y") + journeys(TODAY, "t")[:3])
    day = analytics.day_overview(uow_factory, period(clock, YESTERDAY, YESTERDAY))
    assert day.outcomes == [("at", "abandoned", 1), ("at", "auth.locked", 1), ("at", "contrib.reference_issued", 1)]
    assert day.hops_per_hour[10] == 10 and sum(day.hops_per_hour) == 10
    today = analytics.day_overview(uow_factory, period(clock, TODAY, TODAY))
    assert today.outcomes == [("at", "in_progress", 1)]  # its last hop is fresher than the session TTL


def test_the_funnel_counts_per_screen_who_went_on_ended_or_gave_up(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock) -> None:
    store(uow_factory, journeys(YESTERDAY, "y"))
    steps = {s.screen: s for s in analytics.funnel(uow_factory, period(clock, YESTERDAY, TODAY))}
    amount = steps["contrib.amount"]
    assert (amount.reached, amount.moved_on, amount.ended, amount.abandoned) == (2, 1, 0, 1)
    assert amount.drop_off == 0.5
    assert steps["auth.pin"].reached == 3 and steps["auth.pin"].moved_on == 3
    first = analytics.funnel(uow_factory, period(clock, YESTERDAY, TODAY))[0]
    assert first.screen == "auth.pin"  # most visited first


def test_latency_percentiles_overall_and_per_screen(uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                    clock: FixedClock) -> None:
    store(uow_factory, journeys(YESTERDAY, "y"))
    rows = {r.screen: r for r in analytics.latency(uow_factory, period(clock, YESTERDAY, YESTERDAY))}
    assert (rows["*"].hops, rows["*"].p50, rows["*"].p99, rows["*"].estimated) == (10, 30.0, 900.0, False)
    assert (rows["auth.pin"].hops, rows["auth.pin"].p95) == (4, 200.0)


def test_refused_inputs_by_screen_and_pin_lockouts(uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                   clock: FixedClock) -> None:
    store(uow_factory, journeys(YESTERDAY, "y") + [hop(YESTERDAY, 700, "y4", "auth.locked", new=True, final=True)])
    report = analytics.refused_inputs(uow_factory, period(clock, YESTERDAY, YESTERDAY))
    assert report.refused == [("auth.pin", "auth.pin_wrong", 1), ("contrib.amount", "common.invalid_amount", 1)]
    assert (report.lockouts, report.refused_while_locked) == (1, 1)


def test_a_session_xray_lists_its_screens_timings_and_the_providers_report(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock) -> None:
    store(uow_factory, journeys(YESTERDAY, "y"))
    with uow_factory() as uow:
        uow.ussd_reports.add(UssdSessionReport("at", "y1", "Success", clock.now(), msisdn=PHONE, hops_count=4))
        uow.commit()
    [found] = session_xray.session_xray(uow_factory, "y1", clock.now(), TTL)
    assert [h.screen for h in found.hops] == ["auth.pin", "employer.home", "contrib.amount",
                                              "contrib.reference_issued"]
    assert found.outcome == "contrib.reference_issued" and found.masked_phone == "****2233"
    assert found.total_ms == 975 and found.span == timedelta(minutes=3)
    assert [e.status for e in found.events] == ["Success"]
    assert session_xray.session_xray(uow_factory, "nope", clock.now(), TTL) == []
    recent = session_xray.recent_sessions(uow_factory, clock.now(), TTL, limit=2)
    assert [s.session_id for s in recent] == ["y3", "y2"]


def test_a_period_longer_than_the_limit_or_backwards_is_refused(clock: FixedClock) -> None:
    with pytest.raises(ValueError):
        period(clock, TODAY, YESTERDAY)
    with pytest.raises(ValueError):
        period(clock, TODAY - timedelta(days=analytics.MAX_PERIOD_DAYS), TODAY)


OLD = date(2026, 8, 1)  # 114 days before the clock's day: older than 90 days


def _old_personal_records(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    old = datetime(2026, 8, 1, 9, tzinfo=timezone.utc)
    recent = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)
    with uow_factory() as uow:
        for n, at in enumerate((old, recent)):
            uow.inbound.add(InboundSms("at", f"m{n}", PHONE, "8323", "SOLDE 1000001", at))
            uow.ussd_reports.add(UssdSessionReport("at", f"e{n}", "Success", at, msisdn=PHONE))
            uow.delivery_reports.add(DeliveryReport("at", f"d{n}", "Success", at, phone=PHONE))
            uow.outbox.add(OutboundMessage(MessageChannel.SMS, PHONE, f"Solde: 93 437 F ({n})", "keyword_reply",
                                           f"k{n}", at, status=MessageStatus.SENT))
        uow.outbox.add(OutboundMessage(MessageChannel.SMS, PHONE, "still queued", "keyword_reply", "k-q", old))
        uow.commit()


def test_purge_rolls_old_days_up_then_deletes_them_and_running_it_again_changes_nothing(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock) -> None:
    store(uow_factory, journeys(OLD, "o") + journeys(OLD + timedelta(days=1), "p") + journeys(YESTERDAY, "y"))
    _old_personal_records(uow_factory)
    whole = period(clock, OLD, OLD + timedelta(days=1))
    before = analytics.funnel(uow_factory, whole)
    inputs_before = analytics.refused_inputs(uow_factory, whole)

    report = purge(uow_factory, clock, days=90, session_ttl=TTL, batch=4)
    assert report.cutoff == datetime(2026, 8, 25, tzinfo=timezone.utc)
    assert report.days_rolled_up == [OLD, OLD + timedelta(days=1)]
    assert (report.hops, report.inbound_sms, report.session_events, report.delivery_reports,
            report.outbox_texts_blanked) == (20, 1, 1, 1, 1)
    assert analytics.funnel(uow_factory, whole) == before  # now read from the kept daily counts
    after = analytics.refused_inputs(uow_factory, whole)
    assert (after.lockouts, sum(n for _s, _e, n in after.refused)) == (
        inputs_before.lockouts, sum(n for _s, _e, n in inputs_before.refused))
    assert {e for _s, e, _n in after.refused} == {analytics.ARCHIVED}
    assert all(row.estimated for row in analytics.latency(uow_factory, whole))
    with uow_factory() as uow:
        assert uow.hop_log.oldest() == datetime(2026, 11, 22, 10, tzinfo=timezone.utc)
        assert uow.inbound.count() == 1
        assert [m.body for m in uow.outbox.find(recipient=PHONE)] == [
            BLANKED_BODY, "Solde: 93 437 F (1)", "still queued"]  # settled old text blanked; the row stays
        assert uow.outbox.get("k0") is not None  # its idempotency key still stops a second send

    again = purge(uow_factory, clock, days=90, session_ttl=TTL, batch=4)
    assert (again.days_rolled_up, again.hops, again.inbound_sms, again.outbox_texts_blanked) == ([], 0, 0, 0)
    assert analytics.funnel(uow_factory, whole) == before
    recent = analytics.funnel(uow_factory, period(clock, YESTERDAY, YESTERDAY))
    assert {s.screen: s.reached for s in recent}["auth.pin"] == 3  # within retention: untouched


def test_a_period_half_archived_half_live_counts_each_day_once(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))
    store(uow_factory, journeys(date(2026, 8, 24), "a") + journeys(date(2026, 8, 25), "b"))
    purge(uow_factory, clock, days=90, session_ttl=TTL)  # 08-24 rolled up and purged, 08-25 kept raw
    steps = {s.screen: s for s in analytics.funnel(uow_factory, period(clock, date(2026, 8, 24), date(2026, 8, 25)))}
    assert steps["auth.pin"].reached == 6 and steps["contrib.amount"].abandoned == 2
