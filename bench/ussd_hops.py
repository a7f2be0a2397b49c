"""USSD hop throughput: the real app under granian on one core, driven over loopback from the other core.

    .venv/bin/python bench/ussd_hops.py [--seconds 10] [--concurrency 8]

Uses REDIS_URL (default redis://127.0.0.1:6379/14, flushed) and a fresh SQLite file unless
BENCH_DATABASE_URL is set (e.g. postgresql://postgres@127.0.0.1:5432/test). Prints hops per
second and latency percentiles per journey, and Redis round trips per hop measured in-process.
"""
from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

JOURNEYS = {
    # Unregistered phone: one directory lookup on the first hop, then menus only (no database).
    "public menus": ("+22896000000", ["1", "0", "2", "60", "300", "150000", "00", "4", "0", "3"]),
    # Demo employer: PIN (argon2) once, then account screens (database) and menus.
    "employer": ("+22890112233", ["1234", "2", "1", "0", "0", "7", "2", "0", "00", "3"]),
}


def prepare(database_url: str, redis_url: str) -> None:
    """Migrate and seed, and flush the benchmark's Redis database."""
    import redis

    from app import create_app
    from core.adapters.sqlalchemy.migrate import upgrade
    from core.services.demo import seed_demo

    redis.Redis.from_url(redis_url).flushdb()
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    seed_demo(uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)


def round_trips_per_hop(database_url: str, redis_url: str) -> float:
    """Drive the public journey in-process and count the session store's Redis round trips."""
    from app import create_app

    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url})
    store = app.extensions["cnss"].ussd.store
    client = app.test_client()
    msisdn, inputs = JOURNEYS["public menus"]
    session, hops, before = uuid.uuid4().hex, 0, store.round_trips
    for i in range(len(inputs) + 1):
        client.post("/gateway/at/ussd", data={"sessionId": session, "phoneNumber": msisdn, "networkCode": "61501",
                                              "serviceCode": "*909#", "text": "*".join(inputs[:i])})
        hops += 1
    return (store.round_trips - before) / hops


def drive(port: int, journey: str, seconds: float, concurrency: int) -> tuple[int, list[float], int]:
    """Closed-loop load: each worker walks the journey again and again on a keep-alive connection."""
    msisdn, inputs = JOURNEYS[journey]
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            session = f"ATUid_{uuid.uuid4().hex}"
            for i in range(len(inputs) + 1):
                body = urlencode({"sessionId": session, "phoneNumber": msisdn, "networkCode": "61501",
                                  "serviceCode": "*909#", "text": "*".join(inputs[:i])})
                started = time.perf_counter()
                connection.request("POST", "/gateway/at/ussd", body,
                                   {"Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                text = response.read().decode()
                mine.append(time.perf_counter() - started)
                if response.status != 200 or not text.startswith(("CON ", "END ")) or "Erreur" in text:
                    with lock:
                        errors[0] += 1
                if text.startswith("END "):
                    break
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--baseline", action="store_true",
                        help="serve bench/bare_flask.py instead (one Redis read and write per hop)")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    target = "bench.bare_flask:create_app" if args.baseline else "app:create_app"
    if not args.baseline:
        prepare(database_url, redis_url)
        print(f"database: {database_url.split('@')[-1]}  redis: {redis_url}")
        print(f"Redis round trips per hop (in-process count): {round_trips_per_hop(database_url, redis_url):.2f}")
    # This harness reuses one phone per journey, which the per-phone session limit would refuse after 6
    # sessions a minute: the limit is off here (issue #11 replaces the harness with a new phone per session).
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "USSD_SESSIONS_PER_MINUTE": "0"}
    server = subprocess.Popen(
        ["taskset", "-c", "0", str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--factory",
         "--workers", "1", "--blocking-threads", str(args.concurrency), "--host", "127.0.0.1",
         "--port", str(args.port), "--log-level", "warning", target],
        cwd=ROOT, env=env)
    try:
        _wait_for(args.port)
        os.sched_setaffinity(0, {1})  # the load generator stays off the server's core
        print(f"server: granian, 1 worker pinned to core 0; client: {args.concurrency} keep-alive connections "
              f"on core 1; {args.seconds:.0f} s per journey")
        for journey in (["public menus"] if args.baseline else JOURNEYS):
            hops, latencies, errors = drive(args.port, journey, args.seconds, args.concurrency)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
            label = "bare baseline" if args.baseline else journey
            print(f"{label:<13} {hops / args.seconds:8.0f} hops/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
                  f"errors {errors}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


if __name__ == "__main__":
    main()
