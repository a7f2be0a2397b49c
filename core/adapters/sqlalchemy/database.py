"""Engine factory: SQLite (embedded default) tuned for safe concurrent writes, or PostgreSQL."""
from __future__ import annotations

import re
import select
import time
from collections.abc import Callable
from functools import lru_cache
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
    if not url.startswith("postgresql"):
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    if kwargs.get("poolclass") is None:
        kwargs.setdefault("pool_timeout", pool_timeout)
    if url.startswith("postgresql+psycopg:") and "isolation_level" not in kwargs:
        engine = sa.create_engine(url, connect_args=connect_args, isolation_level="AUTOCOMMIT",
                                  pool_reset_on_return=None, **kwargs)
        _begin_at_first_write(engine)
    else:
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)
    _check_out_live_connections(engine)
    return engine


# Row locks, and the advisory locks that last until the end of the transaction.
_LOCKING_READ = re.compile(r"\bFOR\s+(?:UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b|\bpg_advisory_xact_lock",
                           re.IGNORECASE)


@lru_cache(maxsize=1024)
def plain_read(statement: str) -> bool:
    """A SELECT that locks nothing: it reads alike inside and outside a READ COMMITTED transaction."""
    return statement.lstrip()[:6].upper() == "SELECT" and _LOCKING_READ.search(statement) is None


def _begin_at_first_write(engine: Engine) -> None:
    """Open each transaction at its first statement that is not a plain read, instead of at its first statement.

    Under READ COMMITTED every statement reads its own snapshot, in a transaction or not, so the plain reads
    before a transaction's first write, lock or DDL see exactly what they saw inside it. A unit of work that
    only reads (who holds a phone, an account already up to date) then costs its queries only, without the
    BEGIN and ROLLBACK round trips. The driver runs in autocommit mode; ``BEGIN ISOLATION LEVEL READ
    COMMITTED`` is sent before the first other statement, and commit or rollback end it as usual (psycopg
    sends them when a transaction is open, whatever the mode). A connection given back to the pool is rolled
    back only when a transaction is still open on it.
    """
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    @event.listens_for(engine, "before_cursor_execute")  # HotRead calls it too, without an execution context
    def _on_execute(_connection: sa.Connection, cursor: Any, statement: str, *_rest: Any) -> None:
        driver = cursor.connection
        if driver.info.transaction_status == idle and not plain_read(statement):
            driver.execute("BEGIN ISOLATION LEVEL READ COMMITTED")

    @event.listens_for(engine, "reset")  # instead of the pool's rollback at every check-in (pool_reset_on_return)
    def _on_reset(dbapi_connection: Any, _record: Any, reset_state: Any) -> None:
        if not reset_state.terminate_only and dbapi_connection.info.transaction_status != idle:
            dbapi_connection.rollback()  # a transaction left open (or failed) ends before anyone else gets it


def when_disposed(engine: Engine, finish: Callable[[], object]) -> None:
    """When ``engine`` is disposed: ``finish()`` the background work that uses it, then close every connection.

    ``Engine.dispose`` closes the pooled connections and swaps in a new pool before telling its listeners, so a
    connection that background work had checked out goes back to the disposed pool when that work ends, and
    stays open there until the garbage collector finds it. After ``finish()`` (which waits for work under way)
    the disposed pool is closed again, and so is the new one, for whatever ``finish()`` itself opened.
    """
    pools = [engine.pool]

    def disposed(_engine: Engine) -> None:
        finish()
        previous, pools[0] = pools[0], engine.pool
        previous.dispose()
        engine.pool.dispose()

    event.listen(engine, "engine_disposed", disposed)


PING_IDLE_AFTER = 10.0  # seconds a pooled connection may sit unused before its checkout costs a round trip


def _check_out_live_connections(engine: Engine) -> None:
    """Hand out only live connections, without a ``SELECT 1`` round trip on every checkout (``pool_pre_ping``).

    A server that restarts or dies closes its sockets, so a pooled connection whose socket reads as
    ready while it sits idle has been closed (or sent something unasked for): it is discarded and the
    pool opens another. A connection idle for longer than ``PING_IDLE_AFTER`` (a firewall may have
    dropped it silently) is pinged as ``pool_pre_ping`` would. A server that stops answering without
    closing anything is bounded by the statement, connect and keepalive timeouts, as before.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # opened for this checkout
        watch = select.poll()
        watch.register(dbapi_connection.fileno(), select.POLLIN)
        if watch.poll(0):  # readable, hung up or in error while nothing was asked of the server
            raise sa.exc.DisconnectionError("the server closed this pooled connection")
        if time.monotonic() - idle_since > PING_IDLE_AFTER:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as exc:
                raise sa.exc.DisconnectionError("a long idle pooled connection did not answer") from exc


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
