"""Keeps the session store's phone registry fresh, so unregistered callers need no directory lookup."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Protocol

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds a process waits before trying again after an attempt (its own, or a failed one)
CLAIM_SECONDS = 120.0  # a refresh claim outlives a process that died refreshing by this much at most


class PhoneRegistry(Protocol):
    """The part of a session store that lists registered phones (the Redis store)."""

    def refresh_registry(self, phones: Iterable[str], *, fresh_for: float, read_started: float) -> int:
        """Write the registered phones; the registry is complete until ``read_started + fresh_for``."""
        ...

    def claim_registry_refresh(self, seconds: float) -> bool:
        """True for one caller among all processes until ``end_registry_refresh`` (or ``seconds``)."""
        ...

    def end_registry_refresh(self) -> None:
        """Give up the claim."""
        ...


class RegistryRefresher:
    """Refreshes the registry in the background when a hop finds it stale: one process at a time,
    at most one attempt per process every ``RETRY_AFTER`` s; until it is done, callers are looked up.

    ``fresh_for`` bounds how late a registration made outside the gateway (straight into the database)
    is seen: the gateway's own registrations reach the registry at once through ``phone_changed``.
    """

    def __init__(self, registry: PhoneRegistry, phones: Callable[[], Iterable[str]], fresh_for: float,
                 executor: Executor) -> None:
        """Refresh ``registry`` from ``phones`` (the directory) on ``executor``."""
        self.registry, self.phones, self.fresh_for, self.executor = registry, phones, fresh_for, executor
        self._next_attempt = 0.0
        self._closed = False
        self._mutex = threading.Lock()

    def stale(self) -> None:
        """A hop found the registry stale: start a refresh unless one was attempted lately."""
        now = time.monotonic()
        with self._mutex:
            if self._closed or now < self._next_attempt:
                return
            self._next_attempt = now + RETRY_AFTER
        self.executor.submit(self.refresh)

    def close(self) -> None:
        """Wait for a refresh under way, and start no other (the app's database is going away)."""
        with self._mutex:
            self._closed = True
        self.executor.shutdown(wait=True, cancel_futures=True)

    def refresh(self) -> int | None:
        """Refresh now if this process wins the claim; the number of phones written, or None."""
        if self._closed:
            return None
        try:
            if not self.registry.claim_registry_refresh(CLAIM_SECONDS):
                return None
            try:
                started = time.time()
                written = self.registry.refresh_registry(self.phones(), fresh_for=self.fresh_for,
                                                         read_started=started)
            finally:
                self.registry.end_registry_refresh()
        except Exception as exc:  # noqa: BLE001 - callers are simply looked up until a refresh succeeds
            log.warning("phone registry refresh failed: %s", type(exc).__name__)
            return None
        log.info("phone registry refreshed: %s phones in %.0f ms", written, (time.time() - started) * 1000)
        return written
