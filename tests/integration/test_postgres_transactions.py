"""PostgreSQL units of work: a transaction opens at the first write or lock, and the pool hands out live connections.

A unit of work that only reads costs its queries and no BEGIN/ROLLBACK round trips; one that writes is still
all or nothing, and a row it locks stays locked until it ends. A pooled connection whose server process died
is replaced at checkout without a failed request and without a ``SELECT 1`` on every checkout.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy import database
from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind, Periodicity
from core.domain.pins import Credential

pytestmark = pytest.mark.postgres

EMPLOYER = Employer("1000000001", "Societe Lome", (Msisdn("+22890112233"),), Periodicity.MONTHLY, 200, None)


@pytest.fixture
def factory(postgres_engine: Engine) -> SqlAlchemyUnitOfWorkFactory:
    with SqlAlchemyUnitOfWorkFactory(postgres_engine)() as uow:
        uow.employers.add(EMPLOYER)
        uow.commit()
    return SqlAlchemyUnitOfWorkFactory(postgres_engine)


def test_a_unit_of_work_that_only_reads_opens_no_transaction(factory: SqlAlchemyUnitOfWorkFactory) -> None:
    uow = factory()
    with uow:
        assert uow.employers.get(EMPLOYER.employer_number) == EMPLOYER
        driver = uow._connection.connection.driver_connection  # type: ignore[union-attr]
        assert driver.info.transaction_status.name == "IDLE", "a plain read left no transaction open"
        uow.credentials.save(Credential(HolderKind.EMPLOYER, EMPLOYER.employer_number, "hash"))
        assert driver.info.transaction_status.name == "INTRANS", "the first write opened the transaction"


def test_reads_and_writes_of_a_unit_of_work_are_all_or_nothing(factory: SqlAlchemyUnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        with factory() as uow:
            assert uow.employers.get(EMPLOYER.employer_number) is not None
            uow.credentials.save(Credential(HolderKind.EMPLOYER, EMPLOYER.employer_number, "hash"))
            uow.employers.add(Employer("1000000002", "Autre", (), Periodicity.MONTHLY, 200, None))
            raise RuntimeError("the unit of work fails before its commit")
    with factory() as uow:
        assert uow.credentials.get(HolderKind.EMPLOYER, EMPLOYER.employer_number) is None
        assert uow.employers.get("1000000002") is None
    with factory() as uow:
        uow.credentials.save(Credential(HolderKind.EMPLOYER, EMPLOYER.employer_number, "hash"))
        uow.commit()
    with factory() as uow:
        assert uow.credentials.get(HolderKind.EMPLOYER, EMPLOYER.employer_number) is not None


def test_a_locking_read_holds_its_lock_until_the_unit_of_work_ends(
        factory: SqlAlchemyUnitOfWorkFactory, postgres_engine: Engine) -> None:
    with factory() as uow:
        uow.credentials.save(Credential(HolderKind.EMPLOYER, EMPLOYER.employer_number, "hash"))
        uow.commit()
    nowait = sa.select(t.credentials.c.holder_number).with_for_update(nowait=True)
    with factory() as holder:
        holder.credentials.get(HolderKind.EMPLOYER, EMPLOYER.employer_number, for_update=True)
        with postgres_engine.connect() as other:
            with pytest.raises(sa.exc.OperationalError, match="could not obtain lock"):
                other.execute(nowait)
    with postgres_engine.connect() as other:
        assert other.execute(nowait).scalar() == EMPLOYER.employer_number, "released when the unit of work ended"


def test_an_advisory_transaction_lock_holds_until_the_unit_of_work_ends(
        factory: SqlAlchemyUnitOfWorkFactory, postgres_engine: Engine) -> None:
    try_lock = "SELECT pg_try_advisory_lock(4242)"
    with factory() as holder:
        holder._connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")  # type: ignore[union-attr]
        with postgres_engine.connect() as other:
            assert other.exec_driver_sql(try_lock).scalar() is False
    with postgres_engine.connect() as other:
        assert other.exec_driver_sql(try_lock).scalar() is True
        other.exec_driver_sql("SELECT pg_advisory_unlock(4242)")


def test_a_pooled_connection_whose_server_process_died_is_replaced_at_checkout(
        factory: SqlAlchemyUnitOfWorkFactory, postgres_engine: Engine, postgres_url: str) -> None:
    with postgres_engine.connect() as connection:
        victim = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = database.make_engine(postgres_url)
    try:
        with killer.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_terminate_backend(%s, 5000)", (victim,)).scalar()
    finally:
        killer.dispose()
    with postgres_engine.connect() as connection:  # the very next checkout: no error, another server process
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != victim
    with factory() as uow:
        assert uow.employers.get(EMPLOYER.employer_number) == EMPLOYER


def test_a_long_idle_pooled_connection_is_pinged_before_use(
        postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings: list[datetime] = []
    real = postgres_engine.dialect.do_ping
    monkeypatch.setattr(postgres_engine.dialect, "do_ping",
                        lambda dbapi: pings.append(datetime.now(timezone.utc)) or real(dbapi))
    with postgres_engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    with postgres_engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert pings == [], "a connection used a moment ago is not pinged"
    monkeypatch.setattr(database, "PING_IDLE_AFTER", 0.0)
    with postgres_engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert len(pings) == 1


def test_a_connection_given_back_with_a_transaction_open_is_rolled_back_before_reuse(postgres_engine: Engine) -> None:
    """The pool rolls back at check-in only what is open (no ROLLBACK call for an idle connection), but that always."""
    with postgres_engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN")  # behind SQLAlchemy's back: only the check-in can end it
        driver.execute("SELECT pg_advisory_xact_lock(4242)")
    assert driver.info.transaction_status.name == "IDLE", "rolled back when it went back to the pool"
    with postgres_engine.connect() as other:
        taken = other.exec_driver_sql("SELECT pg_try_advisory_xact_lock(4242)").scalar_one()
        other.rollback()
    assert taken, "the lock of the abandoned transaction was released"
