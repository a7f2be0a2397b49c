"""How many outbox messages wait, per channel and status: one cheap grouped count (the due index covers it)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.tables import outbound_messages
from core.domain.outbox import MessageChannel, MessageStatus

# Not yet settled: waiting to be sent, being sent, or sent with an outcome nobody knows yet.
WAITING = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.UNCERTAIN)


def outbox_depth(engine: Engine) -> dict[tuple[str, str], int]:
    """``(channel, status) -> count`` of the messages not settled yet, for every channel and waiting status
    (zero included, so a drained queue shows as 0 rather than as no value)."""
    table = outbound_messages
    query = (sa.select(table.c.channel, table.c.status, sa.func.count())
             .where(table.c.status.in_([status.value for status in WAITING]))
             .group_by(table.c.channel, table.c.status))
    with engine.connect() as connection:
        rows = [(str(channel), str(status), int(count)) for channel, status, count in connection.execute(query)]
    depth = {(channel.value, status.value): 0 for channel in MessageChannel for status in WAITING}
    depth.update({(channel, status): count for channel, status, count in rows})
    return depth
