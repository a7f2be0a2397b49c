"""Statements run on the pooled connection's driver: hot reads, and the driver's errors as SQLAlchemy's."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect

from core.adapters.sqlalchemy.database import plain_read


@contextmanager
def driver_errors(connection: Connection, statement: str) -> Iterator[Any]:
    """The driver connection under ``connection``; its errors come out as SQLAlchemy's, as any statement's would.

    A lost server comes out as ``OperationalError`` and the connection is invalidated, so the pool opens a new
    one and the caller's retry or error handling is the one it has for every other statement.
    """
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    try:
        yield driver
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, driver, None)
        if lost:
            connection.invalidate(exc)
        raise sa.exc.DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error,
                                         connection_invalidated=lost, dialect=dialect) from exc


Process = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]  # the statement's own values (literals compared against), by parameter name
    row: Callable[..., Any]  # a named tuple of the selected columns, by their keys
    results: tuple[Process, ...]  # each column's type applied to what the driver returns
    locks: bool  # FOR UPDATE and the like: run in the unit of work's transaction


class HotRead:
    """A SELECT built with SQLAlchemy Core and read on every USSD hop that needs it.

    On PostgreSQL it runs on the driver's cursor: SQLAlchemy compiles it once, each result value still goes
    through its column's type (``UtcDateTime``), and errors come out as SQLAlchemy's (``driver_errors``),
    for about a third of the client CPU of ``Connection.execute``, which sets up an execution context,
    result metadata and all its events for every statement. ``before_cursor_execute`` listeners still see
    each statement, with the driver's cursor and parameters and no execution context (``None``): a locking
    read (``FOR UPDATE``) thus opens the unit of work's transaction as ``Connection.execute`` would
    (``database._begin_at_first_write``). Anything else (SQLite, a parameter whose type processes it, columns
    without distinct names) goes through ``Connection.execute``. Both give rows read by column key (``row.name``).
    """

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled | None] = {}  # by dialect name; None: not for the driver

    def on_driver(self, dialect: Dialect) -> bool:
        """Whether the statement runs on the driver's cursor on ``dialect`` (else through ``Connection.execute``)."""
        return self._compiled_for(dialect) is not None

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> Sequence[Any]:
        """Every row the statement returns for ``params`` (each a bound parameter's name)."""
        compiled = self._compiled_for(connection.dialect)
        if compiled is None:
            return connection.execute(self.statement, params).all()
        values = {**compiled.defaults, **params}
        if compiled.locks and not connection.in_transaction():
            connection.begin()  # the unit of work's commit or rollback then ends it, and releases the lock
        with driver_errors(connection, compiled.sql) as driver, driver.cursor() as cursor:
            for listener in connection.dispatch.before_cursor_execute:  # a locking read's BEGIN, tracers, tests
                listener(connection, cursor, compiled.sql, values, None, False)
            cursor.execute(compiled.sql, values)
            fetched = cursor.fetchall()
        results = compiled.results
        if not any(results):
            return [compiled.row(*raw) for raw in fetched]
        return [compiled.row(*(process(value) if process else value for process, value in zip(results, raw)))
                for raw in fetched]

    def _compiled_for(self, dialect: Dialect) -> _Compiled | None:
        if dialect.name not in self._compiled:
            self._compiled[dialect.name] = self._compile(dialect)
        return self._compiled[dialect.name]

    def _compile(self, dialect: Dialect) -> _Compiled | None:
        if dialect.name != "postgresql" or dialect.driver != "psycopg":
            return None
        compiled = self.statement.compile(dialect=dialect)
        sql = str(compiled)
        if any(bind.expanding or bind.type.dialect_impl(dialect).bind_processor(dialect)
               for bind in compiled.binds.values()):
            return None
        columns = list(self.statement.selected_columns)
        keys = [column.key or "" for column in columns]
        if len(set(keys)) != len(keys) or not all(key.isidentifier() for key in keys):
            return None  # rows read by position only: not worth a second way
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
        return _Compiled(sql, dict(compiled.params), namedtuple("Row", keys), results, not plain_read(sql))
