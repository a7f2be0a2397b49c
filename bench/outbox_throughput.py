"""SMS outbox throughput: ``outbox-work --once`` processes through the real SDK to the local fake AT server.

    .venv/bin/python bench/outbox_throughput.py [--messages 2000] [--batch 50] [--latency-ms 0] [--sqlite]
                                                [--texts distinct|same]

Queues N SMS in a fresh database, then drains them with 1 worker process, then (re-queued) with 2 in
parallel, and prints messages per second for each run plus a duplicate check (fake count == N, none
twice). Database: BENCH_DATABASE_URL if set (a throw-away one: its outbox is emptied), else a temporary
PostgreSQL database created on TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) and
dropped afterwards; ``--sqlite`` uses a temporary SQLite file and 1 worker only (no ``SKIP LOCKED``).
``--texts same`` gives every SMS the same text (a notice to many phones), which the worker sends to
up to a batch of recipients in one request; by default each text is distinct (receipts), one request
each. ``--latency-ms`` makes the fake answer each request that much later (AT's real latency is not modelled
by default). "wall" counts from launching the processes to their exit, start-up included; "stream" counts
from the first to the last request the fake received.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import SETTINGS  # noqa: E402 - after the path set-up
from core.adapters.sqlalchemy import tables  # noqa: E402
from core.adapters.sqlalchemy.database import make_engine  # noqa: E402
from core.adapters.sqlalchemy.migrate import upgrade  # noqa: E402
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from core.domain.outbox import sms_message  # noqa: E402
from tests.support.databases import throwaway_database  # noqa: E402
from tests.support.fake_at import FakeAfricasTalking, Reply  # noqa: E402

SAME_TEXT = "CNSS: la declaration de mars est ouverte"


@contextmanager
def database(sqlite: bool) -> Iterator[str]:
    """BENCH_DATABASE_URL, or a temporary PostgreSQL database (dropped at the end), or a SQLite file."""
    if os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
        return
    if sqlite:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.db"
        return
    with throwaway_database("cnss_bench") as url:
        yield url


def requeue(database_url: str, count: int, same_text: bool = False) -> None:
    """Empty the outbox and queue ``count`` SMS, each with its own recipient and its own (or one) text."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(tables.outbound_messages.delete())
        now = datetime.now(timezone.utc) - timedelta(seconds=1)
        with SqlAlchemyUnitOfWorkFactory(engine)() as uow:
            for n in range(count):
                text = SAME_TEXT if same_text else f"CNSS: recu de paiement R-{n:05d}, merci"
                uow.outbox.add(sms_message(f"+2289{n:07d}", text,
                                           "payment_receipt", f"bench:{n}", now, essential=True))
            uow.commit()
    finally:
        engine.dispose()


def run_workers(env: dict[str, str], workers: int, batch: int) -> tuple[float, list[str]]:
    """Start ``workers`` ``outbox-work --once`` processes together; seconds until all exited, and their output."""
    command = [sys.executable, "-m", "flask", "--app", "app", "outbox-work", "--once", "--batch", str(batch)]
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(workers)]
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    elapsed = time.perf_counter() - started
    for process, output in zip(processes, outputs):
        if process.returncode != 0:
            raise SystemExit(f"outbox-work failed ({process.returncode}):\n{output}")
    return elapsed, outputs


def main() -> None:
    """Parse the options, run 1 then 2 workers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--texts", choices=("distinct", "same"), default="distinct")
    args = parser.parse_args()
    worker_counts = [1] if args.sqlite else [1, 2]
    with database(args.sqlite) as url, FakeAfricasTalking() as fake:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        fake.default = Reply.accept(delay_s=args.latency_ms / 1000)
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
        env.update(DATABASE_URL=url, AT_API_KEY=fake.api_key, AT_USERNAME="sandbox", AT_API_BASE_URL=fake.url,
                   SMS_SENDER_ID="CNSS")
        startup, _ = run_workers(env, 1, args.batch)  # empty outbox: process start-up and one empty claim
        print(f"database {make_engine(url).url.get_backend_name()}, {args.messages} SMS, batch {args.batch}, "
              f"{args.texts} texts, fake latency {args.latency_ms:g} ms, process start-up {startup:.2f} s")
        for workers in worker_counts:
            requeue(url, args.messages, args.texts == "same")
            fake.reset()
            elapsed, outputs = run_workers(env, workers, args.batch)
            records = fake.records("accepted")
            accepted = fake.accepted()
            duplicates = sum(n - 1 for n in accepted.values() if n > 1)
            stream = max(r.at for r in records) - min(r.at for r in records) if len(records) > 1 else float("nan")
            per_worker = [line for output in outputs for line in output.splitlines() if line.startswith("sms:")]
            check = "OK" if len(accepted) == args.messages and duplicates == 0 else "MISMATCH"
            requests = len({r.seq for r in records})
            print(f"{workers} worker{'s' if workers > 1 else ' '}: {args.messages / elapsed:7.1f} msg/s wall "
                  f"({elapsed:.2f} s), {len(records) / stream:7.1f} msg/s stream ({stream:.2f} s); fake took "
                  f"{len(records)} for {len(accepted)} distinct in {requests} requests over {fake.connections} "
                  f"connections, {duplicates} duplicates: {check}")
            for line in per_worker:
                print(f"    {line}")


if __name__ == "__main__":
    main()
