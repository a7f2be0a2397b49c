"""Fixture catalogue: real databases (SQLite and PostgreSQL), fixed clocks, rules and the Flask app."""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.tables import metadata
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.parameters import RuleBook, default_rulebook
from tests.support.databases import throwaway_database

# The machine's Redis; the test command starts it when it is down (PostgreSQL: tests/support/databases.py).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database, migrated once for the session."""
    with throwaway_database("cnss_test") as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated, empty database: a SQLite file, then the real PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "gateway.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
        _truncate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """The real PostgreSQL only (concurrency tests)."""
    engine = make_engine(postgres_url, pool_size=10)
    _truncate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> SqlAlchemyUnitOfWorkFactory:
    """Units of work on the parametrised database."""
    return SqlAlchemyUnitOfWorkFactory(engine)


@pytest.fixture
def rulebook() -> RuleBook:
    """The default dated parameters."""
    return default_rulebook()


@pytest.fixture
def clock() -> FixedClock:
    """Monday 2026-11-23 10:00 UTC, which is also Lome time (UTC+0)."""
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
