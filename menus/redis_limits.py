"""Redis rate limiter: a sliding window per key in one atomic script call, every key with a TTL."""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import redis
from redis.commands.core import Script
from redis.exceptions import RedisClusterException

from menus.limits import LimiterUnavailableError

# KEYS: the window's sorted set. ARGV: now (ms), window (ms), limit, a unique member.
# Drops events older than the window, admits (adds) one if fewer than the limit remain, and keeps the
# key alive for one window after its newest event. Returns 1 when admitted, 0 when refused.
_ADMIT_LUA = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
local admitted = 0
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('zadd', KEYS[1], now, ARGV[4])
  admitted = 1
end
if redis.call('zcard', KEYS[1]) > 0 then
  redis.call('pexpire', KEYS[1], window)
end
return admitted
"""


class RedisRateLimiter:
    """``RateLimiter`` on Redis: one EVALSHA per event, atomic, so concurrent hops cannot both slip in.

    ``clock`` (seconds) stamps the events, so windows follow the application's clock (settable in
    tests); the TTL set on each key is the window itself, in Redis time.
    """

    def __init__(self, client: redis.Redis | redis.RedisCluster, clock: Callable[[], float] = time.time,
                 prefix: str = "cnss:limit:") -> None:
        """Wrap ``client``; no I/O happens until the first call."""
        self.client = client
        self.prefix = prefix
        self._clock = clock
        self._admit: Script = client.register_script(_ADMIT_LUA)

    def admit(self, key: str, limit: int, window: float) -> bool:
        """Record one event if fewer than ``limit`` were admitted in the last ``window`` seconds."""
        now_ms = round(self._clock() * 1000)
        member = f"{now_ms}:{secrets.token_hex(4)}"
        try:
            admitted = self._admit(keys=[self.prefix + key], args=[now_ms, max(1, round(window * 1000)), limit, member])
        except (redis.RedisError, RedisClusterException) as exc:  # a cluster missing a slot is unavailable too
            raise LimiterUnavailableError(type(exc).__name__) from exc
        return bool(admitted)
