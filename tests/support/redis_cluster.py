"""A real Redis Cluster of 3 masters on free loopback ports (Debian's redis-server), started once per test run."""
from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.support.private_servers import free_port

MASTERS = 3
START_TIMEOUT = 60.0
SLOTS = 16384


def _binary(name: str) -> str:
    """A server tool's path; a missing one fails the test loudly (never a skip)."""
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: the Redis Cluster tests need it "
                           "(apt-get install redis-server; scripts/test.sh does)")
    return found


class RedisClusterServers:
    """``MASTERS`` cluster-enabled ``redis-server`` processes without persistence, joined by ``redis-cli
    --cluster create`` with no replicas: every slot has one master, each master a third of the slots."""

    def __init__(self) -> None:
        self.server, self.cli = _binary("redis-server"), _binary("redis-cli")
        self.workdir = Path(tempfile.gettempdir())
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """What REDIS_URL names: one node (the client finds the others)."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def node(self, port: int) -> redis.Redis:
        """A plain client of one node (to look at what that master holds)."""
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=5, socket_connect_timeout=5)

    def start(self) -> None:
        """Start the nodes (files in a new scratch directory), create the cluster, and wait until every node
        sees every slot served."""
        self.workdir = Path(tempfile.mkdtemp(prefix="cnss-redis-cluster-"))
        for _ in range(MASTERS):
            self._start_node()
        nodes = [f"127.0.0.1:{port}" for port in self.ports]
        done = subprocess.run([self.cli, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
                              capture_output=True, text=True, timeout=START_TIMEOUT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed: {done.stdout}{done.stderr}")
        self._wait_until_ok()

    def _start_node(self) -> None:
        # The cluster bus gets its own free port (cluster-port): the default, port + 10000, may be taken or past 65535.
        port, bus = free_port(), free_port()
        directory = self.workdir / str(port)
        directory.mkdir()
        log = open(directory / "redis.log", "ab")  # noqa: SIM115 - kept open by the child
        self.processes.append(subprocess.Popen(
            [self.server, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
             "--cluster-port", str(bus), "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(directory)],
            stdout=log, stderr=subprocess.STDOUT))
        log.close()
        self.ports.append(port)
        self._wait(lambda: bool(self.node(port).ping()), f"redis-server did not start on port {port}")

    def _wait_until_ok(self) -> None:
        def agreed() -> bool:
            for port in self.ports:
                client = self.node(port)
                try:
                    info = client.cluster("info")
                    slots = client.cluster("slots")
                finally:
                    client.close()
                if info.get("cluster_state") != "ok" or sum(end - start + 1 for start, end, *_ in slots) != SLOTS:
                    return False
            return True

        self._wait(agreed, "the Redis Cluster did not reach cluster_state:ok")

    def _wait(self, ready: Callable[[], bool], failure: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if ready():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline or any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"{failure}; the nodes' logs end with:\n{self._log_tails()}")
            time.sleep(0.05)

    def _log_tails(self) -> str:
        tails = []
        for log in sorted(self.workdir.glob("*/redis.log")):
            tails.append(f"{log.parent.name}: " + " | ".join(log.read_text(errors="replace").splitlines()[-5:]))
        return "\n".join(tails)

    def keys_per_master(self, match: str = "*") -> dict[int, int]:
        """How many keys matching ``match`` each master holds, by port."""
        counts: dict[int, int] = {}
        for port in self.ports:
            client = self.node(port)
            try:
                counts[port] = sum(1 for _ in client.scan_iter(match=match, count=1000))
            finally:
                client.close()
        return counts

    def stop(self) -> None:
        """Kill every node, wait for it (no process is left behind) and remove its files."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            process.wait(timeout=START_TIMEOUT)
        self.processes, self.ports = [], []
        if self.workdir.name.startswith("cnss-redis-cluster-"):
            shutil.rmtree(self.workdir, ignore_errors=True)


_shared: RedisClusterServers | None = None
_shared_lock = threading.Lock()


def _shutdown() -> None:
    global _shared
    with _shared_lock:
        if _shared is not None:
            try:
                _shared.stop()
            finally:
                _shared = None
                atexit.unregister(_shutdown)


def shared_cluster() -> RedisClusterServers:
    """The run's cluster, started at the first call; killed at the end of the run (at exit too, if pytest dies)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            servers = _shared = RedisClusterServers()  # fails here, loudly, without redis-server or redis-cli
            atexit.register(_shutdown)
            try:
                servers.start()
            except BaseException:
                _shared = None
                servers.stop()
                atexit.unregister(_shutdown)
                raise
        return _shared


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisClusterServers]:
    """The 3-master cluster, one per test run whichever modules ask for it; killed when the run ends."""
    yield shared_cluster()
    _shutdown()
