"""Redis session store: one locked read and one atomic write per hop (Lua scripts), every key with a TTL."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

import redis
from redis.commands.core import Script

from core.domain.msisdn import Msisdn
from menus.state import SessionState
from menus.store import HopLease, SessionBusyError, StoreTtls

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

# Take the lock, and only then read: one script call instead of a four-command pipeline.
# KEYS: lock, session, resume, lang, caller. ARGV: token, lock ttl ms. Returns {0} when the lock is held
# elsewhere. (A missing key reads as false, which Redis returns as nil without shortening the array.)
_ACQUIRE_LUA = """
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0}
end
return {1, redis.call('get', KEYS[2]), redis.call('get', KEYS[3]), redis.call('get', KEYS[4]),
        redis.call('get', KEYS[5])}
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


class RedisSessionStore:
    """``SessionStore`` on Redis.

    ``round_trips`` counts network round trips (one per pipeline execute or command/script call):
    an uncontended hop costs exactly two, ``acquire`` then ``commit``. A script call counts as one
    even on the rare first EVALSHA after a server restart, which redis-py follows with SCRIPT LOAD.

    The commit script touches keys of the session and of the phone; on Redis Cluster they would
    need a common hash tag, which this layout (matching ``SessionStore``'s docstring) does not have.
    """

    def __init__(self, client: redis.Redis, ttls: StoreTtls = StoreTtls(), prefix: str = "cnss:ussd:") -> None:
        """Wrap ``client``; no I/O happens until the first call."""
        self.client = client
        self.ttls = ttls
        self.prefix = prefix
        self.round_trips = 0
        self._count_lock = threading.Lock()
        self._release: Script = client.register_script(_RELEASE_LUA)
        self._commit: Script = client.register_script(_COMMIT_LUA)
        self._acquire: Script = client.register_script(_ACQUIRE_LUA)

    def _trip(self) -> None:
        with self._count_lock:
            self.round_trips += 1

    def _session_key(self, session_key: str) -> str:
        return f"{self.prefix}session:{session_key}"

    def _lock_key(self, session_key: str) -> str:
        return f"{self.prefix}lock:{session_key}"

    def _resume_key(self, msisdn: str) -> str:
        return f"{self.prefix}resume:{msisdn}"

    def _lang_key(self, msisdn: str) -> str:
        return f"{self.prefix}lang:{msisdn}"

    def _caller_key(self, msisdn: str) -> str:
        return f"{self.prefix}caller:{msisdn}"

    def _value_key(self, name: str) -> str:
        return f"{self.prefix}value:{name}"

    def acquire(self, session_key: str, msisdn: str, *, wait: float) -> HopLease:
        """Take the session lock (waiting up to ``wait`` s) and read state, checkpoint, language, caller."""
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait
        backoff = FIRST_BACKOFF
        keys = [self._lock_key(session_key), self._session_key(session_key), self._resume_key(msisdn),
                self._lang_key(msisdn), self._caller_key(msisdn)]
        while True:
            reply = self._acquire(keys=keys, args=[token, _ms(self.ttls.lock)])
            self._trip()
            if reply[0]:
                _, raw_state, raw_checkpoint, raw_language, raw_caller = reply
                return HopLease(session_key, msisdn, token, _state(raw_state, "session"),
                                _state(raw_checkpoint, "resume"), _text(raw_language),
                                _text(raw_caller) if self.ttls.caller else None)
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
        keys = [self._lock_key(lease.session_key), self._session_key(lease.session_key),
                self._resume_key(lease.msisdn), self._lang_key(lease.msisdn), self._caller_key(lease.msisdn)]
        args: list[str | int] = [lease.token,
                state.to_json() if state is not None else "", _ms(self.ttls.session),
                checkpoint.to_json() if checkpoint is not None else "", _ms(self.ttls.resume),
                language or "", _ms(self.ttls.language),
                (caller or "") if self.ttls.caller else "", _ms(self.ttls.caller)]
        written = self._commit(keys=keys, args=args)
        self._trip()
        if not written:
            raise SessionBusyError(f"lost the lock of session {lease.session_key!r} before commit; nothing written")

    def release(self, lease: HopLease) -> None:
        """Release the lock without writing; a lock taken over by another hop is left alone."""
        self._release(keys=[self._lock_key(lease.session_key)], args=[lease.token])
        self._trip()

    def phone_changed(self, msisdn: Msisdn) -> None:
        """Forget the cached accounts of a phone whose registration changed."""
        self.client.delete(self._caller_key(msisdn.e164))
        self._trip()

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
