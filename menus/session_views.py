"""Lookups shown more than once in a USSD session (the account summary: balance, payments, back) computed once.

A view is kept in this process for its session only, so a new session always reads the account afresh,
and it is forgotten as soon as the session changes anything through the backend (a declaration filed,
a reference issued), so the session never shows an account older than its own actions. A session whose
hops land on another process computes the view there once more: the cache only saves work, it never
holds the truth. Nothing here reaches Redis or the database.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar

R = TypeVar("R")
MAX_SESSIONS: Final = 4096  # a few KB each: an account summary with its statement lines
TTL_S: Final = 300.0  # a USSD session lasts seconds to a few minutes


class SessionViews:
    """Per-session memo of lookups, bounded (least recently used sessions go first) and expiring."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, ttl_s: float = TTL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Keep at most ``max_sessions`` sessions' views, each for ``ttl_s`` seconds after it was first made."""
        self.max_sessions, self.ttl_s, self._clock = max_sessions, ttl_s, clock
        self._sessions: OrderedDict[Hashable, tuple[float, dict[Hashable, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, session: Hashable, key: Hashable, compute: Callable[[], R]) -> R:
        """The session's view ``key``, computed by ``compute`` when absent (a failure is not kept)."""
        now = self._clock()
        with self._lock:
            entry = self._sessions.get(session)
            if entry is not None and entry[0] > now and key in entry[1]:
                self._sessions.move_to_end(session)
                value: R = entry[1][key]
                return value
        value = compute()
        with self._lock:
            entry = self._sessions.get(session)
            if entry is None or entry[0] <= now:
                entry = (now + self.ttl_s, {})
            entry[1][key] = value
            self._sessions[session] = entry
            self._sessions.move_to_end(session)
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return value

    def forget(self, session: Hashable) -> None:
        """Drop every view of ``session`` (it changed something)."""
        with self._lock:
            self._sessions.pop(session, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
