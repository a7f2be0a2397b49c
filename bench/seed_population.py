"""Seed a benchmark population of employers, each with its own phone, PIN and one unpaid declaration."""
from __future__ import annotations

import hashlib
import inspect
import json
import multiprocessing
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "instance" / "bench-cache"
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True, slots=True)
class Member:
    """One seeded employer: what a virtual phone dials with and what its screens must show."""

    number: str
    name: str
    phone: str
    pin: str


def member(i: int) -> Member:
    """The i-th employer: +228 91 xx xx xx phones (valid Togo mobiles, disjoint from the demo data)."""
    return Member(f"{1_100_000 + i}", f"EMPLOYEUR {i:05d} SARL", f"+22891{i:06d}", f"{(i * 7919) % 10_000:04d}")


_RT: Any = None


def _hash_one(i: int) -> str:
    m, hasher = member(i), _RT.pin_hasher
    if len(inspect.signature(hasher.hash).parameters) > 1:  # a keyed hash binds the holder (issue #11)
        from core.domain.parties import HolderKind
        return str(hasher.hash(m.pin, HolderKind.EMPLOYER, m.number))
    return str(hasher.hash(m.pin))


def _hashes(count: int) -> list[str]:
    """The app's own PIN hashes for the population, cached per version of core/domain/pins.py."""
    key = hashlib.sha256((ROOT / "core" / "domain" / "pins.py").read_bytes() + str(count).encode()).hexdigest()[:16]
    path = CACHE / f"pins-{key}.json"
    if path.exists():
        return list(json.loads(path.read_text()))
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        hashes = pool.map(_hash_one, range(count), chunksize=100)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(hashes))
    print(f"hashed {count} PINs in {time.monotonic() - started:.0f} s (cached in {path.name})", file=sys.stderr)
    return hashes


def seed(database_url: str, count: int) -> None:
    """Migrate ``database_url`` and add ``count`` employers (one transaction), then their declarations."""
    global _RT
    from app import create_app
    from core.adapters.sqlalchemy.migrate import upgrade
    from core.domain.msisdn import Msisdn
    from core.domain.parties import Employer, HolderKind
    from core.domain.pins import Credential
    from core.services.accounts import contributor_account_summary
    from core.services.declarations import file_declaration
    from core.services.demo import latest_declared_period

    app = create_app({"DATABASE_URL": database_url})
    _RT = rt = app.extensions["cnss"]
    upgrade(rt.engine)
    hashes = _hashes(count)
    started = time.monotonic()
    with rt.uow_factory() as uow:
        for i in range(count):
            m = member(i)
            uow.employers.add(Employer(m.number, m.name, (Msisdn.parse(m.phone),)))
            uow.credentials.save(Credential(HolderKind.EMPLOYER, m.number, hashes[i]))
        uow.commit()
    today = rt.clock.today()
    overdue = latest_declared_period(today, rt.rulebook.surcharges.at(today).due_day).plus_months(-1)
    for i in range(count):
        number = member(i).number
        file_declaration(number, overdue, uow=rt.uow_factory(), clock=rt.clock, rulebook=rt.rulebook,
                         head_count=1 + i % 5, gross_payroll=60_000 * (1 + i % 5) + 100 * (i % 97))
        # Charge the surcharges now, so the account screens of the run read and do not write.
        contributor_account_summary(number, uow=rt.uow_factory(), clock=rt.clock, rulebook=rt.rulebook)
    rt.engine.dispose()  # SQLite: the last connection closed folds the write-ahead log into the file
    print(f"seeded {count} employers in {time.monotonic() - started:.0f} s", file=sys.stderr)


def population_key(count: int) -> str:
    """What a seeded population depends on: migrations, PIN hashing, this seed, its size and today's date."""
    parts = [(ROOT / "core" / "domain" / "pins.py").read_bytes(), Path(__file__).read_bytes(), str(count).encode()]
    parts += [p.read_bytes() for p in sorted((ROOT / "core" / "adapters" / "sqlalchemy" / "migrations").rglob("*.py"))]
    parts.append(datetime.now(timezone.utc).date().isoformat().encode())  # which periods are overdue
    return hashlib.sha256(b"".join(parts)).hexdigest()[:16]


def cached_sqlite(count: int) -> Path:
    """A seeded SQLite file, reused while ``population_key`` is unchanged."""
    path = CACHE / f"population-{population_key(count)}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seed(f"sqlite:///{partial}", count)
        partial.rename(path)
    return path


def cached_postgres(admin_url: str, count: int) -> str:
    """The name of a seeded PostgreSQL template database beside ``admin_url``, reused while ``population_key`` is
    unchanged; older templates are dropped. Copy it with ``CREATE DATABASE ... TEMPLATE``."""
    import psycopg

    name = f"bench_seed_{population_key(count)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        existing = [row[0] for row in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_seed_%'")]
        for stale in existing:
            if stale != name:
                admin.execute(f'DROP DATABASE "{stale}" WITH (FORCE)')
        if name in existing:
            return name
        admin.execute("DROP DATABASE IF EXISTS bench_seed_partial WITH (FORCE)")
        admin.execute("CREATE DATABASE bench_seed_partial")
        seed(admin_url.rsplit("/", 1)[0] + "/bench_seed_partial", count)
        admin.execute(f'ALTER DATABASE bench_seed_partial RENAME TO "{name}"')
    return name


if __name__ == "__main__":
    seed(sys.argv[1], int(sys.argv[2]))
