"""The Redis Cluster client of sessions and limits: connected on first use, bounded like the single-server one."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import RedisClusterException
from redis.retry import Retry

# After a node fails to answer, the client reloads the slot map and tries once more (which follows a
# failover); more attempts, each up to REDIS_TIMEOUT, would only hold a hop past its deadline.
CLUSTER_RETRIES = 1


def check_cluster_url(url: str) -> None:
    """Refuse a URL a cluster cannot serve (``ValueError``): a database other than 0, a Unix socket."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError("a Redis Cluster is reached over TCP (redis:// or rediss://), not a Unix socket")
    if {parts.path.strip("/"), *parse_qs(parts.query).get("db", [])} - {"", "0"}:
        raise ValueError("a Redis Cluster has only database 0")


class _ScriptEncoder:
    """Encodes a Lua script as the cluster client would (UTF-8), for ``Script`` to compute its SHA."""

    def encode(self, value: str) -> bytes:
        return value.encode("utf-8")


class LazyRedisCluster:
    """Quacks as a ``RedisCluster`` on ``url`` (any one node), built on the first command.

    ``RedisCluster`` reads the slot map from a node as soon as it is created; deferring that keeps
    ``create_app`` free of I/O and lets a gateway start while the cluster is down (its hops then fail,
    ``/readyz`` names ``redis``, and the next call tries again). A cluster that cannot be reached is
    reported as ``redis.ConnectionError``, as a single server's outage is, so the limits' fail-open and
    fail-closed rules hold.
    """

    def __init__(self, url: str, **options: Any) -> None:
        """Remember how to connect; nothing is opened here."""
        check_cluster_url(url)
        self._url = url
        self._options = {"retry": Retry(NoBackoff(), CLUSTER_RETRIES), **options}
        self._client: RedisCluster | None = None
        self._lock = threading.Lock()

    def connected(self) -> RedisCluster:
        """The real client, reading the slot map the first time."""
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    try:
                        self._client = RedisCluster.from_url(self._url, **self._options)
                    except RedisClusterException as exc:
                        raise redis.ConnectionError(f"the Redis Cluster does not answer: {exc}") from exc
                client = self._client
        return client

    def get_encoder(self) -> _ScriptEncoder:
        """How scripts are encoded (their SHA is computed without connecting)."""
        return _ScriptEncoder()

    def register_script(self, script: str) -> Script:
        """A script run on this client; it connects when first called, not now."""
        return Script(cast(RedisCluster, self), script)

    def close(self) -> None:
        """Close the connections, if any were opened."""
        if self._client is not None:
            self._client.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # our own attributes, before they are set: never connect for them
            raise AttributeError(name)
        return getattr(self.connected(), name)


def cluster_client(url: str, timeout: float) -> RedisCluster:
    """The app's cluster client (typed as the ``RedisCluster`` it stands for); ``ValueError`` on a bad URL."""
    return cast(RedisCluster, LazyRedisCluster(url, socket_timeout=timeout, socket_connect_timeout=timeout))


def every_master_answers(client: redis.Redis | RedisCluster) -> Callable[[], bool]:
    """The readiness probe of a cluster: PING every master (one down leaves its share of the phones without
    sessions), where a single server's probe pings one node."""
    return lambda: bool(client.ping(target_nodes=RedisCluster.PRIMARIES))
