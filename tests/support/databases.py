"""Throw-away PostgreSQL databases on the machine's server, for the tests and the benchmarks."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.database import make_engine

# The machine's real server; the test command starts it when it is down.
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


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
