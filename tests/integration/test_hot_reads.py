"""Hot reads on the driver's cursor read what ``Connection.execute`` reads and fail as it fails."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.parties_repo import _ACCOUNTS_ON
from core.adapters.sqlalchemy.requests_repo import _CREDENTIAL_FOR_UPDATE
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind, PhoneAccount
from core.domain.pins import Credential
from tests.support.builders import add_employer

LOCKED_UNTIL = datetime(2026, 11, 30, 9, 15, tzinfo=timezone(timedelta(hours=1)))  # stored and read back in UTC


def _employer_with_locked_pin(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory, "1000001", "BOULANGERIE", ("+22890112233",))
    with uow_factory() as uow:
        uow.credentials.save(Credential(HolderKind.EMPLOYER, "1000001", "$hash", 3, LOCKED_UNTIL, 1))
        uow.commit()


def test_a_hot_read_returns_what_connection_execute_returns(engine: Engine) -> None:
    _employer_with_locked_pin(SqlAlchemyUnitOfWorkFactory(engine))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":  # the driver then returns Lagos times
            connection.exec_driver_sql("SET TIME ZONE 'Africa/Lagos'")
        hot = _ACCOUNTS_ON.rows(connection, {"msisdn": "+22890112233"})
        usual = connection.execute(_ACCOUNTS_ON.statement, {"msisdn": "+22890112233"}).all()
    assert [tuple(row) for row in hot] == [tuple(row) for row in usual] != []
    (row,) = hot
    assert (row.holder_kind, row.holder_number, row.name, row.lockouts) == ("employer", "1000001", "BOULANGERIE", 1)
    assert row.locked_until == LOCKED_UNTIL and row.locked_until.utcoffset() == timedelta(0), \
        "the column's type turned the driver's value into UTC"


def test_the_caller_lookup_reads_the_pin_state_through_the_hot_read(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    _employer_with_locked_pin(uow_factory)
    with uow_factory() as uow:
        accounts = uow.phones.accounts_on(Msisdn("+22890112233"))
    assert accounts == [PhoneAccount(HolderKind.EMPLOYER, "1000001", "BOULANGERIE", True, LOCKED_UNTIL, 1)]


@pytest.mark.postgres
def test_a_locking_hot_read_opens_the_transaction_and_holds_its_lock_until_the_unit_of_work_ends(
        postgres_engine: Engine) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    _employer_with_locked_pin(uow_factory)
    assert _CREDENTIAL_FOR_UPDATE.on_driver(postgres_engine.dialect)
    grab = sa.text("SELECT 1 FROM credentials WHERE holder_number = '1000001' FOR UPDATE NOWAIT")
    with uow_factory() as uow:
        credential = uow.credentials.get(HolderKind.EMPLOYER, "1000001", for_update=True)
        assert credential is not None and credential.failed_attempts == 3
        with postgres_engine.connect() as other:
            with pytest.raises(sa.exc.OperationalError, match="lock"):
                other.execute(grab)
        uow.credentials.save(replace(credential, failed_attempts=4))
        uow.commit()  # ends the transaction the locking read opened: the write is kept, the lock released
    with postgres_engine.connect() as other:
        assert other.execute(grab).scalar_one() == 1
    with uow_factory() as uow:
        stored = uow.credentials.get(HolderKind.EMPLOYER, "1000001")
    assert stored is not None and stored.failed_attempts == 4


def test_sqlite_reads_through_connection_execute(engine: Engine) -> None:
    assert _ACCOUNTS_ON.on_driver(engine.dialect) is (engine.dialect.name == "postgresql")


@pytest.mark.postgres
def test_a_server_gone_in_the_middle_of_a_hot_read_fails_as_any_statement_and_the_next_read_reconnects(
        postgres_engine: Engine) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    _employer_with_locked_pin(uow_factory)
    with uow_factory() as uow:
        connection = uow._connection
        assert connection is not None
        backend = connection.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
        with postgres_engine.connect() as admin:
            admin.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
        with pytest.raises(sa.exc.OperationalError) as failure:  # as Connection.execute raises it
            uow.phones.accounts_on(Msisdn("+22890112233"))
        assert failure.value.connection_invalidated and connection.invalidated
    with uow_factory() as uow:
        assert [a.number for a in uow.phones.accounts_on(Msisdn("+22890112233"))] == ["1000001"]


@pytest.mark.postgres
def test_a_refused_hot_read_raises_the_error_connection_execute_raises(postgres_engine: Engine) -> None:
    wrong = {"msisdn": "+22890\x00112233"}  # PostgreSQL text holds no NUL: refused before it is sent
    with postgres_engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError) as usual:
            connection.execute(_ACCOUNTS_ON.statement, wrong)
        connection.rollback()
        with pytest.raises(sa.exc.DBAPIError) as hot:
            _ACCOUNTS_ON.rows(connection, wrong)
    assert type(hot.value) is type(usual.value) is sa.exc.DataError
    assert "112233" not in str(hot.value), "parameters never reach an error message"
