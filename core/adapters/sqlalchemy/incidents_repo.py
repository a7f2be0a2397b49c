"""The error register on SQLAlchemy: each call its own short transaction, outside the failed request's."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from core.adapters.sqlalchemy.tables import incidents
from core.domain.incidents import Incident


class SqlAlchemyIncidentRepository:
    """Incidents by error id (implements ``core.ports.IncidentRepository``)."""

    def __init__(self, engine: Engine) -> None:
        """Incidents stored through ``engine``."""
        self.engine = engine

    def add(self, incident: Incident) -> bool:
        """Record ``incident``; False when its error id is already recorded."""
        try:
            with self.engine.begin() as connection:
                connection.execute(incidents.insert().values(
                    error_id=incident.error_id, occurred_at=incident.occurred_at, where=incident.where,
                    kind=incident.kind))
        except IntegrityError:
            return False
        return True

    def recent(self, limit: int) -> list[Incident]:
        """The newest ``limit`` incidents, newest first."""
        query = sa.select(incidents).order_by(incidents.c.occurred_at.desc(), incidents.c.error_id).limit(limit)
        with self.engine.connect() as connection:
            return [_incident(row) for row in connection.execute(query)]

    def by_id(self, error_id: str) -> Incident | None:
        """The incident shown under ``error_id`` (ids are upper-case hexadecimal; any case is accepted)."""
        query = sa.select(incidents).where(incidents.c.error_id == error_id.strip().upper())
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return _incident(row) if row is not None else None


def _incident(row: Row[tuple[object, ...]]) -> Incident:
    return Incident(row.error_id, row.occurred_at, row.where, row.kind)
