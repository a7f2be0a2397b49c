"""Engine factory: SQLite (embedded default) tuned for safe concurrent writes, or PostgreSQL."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` or ``postgres://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; nothing connects until first use."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _serialise_sqlite_writes(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _serialise_sqlite_writes(engine: Engine) -> None:
    """Take SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``) so two writers never deadlock.

    This is SQLAlchemy's documented recipe for pysqlite's broken transaction
    handling: disable the driver's own BEGIN and emit ours.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
