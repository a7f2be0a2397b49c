"""Closed-loop USSD load in the Africa's Talking wire format: the real app beside a bare Flask + Redis ceiling."""
from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.seed_population import Member, cached_postgres, cached_sqlite, member  # noqa: E402

APP_REDIS, BARE_REDIS = "redis://127.0.0.1:6379/8", "redis://127.0.0.1:6379/9"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
DEFERRED = "Vous recevrez le r"  # the hop deadline's answer: never acceptable on a menu screen
NAME = re.compile(r"EMPLOYEUR (\d{5}) SARL")
Expect = Callable[[Member], str]
SHARED_KEYS = ("registry", "registry-refresh")  # the registry of phones: per deployment, not per session
SESSION_IDS = itertools.count()  # never reused within a process: a reused id would resume another session


@dataclass(frozen=True, slots=True)
class Journey:
    """A whole session: this hop's input (``{pin}`` is the member's) and the start of each expected reply."""

    inputs: tuple[str, ...]
    expect: tuple[Expect, ...]
    employer: bool


def _home(m: Member) -> str:
    return f"CON {m.name}\n1 "


JOURNEYS = {
    "public": Journey(("", "1", "1"), (lambda m: "CON CNSS Togo\n1 ", lambda m: "CON Taux: employeur",
                                       lambda m: "CON Paiement au plus tard"), employer=False),
    "employer": Journey(("", "{pin}", "2", "1", "0", "00"),
                        (lambda m: f"CON CNSS - {m.name}\n", _home, lambda m: "CON Solde:",
                         lambda m: "CON Derniers paiements", lambda m: "CON Solde:", _home), employer=True),
    "payref": Journey(("", "{pin}", "1", "1", "1"),
                      (lambda m: f"CON CNSS - {m.name}\n", _home, lambda m: "CON Impay",
                       lambda m: "CON Payer l'impay", lambda m: "END R\u00e9f\u00e9rence:"), employer=True),
}
# Valid Togo mobile prefixes (phonenumbers); 91 is the seeded employers' own.
PUBLIC_PREFIXES = ("70", "71", "72", "73", "78", "79", "92", "93", "96", "97", "98", "99")


class Phones:
    """A new phone for every session: unregistered numbers, or the next seeded employer."""

    def __init__(self, population: int) -> None:
        self.population, self._public, self._member, self._lock = population, itertools.count(), itertools.count(), \
            threading.Lock()
        self.wrapped = False

    def public(self) -> Member:
        with self._lock:
            k = next(self._public)
        return Member("", "", f"+228{PUBLIC_PREFIXES[k % 12]}{(k // 12) % 1_000_000:06d}", "")

    def employer(self) -> Member:
        with self._lock:
            k = next(self._member)
        self.wrapped |= k >= self.population
        return member(k % self.population)


@dataclass
class Result:
    """What one measured run saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    sessions: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)  # the first reply of each kind of error
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    redis_keys: Counter[str] = field(default_factory=Counter)
    redis_bytes: Counter[str] = field(default_factory=Counter)

    def add(self, other: Result) -> None:
        """Count ``other``'s run as part of this one."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.sessions += other.sessions
        self.errors.update(other.errors)
        self.samples = {**other.samples, **self.samples}
        self.server_cpu += other.server_cpu
        self.client_cpu += other.client_cpu

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def hops_per_s(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def bytes_per_session(self) -> float:
        live = self.redis_keys["session"] + self.redis_keys["bare"]
        per_session = sum(size for kind, size in self.redis_bytes.items() if kind not in SHARED_KEYS)
        return per_session / live if live else 0.0


def drive(port: int, journey: Journey, phones: int, seconds: float, supply: Phones, bare: bool) -> Result:
    """Closed loop: ``phones`` keep-alive connections, each running whole sessions until time is up."""
    result, lock = Result(seconds), threading.Lock()
    stop_at = time.monotonic() + seconds

    def phone() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        samples: dict[str, str] = {}
        sessions = 0
        while time.monotonic() < stop_at:
            m = supply.employer() if journey.employer else supply.public()
            session, typed = f"ATUid_bench_{os.getpid()}_{next(SESSION_IDS)}", []
            for step, (answer, expect) in enumerate(zip(journey.inputs, journey.expect)):
                if step:
                    typed.append(answer.format(pin=m.pin))
                body = urlencode({"sessionId": session, "phoneNumber": m.phone, "networkCode": "61501",
                                  "serviceCode": "*909#", "text": "*".join(typed)})
                started = time.perf_counter()
                try:
                    connection.request("POST", "/gateway/at/ussd", body,
                                       {"Content-Type": "application/x-www-form-urlencoded"})
                    response = connection.getresponse()
                    text = response.read().decode()
                except (OSError, http.client.HTTPException):
                    errors["connection"] += 1
                    connection.close()
                    break
                latencies.append(time.perf_counter() - started)
                error = _check(response.status, text, m, "CON " if bare else expect(m))
                if error:
                    errors[error] += 1
                    samples.setdefault(error, f"hop {step} {typed[1:]}: {text[:80]!r}")
                    break
            else:
                sessions += 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors.update(errors)
            result.samples = {**samples, **result.samples}
            result.sessions += sessions

    threads = [threading.Thread(target=phone) for _ in range(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def _check(status: int, text: str, m: Member, expected: str) -> str | None:
    if status != 200:
        return f"http {status}"
    if DEFERRED in text:
        return "deferred"
    if set(NAME.findall(text)) - {m.name[10:15]}:
        return "crossed"
    return None if text.startswith(expected) else "wrong screen"


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants, from /proc."""
    total, pending, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def redis_usage(url: str, result: Result) -> None:
    """MEMORY USAGE of every key, grouped by kind (cnss:ussd:{pN}:<kind>:..., cnss:ussd:<kind>:..., bare:...)."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.memory_usage(key, samples=0)
    for key, size in zip(keys, pipe.execute()):
        parts = key.decode().split(":")
        tagged = len(parts) > 3 and parts[2].startswith("{")
        kind = parts[3] if tagged else parts[2] if parts[0] == "cnss" and len(parts) > 2 else parts[0]
        result.redis_keys[kind] += 1
        result.redis_bytes[kind] += size or 0


@dataclass(frozen=True, slots=True)
class Server:
    """A started server: its port, process and Redis database."""

    port: int
    process: subprocess.Popen[bytes]
    redis_url: str


def warm_up(server: Server, journey: Journey, phones: int, supply: Phones, bare: bool) -> None:
    """Flush the server's Redis database, then one unmeasured second of the journey."""
    import redis

    redis.Redis.from_url(server.redis_url).flushdb()
    drive(server.port, journey, phones, 1.0, supply, bare)


def measure(server: Server, journey: Journey, phones: int, seconds: float, supply: Phones, bare: bool) -> Result:
    """One measured run, with the server's and the client's CPU."""
    cpu, mine = tree_cpu(server.process.pid), sum(os.times()[:2])
    result = drive(server.port, journey, phones, seconds, supply, bare)
    result.server_cpu, result.client_cpu = tree_cpu(server.process.pid) - cpu, sum(os.times()[:2]) - mine
    return result


def measure_pair(app: Server, bare: Server, journey: Journey, phones: int, seconds: float, supply: Phones,
                 rounds: int) -> tuple[Result, Result]:
    """The journey and the bare ceiling in ``rounds`` alternating slices of ``seconds / rounds`` each.

    The machine's speed drifts from one minute to the next (on this VM the bare handler's CPU per hop
    varies threefold), and the bare handler and the app do not slow down alike; measured in alternation,
    both see the same states, so their ratio no longer depends on which one ran during a slow minute.
    """
    warm_up(bare, JOURNEYS["public"], phones, supply, bare=True)
    warm_up(app, journey, phones, supply, bare=False)
    ceiling, result = Result(0.0), Result(0.0)
    for _ in range(rounds):
        ceiling.add(measure(bare, JOURNEYS["public"], phones, seconds / rounds, supply, bare=True))
        result.add(measure(app, journey, phones, seconds / rounds, supply, bare=False))
    redis_usage(bare.redis_url, ceiling)
    redis_usage(app.redis_url, result)
    return result, ceiling


def start_server(kind: str, target: str, port: int, threads: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One worker pinned to core 0: granian (the default), or gunicorn with sync or gthread workers."""
    binary = Path(sys.executable).parent
    if kind == "granian":
        command = [str(binary / "granian"), "--interface", "wsgi", "--factory", "--workers", "1",
                   "--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning", target]
    else:
        worker = ["-k", "sync"] if kind == "gunicorn-sync" else ["-k", "gthread", "--threads", str(threads)]
        command = [str(binary / "gunicorn"), "-w", "1", *worker, "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                   target + "()"]
    server = subprocess.Popen(["taskset", "-c", "0", *command], cwd=ROOT, env=env, stdout=log.open("ab"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"{kind} did not start on port {port}; see {log}")


def database(args: argparse.Namespace, workdir: Path) -> str:
    """A throw-away copy of the seeded population: SQLite file, or a fresh PostgreSQL database."""
    if not args.postgres:
        copy = workdir / "bench.db"
        shutil.copyfile(cached_sqlite(args.population), copy)
        return f"sqlite:///{copy}"
    import psycopg

    template = cached_postgres(POSTGRES_ADMIN, args.population)
    drop_database()
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE bench_load TEMPLATE "{template}"')
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + "/bench_load"
    with psycopg.connect(url, autocommit=True) as copy:
        copy.execute("ANALYZE")  # planner statistics, as autovacuum keeps them in production (a copy has none)
    return url


def drop_database() -> None:
    """Drop the throw-away PostgreSQL database that ``database`` makes (``bench_load``), if it exists."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS bench_load WITH (FORCE)")


def row(label: str, phones: int, r: Result, ceiling: Result | None) -> str:
    hops = len(r.latencies)
    errors = ", ".join(f"{k} {v}" for k, v in sorted(r.errors.items())) or "0"
    ratio = f"{r.hops_per_s / ceiling.hops_per_s:5.0%}" if ceiling and ceiling.hops_per_s else "  -  "
    return (f"| {label:<9} | {phones:>3} | {r.hops_per_s:7.0f} | {r.sessions / r.seconds:6.0f} | {r.pct(.5):6.1f} | "
            f"{r.pct(.95):6.1f} | {r.pct(.99):6.1f} | {1000 * r.server_cpu / max(hops, 1):5.2f} | "
            f"{1000 * r.client_cpu / max(hops, 1):5.2f} | {r.bytes_per_session:5.0f} | {ratio} | {errors} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per journey, and as many for its bare ceiling (after 1 s warm-up each)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating slices of bare handler and journey that make up those seconds")
    parser.add_argument("--phones", default="4,50", help="concurrent virtual phones, comma-separated")
    parser.add_argument("--journeys", default="public,employer,payref")
    parser.add_argument("--postgres", action="store_true", help=f"a throw-away database beside {POSTGRES_ADMIN}")
    parser.add_argument("--population", type=int, default=5000, help="seeded employers (own phone and PIN each)")
    parser.add_argument("--server", choices=("granian", "gunicorn-sync", "gunicorn-gthread"), default="granian")
    parser.add_argument("--threads", type=int, default=8, help="server threads (granian blocking, gthread)")
    parser.add_argument("--port", type=int, default=8770, help="the app; the bare handler gets port + 1")
    parser.add_argument("--profile", metavar="FILE", help="py-spy the app's worker during its runs (collapsed stacks)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url = database(args, workdir)
    supply = Phones(args.population)
    base = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    app = Server(args.port, start_server(args.server, "app:create_app", args.port, args.threads,
                                         {**base, "REDIS_URL": APP_REDIS}, workdir / "app.log"), APP_REDIS)
    bare = Server(args.port + 1, start_server(args.server, "bench.bare:create_app", args.port + 1, args.threads,
                                              {**base, "REDIS_URL": BARE_REDIS}, workdir / "bare.log"), BARE_REDIS)
    os.sched_setaffinity(0, {1})
    profiler = None
    if args.profile:
        profiler = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(app.process.pid),
                                     "--subprocesses", "--format", "raw", "--rate", "500", "--gil", "--output", args.profile],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    print(f"database {url.split('@')[-1]}, server {args.server} (1 worker, {args.threads} threads, core 0), "
          f"client on core 1, {args.seconds:.0f} s per journey and as many for the bare handler, alternating in "
          f"{args.rounds} slices, {os.cpu_count()} cores")
    print("| journey   | ph. |  hops/s | sess/s |  p50ms |  p95ms |  p99ms | srvCPU ms/hop | cliCPU | Redis B/sess "
          "| vs bare | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    kinds: Counter[str] = Counter()
    samples: list[str] = []
    try:
        for phones in (int(p) for p in args.phones.split(",")):
            for name in args.journeys.split(","):
                result, ceiling = measure_pair(app, bare, JOURNEYS[name], phones, args.seconds, supply, args.rounds)
                print(row("bare", phones, ceiling, None), flush=True)
                print(row(name, phones, result, ceiling), flush=True)
                samples += [f"{name}@{phones} {kind}: {text}" for kind, text in result.samples.items()]
                samples += [f"bare@{phones} {kind}: {text}" for kind, text in ceiling.samples.items()]
                kinds.update({f"{name}@{phones} {k}": v // max(result.redis_keys[k], 1)
                              for k, v in result.redis_bytes.items()})
    finally:
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=30)
        for server in (app, bare):
            server.process.terminate()
            server.process.wait(timeout=10)
    print("Redis bytes per key, by kind:", ", ".join(f"{k} {v}" for k, v in kinds.items()))
    for sample in samples:
        print("first error reply:", sample)
    if supply.wrapped:
        print(f"note: more employer sessions than --population {args.population}: phones were reused")
    print(f"logs: {workdir}; sessions per second counts whole sessions ended without error")
    if args.postgres:
        drop_database()


if __name__ == "__main__":
    main()
