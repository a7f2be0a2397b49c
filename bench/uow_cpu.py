"""CPU per unit of work of the employer login: the app's backend calls timed one at a time, no USSD around them.

    .venv/bin/python bench/uow_cpu.py [--postgres] [--calls 2800]

Each call is timed over a new seeded employer every time (the same population as ``bench/load.py``: the
cached SQLite file, or with ``--postgres`` a throw-away database ``bench_load`` on 127.0.0.1:5432, seeded and
dropped). Prints process CPU and wall time per call: who holds the phone (with the PIN state), the account
summary, the PIN check (argon2id included), one credential read in a unit of work of its own (the fixed cost of
a unit of work), and that read alone on an open connection: through SQLAlchemy, then as the same SQL on the
driver's own cursor (what SQLAlchemy adds to each statement).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import APP_REDIS, Phones, database, drop_database  # noqa: E402
from bench.seed_population import Member  # noqa: E402


def timed(name: str, members: list[Member], call: Callable[[Member], Any]) -> None:
    """Warm up on the first 200 members, then print CPU and wall time per call over the rest."""
    for member in members[:200]:
        call(member)
    cpu, wall = time.process_time(), time.perf_counter()
    for member in members[200:]:
        call(member)
    count = len(members) - 200
    print(f"{name:<34} CPU {1e6 * (time.process_time() - cpu) / count:6.0f} us   "
          f"wall {1e6 * (time.perf_counter() - wall) / count:6.0f} us")


def main() -> None:
    """Seed or copy the population, build the app, time the backend calls."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--calls", type=int, default=2800, help="employers timed per call (5,000 at most)")
    parser.add_argument("--population", type=int, default=5000)
    args = parser.parse_args()
    url = database(args, Path(tempfile.mkdtemp(prefix="bench-uow-")))
    os.environ.update(DATABASE_URL=url, REDIS_URL=APP_REDIS)
    from app import create_app
    from core.adapters.sqlalchemy import tables
    from core.domain.msisdn import Msisdn
    from core.domain.parties import HolderKind

    runtime = create_app().extensions["cnss"]
    backend = runtime.ussd.backend
    supply = Phones(args.population)
    members = [supply.employer() for _ in range(min(args.calls, args.population))]
    numbers: dict[str, str] = {}

    def caller(member: Member) -> None:
        numbers[member.phone] = backend.caller(Msisdn.parse(member.phone)).accounts[0].number

    def credential(member: Member) -> None:
        with backend.uow_factory() as uow:
            uow.credentials.get(HolderKind.EMPLOYER, numbers[member.phone])

    read = sa.select(tables.credentials).where(tables.credentials.c.holder_kind == sa.bindparam("kind"),
                                               tables.credentials.c.holder_number == sa.bindparam("number"))
    compiled = read.compile(dialect=runtime.engine.dialect)
    connection = runtime.engine.connect()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def params(member: Member) -> dict[str, str]:
        return {"kind": HolderKind.EMPLOYER.value, "number": numbers[member.phone]}

    def statement(member: Member) -> None:
        connection.execute(read, params(member)).first()

    def driver(member: Member) -> None:
        given = params(member)
        cursor.execute(str(compiled), [given[name] for name in compiled.positiontup or ()] or given)
        cursor.fetchone()

    print(f"database {url.split('@')[-1]}")
    try:
        timed("caller (accounts and PIN state)", members, caller)
        timed("account_summary", members, lambda member: backend.account_summary(numbers[member.phone]))
        timed("check_pin", members,
              lambda member: backend.check_pin(HolderKind.EMPLOYER, numbers[member.phone], member.pin))
        timed("unit of work with one read", members, credential)
        timed("the read, through SQLAlchemy", members, statement)
        timed("the read, on the driver's cursor", members, driver)
    finally:
        connection.close()
        runtime.engine.dispose()
        if args.postgres:
            drop_database()


if __name__ == "__main__":
    main()
