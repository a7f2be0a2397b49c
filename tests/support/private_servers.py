"""Private Redis and PostgreSQL servers on free ports that fault tests may stop, kill, freeze and thaw."""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
import redis

START_TIMEOUT = 30.0
S = TypeVar("S", "PrivateRedis", "PrivatePostgres")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _binary(name: str, package: str, pattern: str = "") -> str:
    """The path of a server binary; a missing one fails the test loudly (never a skip)."""
    candidates = sorted(glob.glob(pattern)) if pattern else []
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: the fault tests need it (apt-get install {package})")
    return found


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _children(pid: int) -> list[int]:
    """The direct children of a process, read from /proc."""
    found: list[int] = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, ...
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


class PrivateRedis:
    """A throw-away ``redis-server`` without persistence: its data is gone after a stop."""

    def __init__(self, workdir: Path) -> None:
        self.binary = _binary("redis-server", "redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.frozen = False

    @property
    def url(self) -> str:
        """The URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (again) on the same port and wait until it answers PING."""
        if self.process is not None:
            return
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - kept open by the child
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self, kill: bool = False) -> None:
        """Stop it: SIGTERM (graceful) or SIGKILL; a frozen server is thawed first so it can die."""
        if self.process is None:
            return
        self.thaw()
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=START_TIMEOUT)
        self.process = None

    def restart(self) -> None:
        """Stop gracefully, then start on the same port."""
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP: it keeps its socket open but answers nothing."""
        assert self.process is not None, "redis-server is not running"
        _signal(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        """SIGCONT after a freeze."""
        if self.process is not None and self.frozen:
            _signal(self.process.pid, signal.SIGCONT)
        self.frozen = False

    def heal(self) -> None:
        """Thawed and running, whatever a test did to it."""
        self.thaw()
        self.start()


class PrivatePostgres:
    """A throw-away trust-auth PostgreSQL cluster (``initdb`` once, then ``pg_ctl``), as the postgres user."""

    def __init__(self, workdir: Path) -> None:
        self.bin = os.path.dirname(_binary("initdb", "postgresql", "/usr/lib/postgresql/*/bin/initdb"))
        self.port = free_port()
        self.workdir = workdir
        self.data = workdir / "data"
        self.frozen: list[int] = []
        self.running = False
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(workdir, owner.pw_uid, owner.pw_gid)
            self._as_postgres = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")

    def url(self, database: str = "postgres") -> str:
        """The URL of one database of the cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_postgres, os.path.join(self.bin, tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def postmaster_pid(self) -> int | None:
        """The postmaster's pid from ``postmaster.pid``, if the cluster runs."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def processes(self) -> list[int]:
        """The postmaster and every child of it (backends, checkpointer, walwriter...)."""
        pid = self.postmaster_pid()
        if pid is None or not _alive(pid):
            return []
        return [pid, *_children(pid)]

    def start(self) -> None:
        """Start (again) and wait until it accepts connections."""
        if self.running:
            return
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.workdir / "log"), "-w", "-t", str(int(START_TIMEOUT)),
                  "-o", f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c full_page_writes=off -c max_connections=50", "start")
        self.running = True
        psycopg.connect(self.url(), connect_timeout=5).close()

    def stop(self, kill: bool = False) -> None:
        """Stop it: ``pg_ctl stop -m fast`` (graceful) or SIGKILL to the postmaster and all its children."""
        if not self.running:
            return
        self.thaw()
        if kill:
            pids = self.processes()
            for pid in pids:
                _signal(pid, signal.SIGKILL)
            deadline = time.monotonic() + START_TIMEOUT
            while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
                time.sleep(0.05)
            # An unreaped zombie postmaster still "exists" for kill(pid, 0), so the next start would refuse
            # its lock files: every process is dead, remove them as a crash-restart script would.
            for lock in (self.data / "postmaster.pid", self.workdir / f".s.PGSQL.{self.port}.lock"):
                lock.unlink(missing_ok=True)
        else:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(int(START_TIMEOUT)), "stop")
        self.running = False

    def restart(self) -> None:
        """Stop gracefully, then start on the same port."""
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP to the postmaster first (so it forks nothing new), then to every child."""
        pid = self.postmaster_pid()
        assert self.running and pid is not None, "PostgreSQL is not running"
        _signal(pid, signal.SIGSTOP)
        self.frozen = [pid]
        for child in _children(pid):
            _signal(child, signal.SIGSTOP)
            self.frozen.append(child)

    def thaw(self) -> None:
        """SIGCONT to every process a freeze stopped (children first, then the postmaster)."""
        for pid in reversed(self.frozen):
            _signal(pid, signal.SIGCONT)
        self.frozen = []

    def heal(self) -> None:
        """Thawed and running, whatever a test did to it."""
        self.thaw()
        self.start()

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _scratch(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def _shutdown(server: PrivateRedis | PrivatePostgres) -> None:
    try:
        server.stop(kill=True)
    finally:
        shutil.rmtree(server.workdir, ignore_errors=True)


def _for_session(server: S) -> Iterator[S]:
    """Start a server, yield it, and always kill it and remove its files (at exit too, if pytest dies)."""

    def cleanup() -> None:
        _shutdown(server)

    atexit.register(cleanup)
    try:
        server.start()
        yield server
    finally:
        cleanup()
        atexit.unregister(cleanup)


@pytest.fixture(scope="session")
def private_redis() -> Iterator[PrivateRedis]:
    """A private redis-server for the session (thawed and killed at the end, even after a crash of a test)."""
    workdir = _scratch("cnss-faults-redis-")
    try:
        server = PrivateRedis(workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    yield from _for_session(server)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL cluster for the session (thawed and killed at the end, data removed)."""
    workdir = _scratch("cnss-faults-pg-")
    try:
        server = PrivatePostgres(workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    yield from _for_session(server)


@pytest.fixture
def redis_server(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """The private Redis for one test, emptied first, thawed and running again after it."""
    private_redis.heal()
    client = redis.Redis.from_url(private_redis.url)
    client.flushall()
    client.close()
    yield private_redis
    private_redis.heal()


@pytest.fixture
def postgres_server(private_postgres: PrivatePostgres) -> Iterator[PrivatePostgres]:
    """The private PostgreSQL for one test, thawed and running again after it."""
    private_postgres.heal()
    yield private_postgres
    private_postgres.heal()
