"""The SQL statements a piece of work sends to the database (the hop log's background writes left out)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


@contextmanager
def sent_to(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect each statement sent to ``engine`` meanwhile (hot reads included), with the driver's parameters."""
    sent: list[tuple[str, Any]] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "ussd_hops" not in statement:  # the hop log writes from its own thread, off the hop path
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def statements_of(engine: Engine, action: Callable[[], object]) -> list[str]:
    """Run ``action`` and return the statements it sent to ``engine``."""
    with sent_to(engine) as sent:
        action()
    return [statement for statement, _ in sent]


def queries(statements: list[str]) -> list[str]:
    """The statements that ask the database something (transaction control left out)."""
    return [q for q in statements if q.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
