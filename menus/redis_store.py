"""Redis session store: one locked read and one atomic write per hop (Lua scripts), every key with a TTL."""
from __future__ import annotations

import logging
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import hiredis
import redis
from redis.commands.core import Script
from redis.connection import Connection, ConnectionPool
from redis.exceptions import NoScriptError

from core.domain.msisdn import Msisdn
from menus.state import SessionState
from menus.store import STRANGER, HopLease, SessionBusyError, StoreTtls

log = logging.getLogger(__name__)

FIRST_BACKOFF = 0.005
MAX_BACKOFF = 0.05

# Compare-and-delete: only the holder of the token releases the lock.
_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""

# Take the lock, and only then read: one script call for everything a hop needs before the engine runs.
# KEYS: lock, session, resume, lang, caller, registry, session limit (all under the phone's hash tag).
# ARGV: token, lock ttl ms, phone, now ms (app clock), session limit count (0: none), limit window ms,
#       limit event id.
# Returns {0} when the lock is held elsewhere; {2} when the phone opened too many sessions (the lock is
# released, nothing else written; the phone's language follows); else {1, state, checkpoint, language, caller, registry}, where a
# missing key reads as false (nil, the array keeps its length) and registry is 1 for a phone the
# registry knows to be unregistered, 2 when the phone's registry bucket is stale, 0 otherwise.
_ACQUIRE_LUA = """
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0}
end
local state = redis.call('get', KEYS[2])
local limit = tonumber(ARGV[5])
if not state and limit > 0 then
  local now, window = tonumber(ARGV[4]), tonumber(ARGV[6])
  redis.call('zremrangebyscore', KEYS[7], '-inf', now - window)
  if redis.call('zcard', KEYS[7]) >= limit then
    redis.call('del', KEYS[1])
    return {2, redis.call('get', KEYS[4])}
  end
  redis.call('zadd', KEYS[7], now, ARGV[7])
  redis.call('pexpire', KEYS[7], window)
end
local caller = redis.call('get', KEYS[5])
local registry = 0
if not caller and redis.call('hexists', KEYS[6], ARGV[3]) == 0 then
  local fresh = tonumber(redis.call('hget', KEYS[6], '~until') or '0')
  local t = redis.call('time')
  if fresh > tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then
    registry = 1
  else
    registry = 2
  end
end
return {1, state, redis.call('get', KEYS[3]), redis.call('get', KEYS[4]), caller, registry}
"""

# A phone's registration changed: forget its cached accounts and count it as registered (a registry
# entry for a phone that is not is harmless: it only costs that phone a directory lookup).
# KEYS: caller, registry. ARGV: phone, registry key ttl (s) for a bucket created here.
_PHONE_CHANGED_LUA = """
redis.call('del', KEYS[1])
redis.call('hset', KEYS[2], ARGV[1], '1')
if redis.call('ttl', KEYS[2]) < 0 then
  redis.call('expire', KEYS[2], ARGV[2])
end
return 1
"""

# KEYS: lock, session, resume, lang, caller.
# ARGV: token, session json ('' = delete), session ttl ms, checkpoint json ('' = delete),
#       resume ttl ms, language ('' = leave as is), language ttl ms, caller json ('' = leave as is), caller ttl ms.
# Returns 1 after writing and releasing, 0 (having written nothing) when the token no longer holds the lock.
_COMMIT_LUA = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('del', KEYS[2])
else
  redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
if ARGV[4] == '' then
  redis.call('del', KEYS[3])
else
  redis.call('set', KEYS[3], ARGV[4], 'PX', ARGV[5])
end
if ARGV[6] ~= '' then
  redis.call('set', KEYS[4], ARGV[6], 'PX', ARGV[7])
end
if ARGV[8] ~= '' then
  redis.call('set', KEYS[5], ARGV[8], 'PX', ARGV[9])
end
redis.call('del', KEYS[1])
return 1
"""


def _ms(seconds: float) -> int:
    """A TTL in whole milliseconds, never zero (a key must never live forever or be set already dead)."""
    return max(1, round(seconds * 1000))


def _text(raw: Any) -> str | None:
    """A reply as ``str`` whether the client decodes responses or not."""
    if raw is None:
        return None
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def _state(raw: Any, kind: str) -> SessionState | None:
    """Parse a stored state; a corrupt record counts as absent (logged without its content)."""
    if raw is None:
        return None
    try:
        return SessionState.from_json(raw)
    except (ValueError, TypeError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        log.warning("ignoring a corrupt %s record in the session store", kind)
        return None


REGISTRY_BUCKETS = 4096  # registry hashes; a phone's keys all carry its bucket as their hash tag
REGISTRY_UNTIL = "~until"  # the registry field: until when (ms) the bucket lists every registered phone
REGISTRY_KEY_TTL = 7 * 24 * 3600  # a registry nobody refreshes any more goes away


def phone_tag(msisdn: str) -> str:
    """The Redis Cluster hash tag of every key of one phone: its registry bucket, ``{p0}`` .. ``{p4095}``.

    Every script touches the keys of one session and one phone only, so all its keys share one slot.
    """
    return f"{{p{zlib.crc32(msisdn.encode()) % REGISTRY_BUCKETS}}}"


class _HeldConnection:
    """One pool connection kept by one thread; given back to the pool when the thread (and so this) ends."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.connection: Connection = pool.get_connection()

    def __del__(self) -> None:
        try:
            self.pool.release(self.connection)
        except Exception:  # noqa: BLE001 - a pool already torn down at interpreter exit
            pass


class RedisSessionStore:
    """``SessionStore`` on Redis (a single server or a Redis Cluster: every script's keys share a hash tag).

    ``round_trips`` counts the network round trips of hops and values (one per pipeline execute or
    command/script call; the registry's background refresh counts apart, in ``maintenance_trips``):
    an uncontended hop costs exactly two, ``acquire`` then ``commit``, a new session's limit and the
    registry check included. A script call counts as one even on the rare first EVALSHA after a server
    restart, which redis-py follows with SCRIPT LOAD.

    The phone registry (``cnss:ussd:{pN}:registry``, one hash per bucket of phones) lets ``acquire``
    tell an unregistered caller without a database lookup: a phone absent from a bucket whose
    ``~until`` has not passed is a stranger. ``refresh_registry`` rewrites the buckets from the
    database; ``phone_changed`` adds a phone at once.
    """

    def __init__(self, client: redis.Redis | redis.RedisCluster, ttls: StoreTtls = StoreTtls(),
                 prefix: str = "cnss:ussd:", wall_clock: Callable[[], float] = time.time) -> None:
        """Wrap ``client``; no I/O happens until the first call. ``wall_clock`` stamps session-limit events."""
        self.client = client
        self.ttls = ttls
        self.prefix = prefix
        self.round_trips = 0
        self.maintenance_trips = 0
        self._wall_clock = wall_clock
        self._count_lock = threading.Lock()
        self._threads = threading.local()
        self._release: Script = client.register_script(_RELEASE_LUA)
        self._commit: Script = client.register_script(_COMMIT_LUA)
        self._acquire: Script = client.register_script(_ACQUIRE_LUA)
        self._phone_changed: Script = client.register_script(_PHONE_CHANGED_LUA)

    def _hop_connection(self) -> Connection | None:
        """This thread's own connection for hop scripts, or None on a cluster (whose client routes by slot).

        The connection comes from the shared pool (same timeouts, retries and health checks), skips the
        pool's checkout and return on every call, and goes back to the pool when the thread ends.
        """
        held: _HeldConnection | None = getattr(self._threads, "held", None)
        if held is None:
            if not isinstance(self.client, redis.Redis):
                return None
            held = self._threads.held = _HeldConnection(self.client.connection_pool)
        return held.connection

    def _eval(self, script: Script, keys: list[str], args: list[Any]) -> Any:
        """Run a hop script on this thread's connection (loading it first if the server lost it).

        The command is packed by hiredis and sent on the connection itself, under the connection's own
        retry policy (a dropped connection is reopened and the call made again), without the client's
        per-command bookkeeping (about a third of the CPU of a hop script call).
        """
        connection = self._hop_connection()
        if connection is None:
            return self._eval_on(self.client, script, keys, args)
        command = [hiredis.pack_command(("EVALSHA", script.sha, len(keys), *keys, *args))]

        def call() -> Any:
            connection.send_packed_command(command, check_health=True)  # type: ignore[no-untyped-call]
            return connection.read_response()

        try:
            return connection.retry.call_with_retry(call, lambda _error: connection.disconnect())  # type: ignore[no-untyped-call]
        except NoScriptError:
            return script(keys=keys, args=args, client=self.client)  # loads it, then runs it

    @staticmethod
    def _eval_on(client: redis.Redis | redis.RedisCluster, script: Script, keys: list[str], args: list[Any]) -> Any:
        """Run a hop script through ``client`` (loading it first if the server lost it)."""
        try:
            return client.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)  # type: ignore[no-untyped-call]
        except NoScriptError:
            return script(keys=keys, args=args, client=client)

    def _trip(self) -> None:
        with self._count_lock:
            self.round_trips += 1

    def hop_keys(self, session_key: str, msisdn: str) -> list[str]:
        """lock, session, resume, lang, caller: one session's and one phone's keys, in one slot."""
        base = f"{self.prefix}{phone_tag(msisdn)}:"
        return [f"{base}lock:{session_key}", f"{base}session:{session_key}", f"{base}resume:{msisdn}",
                f"{base}lang:{msisdn}", f"{base}caller:{msisdn}"]

    def _registry_key(self, msisdn: str) -> str:
        return f"{self.prefix}{phone_tag(msisdn)}:registry"

    def _bucket_key(self, bucket: int) -> str:
        return f"{self.prefix}{{p{bucket}}}:registry"

    def _session_limit_key(self, msisdn: str) -> str:
        return f"{self.prefix}{phone_tag(msisdn)}:sessions:{msisdn}"

    def _value_key(self, name: str) -> str:
        return f"{self.prefix}value:{name}"

    def acquire(self, session_key: str, msisdn: str, *, wait: float,
                session_limit: tuple[int, float] | None = None) -> HopLease:
        """Take the session lock (waiting up to ``wait`` s) and read state, checkpoint, language, caller.

        With ``session_limit`` (count, window s), a new session of a phone that opened ``count`` in the
        window is refused in the same call: the lease comes back ``limited``, its lock already released.
        """
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait
        backoff = FIRST_BACKOFF
        keys = [*self.hop_keys(session_key, msisdn), self._registry_key(msisdn), self._session_limit_key(msisdn)]
        count, window = session_limit or (0, 0.0)
        while True:
            now_ms = round(self._wall_clock() * 1000)
            reply = self._eval(self._acquire, keys, [token, _ms(self.ttls.lock), msisdn, now_ms, count, _ms(window),
                                                     f"{now_ms}:{token[:8]}"])
            self._trip()
            if reply[0] == 2:
                return HopLease(session_key, msisdn, token, None, None, _text(reply[1]), limited=True)
            if reply[0]:
                _, raw_state, raw_checkpoint, raw_language, raw_caller, registry = reply
                caller = _text(raw_caller) if self.ttls.caller else None
                return HopLease(session_key, msisdn, token, _state(raw_state, "session"),
                                _state(raw_checkpoint, "resume"), _text(raw_language),
                                STRANGER if registry == 1 else caller, registry_stale=registry == 2)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SessionBusyError(f"session {session_key!r} stayed locked for {wait:.3f} s")
            time.sleep(min(backoff, remaining))
            backoff = min(backoff * 2, MAX_BACKOFF)

    def commit(self, lease: HopLease, state: SessionState | None, *, checkpoint: SessionState | None,
               language: str | None, caller: str | None = None) -> None:
        """Atomically write (or delete) session and checkpoint, set the language and caller, release the lock.

        If our lock expired and was taken by another hop, nothing is written and ``SessionBusyError``
        is raised: the other hop owns the session now and our view of it is stale.
        """
        keys = self.hop_keys(lease.session_key, lease.msisdn)
        args: list[str | int] = [lease.token,
                state.to_json() if state is not None else "", _ms(self.ttls.session),
                checkpoint.to_json() if checkpoint is not None else "", _ms(self.ttls.resume),
                language or "", _ms(self.ttls.language),
                (caller or "") if self.ttls.caller else "", _ms(self.ttls.caller)]
        written = self._eval(self._commit, keys, args)
        self._trip()
        if not written:
            raise SessionBusyError(f"lost the lock of session {lease.session_key!r} before commit; nothing written")

    def release(self, lease: HopLease) -> None:
        """Release the lock without writing; a lock taken over by another hop is left alone."""
        if lease.limited:
            return  # the acquire script released it already
        self._eval(self._release, self.hop_keys(lease.session_key, lease.msisdn)[:1], [lease.token])
        self._trip()

    def phone_changed(self, msisdn: Msisdn) -> None:
        """Forget the cached accounts of a phone whose registration changed; the registry counts it in."""
        self._phone_changed(keys=[self.hop_keys("", msisdn.e164)[4], self._registry_key(msisdn.e164)],
                            args=[msisdn.e164, REGISTRY_KEY_TTL])
        self._trip()

    def refresh_registry(self, phones: Iterable[str], *, fresh_for: float, read_started: float) -> int:
        """Write every registered phone into its registry bucket, and mark every bucket complete until
        ``read_started + fresh_for`` (unix seconds; ``read_started``: when the phones were read, so a
        registration committed after that is either told by ``phone_changed`` or caught by the next refresh).

        Adds only: a phone no longer registered stays listed (it costs that phone a directory lookup).
        Returns how many phones were written.
        """
        buckets: dict[int, dict[Any, Any]] = {bucket: {} for bucket in range(REGISTRY_BUCKETS)}
        written = 0
        for phone in phones:
            buckets[zlib.crc32(phone.encode()) % REGISTRY_BUCKETS][phone] = "1"
            written += 1
        until = str(round((read_started + fresh_for) * 1000))
        pipe = self.client.pipeline(transaction=False)
        for n, (bucket, members) in enumerate(buckets.items(), start=1):
            key = self._bucket_key(bucket)
            members[REGISTRY_UNTIL] = until
            pipe.hset(key, mapping=members)
            pipe.expire(key, REGISTRY_KEY_TTL)
            if n % 512 == 0:
                pipe.execute()
                self.maintenance_trips += 1
        pipe.execute()
        self.maintenance_trips += 1
        return written

    def claim_registry_refresh(self, seconds: float) -> bool:
        """True for one caller among all processes until it calls ``end_registry_refresh`` (or for ``seconds``,
        should it die first): who refreshes the registry now."""
        claimed = self.client.set(f"{self.prefix}registry-refresh", "1", nx=True, px=_ms(seconds))
        self.maintenance_trips += 1
        return bool(claimed)

    def end_registry_refresh(self) -> None:
        """Give up the claim taken by ``claim_registry_refresh``."""
        self.client.delete(f"{self.prefix}registry-refresh")
        self.maintenance_trips += 1

    def put_value(self, name: str, value: str, ttl: int) -> None:
        """Store a short-lived value for ``ttl`` seconds."""
        if ttl <= 0:
            raise ValueError("a stored value needs a positive ttl")
        self.client.set(self._value_key(name), value, px=_ms(ttl))
        self._trip()

    def get_value(self, name: str) -> str | None:
        """Read a short-lived value, or None once expired."""
        raw = self.client.get(self._value_key(name))
        self._trip()
        return _text(raw)

    def delete_value(self, name: str) -> None:
        """Forget a short-lived value."""
        self.client.delete(self._value_key(name))
        self._trip()
