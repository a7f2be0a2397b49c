"""CPU per USSD hop in process: the app's WSGI callable driven directly, a new phone for every session.

    .venv/bin/python bench/hop_cpu.py [public|employer|payref] [--postgres] [--sessions 2000] [--profile OUT]

No server and no sockets between the caller and the app, so the figure is the app's own work per hop
(plus the form encoding of the request), for before/after comparisons of one change; ``bench/load.py``
gives the figures against the bare ceiling. Every reply is checked as ``bench/load.py`` checks it.
A second line splits the CPU by hop of the session (dial, PIN, ...).
Uses the seeded population of ``bench/load.py`` (the SQLite file copied, or with ``--postgres`` a throw-away
database ``bench_load`` on 127.0.0.1:5432, seeded and dropped) and Redis database 8 (flushed).
With ``--profile`` it runs under ``py-spy record --gil`` (pip install py-spy) and writes collapsed stacks.
"""
from __future__ import annotations

import argparse
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import APP_REDIS, JOURNEYS, Journey, Phones, database, drop_database  # noqa: E402


def call(app: Any, form: dict[str, str]) -> str:
    """One POST to the USSD callback, through the app's whole WSGI stack."""
    body = urlencode(form).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/gateway/at/ussd", "QUERY_STRING": "", "SERVER_NAME": "bench",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "REMOTE_ADDR": "127.0.0.1",
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))}
    return b"".join(app(environ, lambda *_args: None)).decode()


def session(app: Any, journey: Journey, supply: Phones, number: int, spent: list[float] | None = None) -> None:
    """A whole session of ``journey``; a reply other than the expected screen stops the run.

    With ``spent``, the process CPU of each hop (backend threads included) is added to its position.
    """
    member = supply.employer() if journey.employer else supply.public()
    typed: list[str] = []
    for step, (given, expect) in enumerate(zip(journey.inputs, journey.expect)):
        if given:
            typed.append(given.replace("{pin}", member.pin))
        started = time.process_time()
        reply = call(app, {"sessionId": f"cpu{number}", "phoneNumber": member.phone, "networkCode": "61501",
                           "serviceCode": "*909#", "text": "*".join(typed)})
        if spent is not None:
            spent[step] += time.process_time() - started
        if not reply.startswith(expect(member)):
            raise SystemExit(f"unexpected reply {reply[:60]!r}, wanted {expect(member)[:40]!r}")


def main() -> None:
    """Warm up, then time ``--sessions`` sessions and print CPU ms per hop (the app's and Redis's)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("journey", nargs="?", default="public", choices=sorted(JOURNEYS))
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL database, not SQLite")
    parser.add_argument("--population", type=int, default=5000, help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="OUT", help="py-spy collapsed stacks of the run")
    args = parser.parse_args()
    if args.profile:
        spy = Path(sys.executable).parent / "py-spy"
        command = [str(spy), "record", "--gil", "--rate", "2000", "--format", "raw", "--output", args.profile, "--",
                   sys.executable, __file__, args.journey, "--sessions", str(args.sessions)]
        command += ["--postgres"] if args.postgres else []
        raise SystemExit(subprocess.call(command))
    workdir = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    os.environ.update(DATABASE_URL=database(args, workdir), REDIS_URL=APP_REDIS)
    try:
        run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.postgres:
            drop_database()


def run(args: argparse.Namespace) -> None:
    """Warm up on 200 sessions, then time ``--sessions`` sessions and print the figures."""
    import redis

    from app import create_app
    app = create_app()
    store = redis.Redis.from_url(APP_REDIS)
    store.flushdb()
    journey, supply, numbers = JOURNEYS[args.journey], Phones(5000), itertools.count()
    for _ in range(min(200, args.sessions)):
        session(app, journey, supply, next(numbers))
    before = store.info("cpu")
    per_hop = [0.0] * len(journey.inputs)
    started = time.process_time()
    for _ in range(args.sessions):
        session(app, journey, supply, next(numbers), per_hop)
    spent = time.process_time() - started
    after = store.info("cpu")
    hops = args.sessions * len(journey.inputs)
    redis_cpu = sum(after[k] - before[k] for k in ("used_cpu_sys", "used_cpu_user"))
    print(f"{args.journey}: {hops} hops, app CPU {1000 * spent / hops:.3f} ms/hop, "
          f"Redis CPU {1000 * redis_cpu / hops:.3f} ms/hop")
    print("by hop (ms): " + ", ".join(f"{given.replace('{pin}', 'PIN') or 'dial'} {1000 * cpu / args.sessions:.2f}"
                                      for given, cpu in zip(journey.inputs, per_hop)))
    app.extensions["cnss"].engine.dispose()  # writes the last hop records before the database goes


if __name__ == "__main__":
    main()
