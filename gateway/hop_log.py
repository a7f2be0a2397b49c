"""The hop log: every answered USSD hop buffered in process and written to ``ussd_hops`` in the background.

A hop only appends to a bounded in-memory buffer (no I/O, never raises). A daemon thread writes the
buffer every second, or as soon as a batch is waiting, in one multi-row insert per batch, and the
process writes what is left when it exits. When the database is unreachable, the records wait in
the buffer and are retried; once the buffer is full the oldest records are dropped and counted, so
an outage loses at most the buffer (``capacity`` hops), never delays or fails a hop.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.database import when_disposed
from core.ports import UnitOfWorkFactory
from menus.service import UssdService
from menus.transcripts import FanOutRecorder, HopRecord

logger = logging.getLogger(__name__)
# The database is away (or too slow): keep the records and try again; any other error drops the batch.
_TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
_LIVE: weakref.WeakSet[HopLog] = weakref.WeakSet()
WARN_EVERY = 60.0  # seconds between two "database unavailable" warnings of one hop log


class HopLog:
    """A ``HopRecorder`` writing hops to the database in the background, in batches."""

    def __init__(self, uow_factory: UnitOfWorkFactory, *, capacity: int = 20_000, batch: int = 500,
                 interval: float = 1.0, idle_exit: float = 60.0, background: bool = True) -> None:
        """Buffer up to ``capacity`` hops; write ``batch`` at a time every ``interval`` seconds (``background``:
        by a daemon thread, started with the first hop; without it only ``flush()`` writes)."""
        if capacity < batch or batch < 1:
            raise ValueError("the buffer must hold at least one batch")
        self.uow_factory, self.capacity, self.batch = uow_factory, capacity, batch
        self.interval, self.idle_exit, self.background = interval, idle_exit, background
        self.dropped = 0  # records pushed out of a full buffer, or refused by the database
        self.written = 0
        self._buffer: deque[HopRecord] = deque()
        self._lock = threading.Lock()  # guards the buffer, the counters and the thread handle
        self._flushing = threading.Lock()  # one writer at a time
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_at: float | None = None  # when the last "database unavailable" was logged (None: up)
        _LIVE.add(self)

    def record(self, hop: HopRecord) -> None:
        """Queue one hop (the oldest queued one is dropped when the buffer is full)."""
        with self._lock:
            if len(self._buffer) >= self.capacity:
                self._buffer.popleft()
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    logger.warning("hop log buffer full: %d hop record(s) dropped so far", self.dropped)
            self._buffer.append(hop)
            if len(self._buffer) >= self.batch:
                self._wake.set()
            if self._thread is None and self.background:
                self._thread = threading.Thread(target=self._run, name="hop-log", daemon=True)
                self._thread.start()

    def pending(self) -> int:
        """How many records wait in the buffer."""
        with self._lock:
            return len(self._buffer)

    def flush(self) -> int:
        """Write every buffered record now (tests, exit); how many were written."""
        written = 0
        with self._flushing:
            while True:
                with self._lock:
                    taken = [self._buffer.popleft() for _ in range(min(self.batch, len(self._buffer)))]
                if not taken:
                    return written
                stored = self._write(taken)
                if stored is None:
                    return written
                written += stored

    def _write(self, taken: list[HopRecord]) -> int | None:
        """Store one batch: how many were stored, or None when the database is away (the batch kept)."""
        try:
            with self.uow_factory() as uow:
                uow.hop_log.add_many(taken)
                uow.commit()
        except _TRANSIENT as exc:
            with self._lock:  # back in front, to be retried; a full buffer drops the oldest first
                self._buffer.extendleft(reversed(taken))
                while len(self._buffer) > self.capacity:
                    self._buffer.popleft()
                    self.dropped += 1
            now = time.monotonic()
            if self._warned_at is None or now - self._warned_at >= WARN_EVERY:  # not once a second
                self._warned_at = now
                logger.warning("hop log: database unavailable, %d hop record(s) waiting to be retried (%s)",
                               self.pending(), type(exc).__name__)
            return None
        except Exception:  # noqa: BLE001 - a batch the database refuses must not block the others
            with self._lock:
                self.dropped += len(taken)
            logger.exception("hop log: %d hop record(s) refused by the database and dropped", len(taken))
            return 0
        with self._lock:
            self.written += len(taken)
        if self._warned_at is not None:
            self._warned_at = None
            logger.warning("hop log: database available again, buffered hop records written")
        return len(taken)

    def _run(self) -> None:
        idle = 0.0
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()
            with self._lock:
                idle = 0.0 if self._buffer else idle + self.interval
                if idle >= self.idle_exit and not self._buffer:
                    self._thread = None  # the next record starts a new writer
                    return

    def flush_when_disposed(self, engine: Engine) -> None:
        """Write the buffer whenever ``engine`` is disposed (an app shutting down, a test's end), so no record
        reaches the database after its owner let it go."""
        when_disposed(engine, self.flush)  # waits for a background write under way, then closes its connection

    def close(self) -> None:
        """Write what is left (called at process exit)."""
        self.flush()


def hop_log_of(ussd: UssdService) -> HopLog | None:
    """The hop log an app's USSD service writes to, if it has one (tests flush it)."""
    recorders = ussd.recorder.recorders if isinstance(ussd.recorder, FanOutRecorder) else [ussd.recorder]
    return next((r for r in recorders if isinstance(r, HopLog)), None)


@atexit.register
def _flush_at_exit() -> None:
    for log in list(_LIVE):
        try:
            log.close()
        except Exception:  # noqa: BLE001 - exiting anyway
            logger.exception("hop log: could not write the last hop records at exit")
