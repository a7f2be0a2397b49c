"""Retention: roll each old day's USSD hops up into the kept daily counts, then purge personal records.

Each day older than the cutoff is rolled up once (a day already in ``ussd_daily_stats`` is never
counted again, so running the purge twice changes nothing); only then are raw records deleted, in
batches of bounded transactions, so a purge stopped half-way loses no count and resumes where it stopped.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.domain.hop_summaries import SessionWindow, screen_days
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services.ussd_analytics import day_start

DEFAULT_BATCH = 1000


@dataclass
class PurgeReport:
    """What a purge did: the cutoff, days rolled up, and rows removed or blanked per kind."""

    cutoff: datetime
    days_rolled_up: list[date] = field(default_factory=list)
    hops: int = 0
    inbound_sms: int = 0
    session_events: int = 0
    delivery_reports: int = 0
    outbox_texts_blanked: int = 0


def purge(uow_factory: UnitOfWorkFactory, clock: Clock, *, days: int, session_ttl: timedelta,
          batch: int = DEFAULT_BATCH) -> PurgeReport:
    """Purge personal records from before the business day ``days`` days ago; roll older hops up first."""
    if days < 1:
        raise ValueError("retention must keep at least one day")
    cutoff_day = clock.today() - timedelta(days=days)
    report = PurgeReport(cutoff=day_start(clock, cutoff_day))
    report.days_rolled_up = roll_up_before(uow_factory, clock, cutoff_day, session_ttl)
    cutoff = report.cutoff
    report.hops = _drain(uow_factory, lambda uow: uow.hop_log.delete_before(cutoff, batch), batch)
    report.inbound_sms = _drain(uow_factory, lambda uow: uow.retention.delete_inbound_before(cutoff, batch), batch)
    report.session_events = _drain(
        uow_factory, lambda uow: uow.retention.delete_session_events_before(cutoff, batch), batch)
    report.delivery_reports = _drain(
        uow_factory, lambda uow: uow.retention.delete_delivery_reports_before(cutoff, batch), batch)
    report.outbox_texts_blanked = _blank_outbox(uow_factory, cutoff, batch)
    return report


def roll_up_before(uow_factory: UnitOfWorkFactory, clock: Clock, cutoff_day: date, ttl: timedelta) -> list[date]:
    """Roll up every day before ``cutoff_day`` that still has hops and no stored counts; the days rolled up."""
    with uow_factory() as uow:
        oldest = uow.hop_log.oldest()
    if oldest is None:
        return []
    rolled: list[date] = []
    day = clock.business_day(oldest)
    while day < cutoff_day:
        start, end = day_start(clock, day), day_start(clock, day + timedelta(days=1))
        with uow_factory() as uow:  # one day per transaction
            if not uow.hop_log.has_stats(day):
                hops = uow.hop_log.between(start - ttl, end + ttl)
                rows = screen_days(hops, SessionWindow(start, end, clock.now(), ttl), clock.business_day)
                uow.hop_log.add_stats(rows)
                uow.commit()
                if rows:
                    rolled.append(day)
        day += timedelta(days=1)
    return rolled


def _drain(uow_factory: UnitOfWorkFactory, step: Callable[[UnitOfWork], int], batch: int) -> int:
    """Run ``step`` in its own committed transaction until it handles less than a batch; the total."""
    total = 0
    while True:
        with uow_factory() as uow:
            done = step(uow)
            uow.commit()
        total += done
        if done < batch:
            return total


def _blank_outbox(uow_factory: UnitOfWorkFactory, cutoff: datetime, batch: int) -> int:
    total, after = 0, 0
    while True:
        with uow_factory() as uow:
            blanked, after = uow.retention.blank_outbox_bodies_before(cutoff, after, batch)
            uow.commit()
        total += blanked
        if after == 0:
            return total
