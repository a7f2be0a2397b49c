"""The SQL statements a piece of work sends to the database (the hop log's background writes left out)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.driver_calls import HotRead


@contextmanager
def sent_to(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect each statement sent to ``engine`` meanwhile, with its parameters as the driver got them.

    Hot reads that run on the driver's cursor (``HotRead``) pass no ``Connection.execute`` event: they are
    collected where they run.
    """
    sent: list[tuple[str, Any]] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "ussd_hops" not in statement:  # the hop log writes from its own thread, off the hop path
            sent.append((statement, parameters))

    def hot_rows(read: HotRead, connection: sa.Connection, params: Mapping[str, Any]) -> Sequence[Any]:
        if read.on_driver(connection.dialect) and connection.engine is engine:
            compiled = read.statement.compile(dialect=connection.dialect)
            sent.append((str(compiled), {**compiled.params, **params}))
        return rows(read, connection, params)

    rows = HotRead.rows
    sa.event.listen(engine, "before_cursor_execute", record)
    HotRead.rows = hot_rows  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        HotRead.rows = rows  # type: ignore[method-assign]
        sa.event.remove(engine, "before_cursor_execute", record)


def statements_of(engine: Engine, action: Callable[[], object]) -> list[str]:
    """Run ``action`` and return the statements it sent to ``engine``."""
    with sent_to(engine) as sent:
        action()
    return [statement for statement, _ in sent]


def queries(statements: list[str]) -> list[str]:
    """The statements that ask the database something (transaction control left out)."""
    return [q for q in statements if q.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
