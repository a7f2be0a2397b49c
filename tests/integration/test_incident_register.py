"""The error register against real SQLite and PostgreSQL: newest first, found by id in any case, once per id."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.incidents_repo import SqlAlchemyIncidentRepository
from core.clock import FixedClock
from core.domain.incidents import Incident
from gateway.incidents import IncidentRegister


def test_incidents_are_listed_newest_first_and_found_by_id_in_any_case(engine: Engine, clock: FixedClock) -> None:
    repository = SqlAlchemyIncidentRepository(engine)
    now = clock.now()
    for minutes, error_id in ((0, "A1B2C3D4"), (5, "B0000001"), (2, "C0FFEE00")):
        assert repository.add(Incident(error_id, now + timedelta(minutes=minutes), "/gateway/at/ussd", "KeyError"))
    assert [i.error_id for i in repository.recent(2)] == ["B0000001", "C0FFEE00"]
    assert repository.by_id("c0ffee00") == Incident("C0FFEE00", now + timedelta(minutes=2), "/gateway/at/ussd",
                                                    "KeyError")
    assert repository.by_id("DEADBEEF") is None
    assert not repository.add(Incident("A1B2C3D4", now, "employer.home", "ValueError")), "one row per error id"
    assert repository.by_id("A1B2C3D4").where == "/gateway/at/ussd"  # type: ignore[union-attr]


def test_the_register_returns_at_once_and_writes_in_the_background(engine: Engine, clock: FixedClock) -> None:
    started, release = threading.Event(), threading.Event()

    class SlowRepository(SqlAlchemyIncidentRepository):
        def add(self, incident: Incident) -> bool:
            started.set()
            release.wait(5)
            return super().add(incident)

    register = IncidentRegister(SlowRepository(engine), clock, max_pending=2)
    register.incident("E0000001", "employer.pay", "OperationalError")
    assert started.wait(5)
    register.incident("E0000002", "x" * 500, "OperationalError")  # cut to the column
    register.incident("E0000003", "employer.pay", "OperationalError")  # over max_pending: only logged
    release.set()
    register.flush()
    assert [i.error_id for i in register.recent(10)] == ["E0000001", "E0000002"]  # same instant: by id
    assert len(register.by_id("E0000002").where) == 100  # type: ignore[union-attr]
