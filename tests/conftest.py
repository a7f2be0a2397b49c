"""Fixture catalogue: real databases (SQLite and PostgreSQL), fixed clocks, rules and the Flask app."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.tables import metadata
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.parameters import RuleBook, default_rulebook

# The machine's real servers; the test command starts them when they are down.
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _postgres_admin() -> Engine:
    # No statement timeout here: creating and dropping databases may wait for other sessions.
    engine = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", statement_timeout_ms=0)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:  # fail loudly, never skip
        raise RuntimeError(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: start it (scripts/test.sh does) "
            "or set TEST_POSTGRES_URL") from exc
    return engine


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database named ``prefix_<random>``, dropped at the end."""
    admin = _postgres_admin()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


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
