"""In-process rate limiter with the Redis limiter's semantics: sliding windows, every key expiring."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

SWEEP_EVERY = 60.0  # seconds of clock between full sweeps of expired keys


class MemoryRateLimiter:
    """``RateLimiter`` in one process (the default when no Redis is configured); thread-safe.

    Each key holds the instants of its admitted events and expires one window after the newest, so
    memory stays bounded. ``clock`` (seconds) drives the windows: tests pass a settable one.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        """An empty limiter."""
        self._clock = clock
        self._events: dict[str, tuple[list[float], float]] = {}  # key -> (admitted instants, expires_at)
        self._mutex = threading.Lock()
        self._next_sweep = clock() + SWEEP_EVERY

    def admit(self, key: str, limit: int, window: float) -> bool:
        """Record one event if fewer than ``limit`` were admitted in the last ``window`` seconds."""
        with self._mutex:
            now = self._clock()
            self._sweep(now)
            entry = self._events.get(key)
            recent = [at for at in entry[0] if at > now - window] if entry and entry[1] > now else []
            admitted = len(recent) < limit
            if admitted:
                recent.append(now)
            if recent:
                self._events[key] = (recent, max(recent) + window)
            else:
                self._events.pop(key, None)
            return admitted

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        for key in [key for key, (_, expires_at) in self._events.items() if expires_at <= now]:
            del self._events[key]
        self._next_sweep = now + SWEEP_EVERY

    def keys_with_ttl(self) -> dict[str, float]:
        """Remaining seconds of every live key (for tests)."""
        with self._mutex:
            now = self._clock()
            return {key: expires_at - now for key, (_, expires_at) in self._events.items() if expires_at > now}
