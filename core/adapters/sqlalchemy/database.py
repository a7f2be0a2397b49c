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


def make_engine(url: str, *, connect_timeout: int = 2, statement_timeout_ms: int = 5000, pool_timeout: float = 2.0,
                **kwargs: Any) -> Engine:
    """Create an engine; nothing connects until first use.

    SQL parameters never reach an error message or a log (``hide_parameters``): they carry
    phone numbers and typed values. On PostgreSQL, opening a connection, waiting for one from
    the pool, and every statement and lock wait are bounded, so a slow or dead server turns
    into a quick error instead of a hung request.
    """
    url = normalise_url(url)
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _serialise_sqlite_writes(engine)
        return engine
    options = f"-c statement_timeout={statement_timeout_ms} -c lock_timeout={statement_timeout_ms}"
    connect_args = {"connect_timeout": connect_timeout, "options": options,
                    # A server that stops answering mid-query is noticed by the kernel, not never.
                    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}
    if not str(url).startswith("postgresql"):
        connect_args = {}
    elif kwargs.get("poolclass") is None:
        kwargs.setdefault("pool_timeout", pool_timeout)
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


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
