"""In-process session store with the Redis store's semantics: per-session locks and a TTL on every key."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from core.domain.msisdn import Msisdn
from menus.state import SessionState
from menus.store import HopLease, SessionBusyError, StoreTtls

log = logging.getLogger(__name__)

SWEEP_EVERY = 1.0  # seconds of clock between full sweeps of expired keys
MAX_POLL = 0.05  # a waiter re-checks at least this often (a lock may expire without anyone notifying)


def _state(raw: str | None, kind: str) -> SessionState | None:
    """Parse a stored state; a corrupt record counts as absent (logged without its content)."""
    if raw is None:
        return None
    try:
        return SessionState.from_json(raw)
    except (ValueError, TypeError):
        log.warning("ignoring a corrupt %s record in the session store", kind)
        return None


class MemorySessionStore:
    """``SessionStore`` in one process (the default when no Redis is configured).

    Keys mirror the Redis layout without prefix (``session:<key>``, ``lock:<key>``, ``resume:<msisdn>``,
    ``lang:<msisdn>``, ``caller:<msisdn>``, ``value:<name>``); each maps to ``(value, expires_at)`` on ``clock``. States are
    kept as JSON so callers never share mutable objects with the store. Expired keys are invisible to
    reads and are swept on writes at most every ``SWEEP_EVERY`` s, so memory stays bounded.

    ``round_trips`` counts the calls that would be round trips on Redis (each acquire attempt, commit,
    release and value call), so an uncontended hop also counts two; a waiting ``acquire`` sleeps on a
    condition rather than polling, and counts one attempt per wake-up.

    ``clock`` drives expiry; the ``wait`` budget of ``acquire`` is real time (``time.monotonic``).
    """

    def __init__(self, ttls: StoreTtls = StoreTtls(), clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        """An empty store; ``wall_clock`` stamps session-limit events."""
        self.ttls = ttls
        self.round_trips = 0
        self._clock = clock
        self._wall_clock = wall_clock
        self._session_starts: dict[str, list[float]] = {}
        self._data: dict[str, tuple[str, float]] = {}
        self._mutex = threading.Lock()
        self._changed = threading.Condition(self._mutex)
        self._next_sweep = clock() + SWEEP_EVERY

    # Helpers below run with ``self._mutex`` held.

    def _get(self, key: str, now: float) -> str | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._data[key]
            return None
        return entry[0]

    def _set(self, key: str, value: str, ttl: float, now: float) -> None:
        self._data[key] = (value, now + ttl)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        for key in [key for key, (_, expires_at) in self._data.items() if expires_at <= now]:
            del self._data[key]
        self._next_sweep = now + SWEEP_EVERY

    def acquire(self, session_key: str, msisdn: str, *, wait: float,
                session_limit: tuple[int, float] | None = None) -> HopLease:
        """Take the session lock (waiting up to ``wait`` s) and read state, checkpoint, language, caller;
        a new session beyond ``session_limit`` (count, window s) comes back ``limited``."""
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait
        lock_key = f"lock:{session_key}"
        with self._changed:
            while True:
                self.round_trips += 1
                now = self._clock()
                if self._get(lock_key, now) is None:
                    self._sweep(now)
                    state = _state(self._get(f"session:{session_key}", now), "session")
                    if state is None and session_limit and not self._admit(msisdn, *session_limit):
                        return HopLease(session_key, msisdn, token, None, None, self._get(f"lang:{msisdn}", now),
                                        limited=True)
                    self._set(lock_key, token, self.ttls.lock, now)
                    return HopLease(session_key, msisdn, token,
                                    state, _state(self._get(f"resume:{msisdn}", now), "resume"),
                                    self._get(f"lang:{msisdn}", now),
                                    self._get(f"caller:{msisdn}", now) if self.ttls.caller else None)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SessionBusyError(f"session {session_key!r} stayed locked for {wait:.3f} s")
                self._changed.wait(min(remaining, MAX_POLL))

    def _admit(self, msisdn: str, count: int, window: float) -> bool:
        """Sliding window of a phone's new sessions (mutex held); an admitted session is counted."""
        now = self._wall_clock()
        starts = [t for t in self._session_starts.get(msisdn, ()) if t > now - window]
        if len(starts) >= count:
            self._session_starts[msisdn] = starts
            return False
        self._session_starts[msisdn] = [*starts, now]
        if len(self._session_starts) > 10_000:  # bounded: forget phones with no start in their window
            self._session_starts = {k: v for k, v in self._session_starts.items() if v and v[-1] > now - window}
        return True

    def commit(self, lease: HopLease, state: SessionState | None, *, checkpoint: SessionState | None,
               language: str | None, caller: str | None = None) -> None:
        """Atomically write (or delete) session and checkpoint, set the language and caller, release the lock.

        If our lock expired and was taken by another hop, nothing is written and ``SessionBusyError``
        is raised (as with Redis).
        """
        lock_key = f"lock:{lease.session_key}"
        with self._changed:
            self.round_trips += 1
            now = self._clock()
            if self._get(lock_key, now) != lease.token:
                raise SessionBusyError(
                    f"lost the lock of session {lease.session_key!r} before commit; nothing written")
            self._sweep(now)
            session_key, resume_key = f"session:{lease.session_key}", f"resume:{lease.msisdn}"
            if state is None:
                self._data.pop(session_key, None)
            else:
                self._set(session_key, state.to_json(), self.ttls.session, now)
            if checkpoint is None:
                self._data.pop(resume_key, None)
            else:
                self._set(resume_key, checkpoint.to_json(), self.ttls.resume, now)
            if language:
                self._set(f"lang:{lease.msisdn}", language, self.ttls.language, now)
            if caller and self.ttls.caller:
                self._set(f"caller:{lease.msisdn}", caller, self.ttls.caller, now)
            del self._data[lock_key]
            self._changed.notify_all()

    def release(self, lease: HopLease) -> None:
        """Release the lock without writing; a lock taken over by another hop is left alone."""
        if lease.limited:
            return  # never locked
        lock_key = f"lock:{lease.session_key}"
        with self._changed:
            self.round_trips += 1
            if self._get(lock_key, self._clock()) == lease.token:
                del self._data[lock_key]
                self._changed.notify_all()

    def phone_changed(self, msisdn: Msisdn) -> None:
        """Forget the cached accounts of a phone whose registration changed."""
        with self._mutex:
            self.round_trips += 1
            self._data.pop(f"caller:{msisdn.e164}", None)

    def put_value(self, name: str, value: str, ttl: int) -> None:
        """Store a short-lived value for ``ttl`` seconds."""
        if ttl <= 0:
            raise ValueError("a stored value needs a positive ttl")
        with self._mutex:
            self.round_trips += 1
            now = self._clock()
            self._sweep(now)
            self._set(f"value:{name}", value, ttl, now)

    def get_value(self, name: str) -> str | None:
        """Read a short-lived value, or None once expired."""
        with self._mutex:
            self.round_trips += 1
            return self._get(f"value:{name}", self._clock())

    def delete_value(self, name: str) -> None:
        """Forget a short-lived value."""
        with self._mutex:
            self.round_trips += 1
            self._data.pop(f"value:{name}", None)

    def keys_with_ttl(self) -> dict[str, float]:
        """Remaining seconds of every live key (for tests)."""
        with self._mutex:
            now = self._clock()
            return {key: expires_at - now for key, (_, expires_at) in self._data.items() if expires_at > now}

    def put_raw(self, key: str, value: str, ttl: float) -> None:
        """Write a raw record under an unprefixed key such as ``session:<key>`` (for tests)."""
        with self._mutex:
            self._set(key, value, ttl, self._clock())
