"""Which statements open a PostgreSQL transaction: everything but a SELECT that locks nothing."""
from __future__ import annotations

import pytest

from core.adapters.sqlalchemy.database import plain_read


@pytest.mark.parametrize("statement", [
    "SELECT credentials.pin_hash FROM credentials WHERE credentials.holder_number = %(number)s",
    "  select 1",
    "SELECT phones.msisdn FROM phones WHERE phones.msisdn = %(msisdn)s ORDER BY phones.id",
])
def test_a_select_that_locks_nothing_runs_outside_a_transaction(statement: str) -> None:
    assert plain_read(statement)


@pytest.mark.parametrize("statement", [
    "SELECT employers.employer_number FROM employers WHERE employers.employer_number = %(number)s FOR UPDATE",
    "SELECT x FROM outbound_messages FOR UPDATE SKIP LOCKED",
    "select x from t for no key update",
    "SELECT x FROM t FOR SHARE",
    "SELECT x FROM t FOR KEY SHARE",
    "SELECT pg_advisory_xact_lock(42)",
    "INSERT INTO activity (kind) VALUES (%(kind)s)",
    "UPDATE credentials SET failed_attempts = 0",
    "DELETE FROM ussd_hops WHERE at < %(before)s",
    "WITH moved AS (DELETE FROM t RETURNING *) SELECT count(*) FROM moved",
    "SET LOCAL enable_seqscan = off",
    "CREATE INDEX ix ON t (x)",
])
def test_a_write_a_lock_or_anything_else_opens_the_transaction(statement: str) -> None:
    assert not plain_read(statement)
