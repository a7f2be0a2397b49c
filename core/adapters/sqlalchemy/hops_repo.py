"""USSD hop records and their daily roll-up."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.driver_calls import driver_errors
from core.domain.ussd_hops import RecordedHop, ScreenDay

_COUNTS = ("hops", "sessions_reached", "sessions_started", "sessions_ended", "abandoned", "invalid_inputs",
           "lockouts")


# Column widths, read once: a record is cut to them, so one odd value never fails a whole batch of records.
_WIDTHS: dict[str, int | None] = {column.name: getattr(column.type, "length", None) for column in t.ussd_hops.c}


def _fit(value: str, name: str) -> str:
    """``value`` cut to the width of column ``name``."""
    width = _WIDTHS[name]
    return value[:width] if width and len(value) > width else value


_COPY_COLUMNS = ("provider", "session_id", "msisdn", "service_code", "network_code", "at", "duration_ms", "screen",
                 "final", "new_session", "repeat", "error")
_COPY_HOPS = f"COPY {t.ussd_hops.name} ({', '.join(_COPY_COLUMNS)}) FROM STDIN"


def _row(hop: RecordedHop) -> dict[str, object]:
    return {"provider": _fit(hop.provider, "provider"), "session_id": _fit(hop.session_id, "session_id"),
            "msisdn": _fit(hop.msisdn, "msisdn"), "service_code": _fit(hop.service_code, "service_code"),
            "network_code": _fit(hop.network_code, "network_code"), "at": hop.at,
            "duration_ms": float(hop.duration_ms), "screen": _fit(hop.screen, "screen"), "final": hop.final,
            "new_session": hop.new_session, "repeat": hop.repeat,
            "error": _fit(hop.error, "error") if hop.error is not None else None}


def _hop(row: sa.Row[Any]) -> RecordedHop:
    m = row._mapping
    return RecordedHop(provider=m["provider"], session_id=m["session_id"], msisdn=m["msisdn"],
                       service_code=m["service_code"], network_code=m["network_code"], at=m["at"],
                       duration_ms=m["duration_ms"], screen=m["screen"], final=m["final"],
                       new_session=m["new_session"], repeat=m["repeat"], error=m["error"])


class SqlAlchemyHopLogRepository:
    """Raw hops in ``ussd_hops``; per day, provider and screen counts in ``ussd_daily_stats``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_many(self, hops: Sequence[RecordedHop]) -> None:
        """Store hops: one ``COPY`` on PostgreSQL (a sixth of the CPU of a row-by-row insert), else one insert."""
        if not hops:
            return
        rows = [_row(hop) for hop in hops]
        if self._connection.dialect.driver == "psycopg":
            self._copy(rows)
        else:
            self._connection.execute(sa.insert(t.ussd_hops), rows)

    def _copy(self, rows: list[dict[str, object]]) -> None:
        """``COPY`` the rows on the unit of work's connection: one statement, so a refused batch leaves nothing
        behind; the driver's errors come out as SQLAlchemy's, as any statement's would (a lost server as
        ``OperationalError``, its connection invalidated) and each value goes through its column's type first
        (a naive time is refused, as by an insert)."""
        connection, dialect = self._connection, self._connection.dialect
        if not connection.in_transaction():
            connection.begin()  # the unit of work's commit or rollback then ends whatever the COPY opened
        bind = [(name, t.ussd_hops.c[name].type.bind_processor(dialect)) for name in _COPY_COLUMNS]
        values = [[process(row[name]) if process else row[name] for name, process in bind] for row in rows]
        with driver_errors(connection, _COPY_HOPS) as driver, driver.cursor() as cursor, \
                cursor.copy(_COPY_HOPS) as copy:
            for value in values:
                copy.write_row(value)

    def between(self, start: datetime, end: datetime) -> list[RecordedHop]:
        """Hops that arrived in [start, end), oldest first."""
        c = t.ussd_hops.c
        rows = self._connection.execute(sa.select(t.ussd_hops).where(c.at >= start, c.at < end).order_by(c.at, c.id))
        return [_hop(row) for row in rows]

    def for_session(self, session_id: str) -> list[RecordedHop]:
        """The hops of a provider session id (of any provider), oldest first."""
        c = t.ussd_hops.c
        rows = self._connection.execute(sa.select(t.ussd_hops).where(c.session_id == session_id)
                                        .order_by(c.at, c.id))
        return [_hop(row) for row in rows]

    def recent(self, limit: int) -> list[RecordedHop]:
        """The hops of the ``limit`` sessions heard from last, oldest hop first."""
        c = t.ussd_hops.c
        last = (sa.select(c.provider, c.session_id, sa.func.max(c.at).label("last_at"))
                .group_by(c.provider, c.session_id).order_by(sa.desc("last_at")).limit(limit).subquery())
        rows = self._connection.execute(sa.select(t.ussd_hops).join(
            last, sa.and_(c.provider == last.c.provider, c.session_id == last.c.session_id)).order_by(c.at, c.id))
        return [_hop(row) for row in rows]

    def oldest(self) -> datetime | None:
        """When the oldest stored hop arrived."""
        found: datetime | None = self._connection.execute(sa.select(sa.func.min(t.ussd_hops.c.at))).scalar_one()
        if found is not None and found.tzinfo is None:  # min() bypasses the column type on SQLite
            found = t.UtcDateTime().process_result_value(found, self._connection.dialect)
        return found

    def delete_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` hops older than ``cutoff``; how many went."""
        c = t.ussd_hops.c
        ids = sa.select(c.id).where(c.at < cutoff).order_by(c.id).limit(limit).scalar_subquery()
        return int(self._connection.execute(sa.delete(t.ussd_hops).where(c.id.in_(ids))).rowcount)

    def add_stats(self, rows: Sequence[ScreenDay]) -> None:
        """Store daily counts (one row per day, provider and screen)."""
        if rows:
            self._connection.execute(sa.insert(t.ussd_daily_stats), [
                {"day": r.day, "provider": r.provider, "screen": r.screen, "latency_buckets": list(r.latency),
                 **{name: getattr(r, name) for name in _COUNTS}} for r in rows])

    def stats_between(self, first: date, last: date) -> list[ScreenDay]:
        """Stored daily counts of the days ``first`` to ``last`` included."""
        c = t.ussd_daily_stats.c
        rows = self._connection.execute(sa.select(t.ussd_daily_stats).where(c.day >= first, c.day <= last)
                                        .order_by(c.day, c.provider, c.screen))
        return [ScreenDay(day=r.day, provider=r.provider, screen=r.screen, latency=list(r.latency_buckets),
                          **{name: r._mapping[name] for name in _COUNTS}) for r in rows]

    def has_stats(self, day: date) -> bool:
        """Whether ``day`` was rolled up already."""
        c = t.ussd_daily_stats.c
        return self._connection.execute(sa.select(c.day).where(c.day == day).limit(1)).first() is not None
