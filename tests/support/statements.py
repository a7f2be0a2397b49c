"""The SQL statements a piece of work runs on the hop path (the hop log's background writes left out)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def statements_of(engine: Engine, action: Callable[[], object]) -> list[str]:
    """Run ``action`` and return the statements it sent to ``engine``."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        if "ussd_hops" not in args[2]:  # the hop log writes from its own thread, off the hop path
            statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return statements


def queries(statements: list[str]) -> list[str]:
    """The statements that ask the database something (transaction control left out)."""
    return [q for q in statements if q.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
