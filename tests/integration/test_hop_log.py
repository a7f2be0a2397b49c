"""The hop log: hops buffered without I/O, written in batches in the background, kept through an outage."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from gateway.hop_log import HopLog
from menus.transcripts import HopRecord

START = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)
DOWN = SqlAlchemyUnitOfWorkFactory(make_engine("postgresql://postgres@127.0.0.1:1/none", connect_timeout=1))
ROOT = Path(__file__).resolve().parents[2]


def record(n: int, session: str = "s1", at: datetime | None = None) -> HopRecord:
    return HopRecord(provider="at", session_id=session, msisdn="+22890112233", service_code="*909#",
                     network_code="61501", at=at or START + timedelta(seconds=n), duration_ms=12.5 + n,
                     screen=f"screen.{n}", final=False, new_session=n == 0, error="common.invalid_choice" if n else None)


def stored(uow_factory: SqlAlchemyUnitOfWorkFactory) -> list[str]:
    with uow_factory() as uow:
        return [hop.screen for hop in uow.hop_log.between(START - timedelta(days=1), START + timedelta(days=1))]


def test_hops_wait_in_memory_until_flushed_in_batches(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(uow_factory, batch=3, background=False)
    for n in range(7):
        log.record(record(n))
    assert log.flush() == 7 and log.pending() == 0
    assert stored(uow_factory) == [f"screen.{n}" for n in range(7)]
    with uow_factory() as uow:
        first = uow.hop_log.for_session("s1")[1]
    assert (first.error, first.duration_ms, first.new_session, first.at) == (
        "common.invalid_choice", 13.5, False, START + timedelta(seconds=1))


def test_the_background_writer_stores_hops_within_its_interval(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(uow_factory, interval=0.05)
    log.record(record(0))
    deadline = time.monotonic() + 10
    while not stored(uow_factory) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stored(uow_factory) == ["screen.0"] and log.written == 1


def test_while_the_database_is_down_hops_are_kept_then_the_oldest_dropped_and_counted(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(DOWN, capacity=4, batch=2, background=False)
    started = time.monotonic()
    for n in range(3):
        log.record(record(n))
    assert time.monotonic() - started < 0.5  # recording never waits for the database
    assert log.flush() == 0 and log.pending() == 3  # nothing lost yet: kept to retry
    for n in range(3, 6):
        log.record(record(n))
    assert (log.pending(), log.dropped) == (4, 2)
    log.uow_factory = uow_factory  # the database is back
    assert log.flush() == 4
    assert stored(uow_factory) == ["screen.2", "screen.3", "screen.4", "screen.5"]


def test_a_batch_the_database_refuses_is_dropped_and_the_next_ones_still_written(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(uow_factory, batch=1, background=False)
    log.record(record(0, at=datetime(2026, 11, 23, 10)))  # naive: refused by the column type
    log.record(record(1))
    assert log.flush() == 1 and (log.dropped, log.written) == (1, 1)
    assert stored(uow_factory) == ["screen.1"]


def test_an_overlong_value_is_cut_to_its_column_instead_of_failing_the_batch(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(uow_factory, background=False)
    log.record(record(0, session="x" * 300))
    log.record(record(1))
    assert log.flush() == 2
    with uow_factory() as uow:
        assert len(uow.hop_log.for_session("x" * 100)) == 1


def test_hops_still_buffered_are_written_when_the_process_exits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    engine: Engine = make_engine(url)
    upgrade(engine)
    script = textwrap.dedent(f"""
        from core.adapters.sqlalchemy.database import make_engine
        from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
        from gateway.hop_log import HopLog
        from tests.integration.test_hop_log import record
        log = HopLog(SqlAlchemyUnitOfWorkFactory(make_engine({url!r})), interval=3600)
        for n in range(3):
            log.record(record(n))
        print(log.written)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"  # nothing written before exit...
    assert stored(SqlAlchemyUnitOfWorkFactory(engine)) == ["screen.0", "screen.1", "screen.2"]  # ...all at exit
    engine.dispose()


def test_disposing_the_engine_writes_the_buffer_first(engine: Engine, uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    log = HopLog(uow_factory, background=False)
    log.flush_when_disposed(engine)
    log.record(record(0))
    engine.dispose()  # an app (or a test) letting its database go
    assert log.pending() == 0 and stored(uow_factory) == ["screen.0"]


@pytest.mark.postgres
def test_a_connection_lost_in_the_middle_of_a_batch_keeps_the_batch_for_the_next_flush(
        postgres_engine: Engine) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    log = HopLog(uow_factory, batch=10, background=False)
    log.record(record(0))
    with uow_factory() as uow:  # the batch's connection dies after checkout, as when the server restarts
        uow.hop_log.oldest()
        backend = uow._connection.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
        with postgres_engine.connect() as admin:
            admin.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
        with pytest.raises(sa.exc.OperationalError):  # SQLAlchemy's, as for any statement: the hop log retries it
            uow.hop_log.add_many([record(0)])
    assert log.flush() == 1 and (log.dropped, log.written) == (0, 1), "a fresh connection took the batch"
    assert stored(uow_factory) == ["screen.0"]


@pytest.mark.postgres
def test_a_write_under_way_when_the_engine_is_disposed_leaves_no_connection_open(postgres_url: str) -> None:
    """A background write holds a connection while the app's engine goes: the write ends, then its connection is
    closed, not left in the disposed pool for the garbage collector (psycopg would warn of it)."""
    import threading

    engine = make_engine(postgres_url)
    upgrade(engine)
    factory = SqlAlchemyUnitOfWorkFactory(engine)
    inside, release, used = threading.Event(), threading.Event(), []

    class SlowUnitOfWork:  # the hop log's write, paused while it holds its connection
        def __init__(self) -> None:
            self.uow = factory()

        def __enter__(self) -> object:
            entered = self.uow.__enter__()
            used.append(entered._connection.connection.driver_connection)  # type: ignore[union-attr]
            inside.set()
            release.wait(10)
            return entered

        def __exit__(self, *exc: object) -> None:
            self.uow.__exit__(*exc)  # type: ignore[arg-type]

    log = HopLog(SlowUnitOfWork, batch=10, background=False)  # type: ignore[arg-type]
    log.flush_when_disposed(engine)
    log.record(record(0))
    writer = threading.Thread(target=log.flush)
    writer.start()
    assert inside.wait(10)
    disposer = threading.Thread(target=engine.dispose)  # waits in the hop log's listener for the write
    disposer.start()
    time.sleep(0.2)
    release.set()
    writer.join(10)
    disposer.join(10)
    assert log.written == 1 and used and used[0].closed, "the write's connection was closed, not left open"
    assert engine.pool.checkedout() == 0
    engine.dispose()
