"""The error register's writer: each error id shown to a caller is recorded off the request thread, best effort."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Final

from flask import current_app, has_request_context, request

from core.domain.incidents import Incident
from core.ports import Clock, IncidentRepository

logger = logging.getLogger(__name__)
EXTENSION: Final = "cnss_incidents"
MAX_PENDING: Final = 100  # beyond this, while the database is down, incidents are only logged


class IncidentRegister:
    """Records incidents (an ``menus.incidents.IncidentSink``) and reads them back for the console.

    ``incident`` returns at once: a single background thread writes, so a database that is down (the
    usual cause of an error) delays no answer; an incident that cannot be written is logged and dropped.
    """

    def __init__(self, repository: IncidentRepository, clock: Clock, max_pending: int = MAX_PENDING) -> None:
        """Write to ``repository``, dating incidents by ``clock``."""
        self.repository, self.clock, self.max_pending = repository, clock, max_pending
        self._pending = 0
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="incidents")

    def incident(self, error_id: str, where: str, kind: str) -> None:
        """Queue one incident for writing; never raises."""
        try:
            record = Incident.bounded(error_id, self.clock.now(), where, kind)
            with self._lock:
                if self._pending >= self.max_pending:
                    logger.warning("incident error_id=%s not recorded: %d writes already waiting", error_id,
                                   self._pending)
                    return
                self._pending += 1
            self._writer.submit(self._write, record)
        except Exception:  # noqa: BLE001 - the register never costs the caller an answer
            logger.exception("could not queue incident error_id=%s", error_id)

    def _write(self, record: Incident) -> None:
        try:
            if not self.repository.add(record):
                logger.warning("incident error_id=%s already recorded", record.error_id)
        except Exception as exc:  # noqa: BLE001 - best effort: the error id stays in the logs
            logger.warning("incident error_id=%s not recorded: %s", record.error_id, type(exc).__name__)
        finally:
            with self._lock:
                self._pending -= 1

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until the incidents queued so far are written (or ``timeout`` passes)."""
        wait([self._writer.submit(lambda: None)], timeout=timeout)

    def recent(self, limit: int = 50) -> list[Incident]:
        """The newest incidents, newest first (the console's list)."""
        return self.repository.recent(limit)

    def by_id(self, error_id: str) -> Incident | None:
        """The incident a caller quoted (the console's search)."""
        return self.repository.by_id(error_id)


def incident_register() -> IncidentRegister | None:
    """The current app's register (None outside an app)."""
    try:
        found = current_app.extensions.get(EXTENSION)
    except RuntimeError:  # no application context
        return None
    return found if isinstance(found, IncidentRegister) else None


def route_pattern() -> str:
    """Where the current request failed: its route's pattern (``/api/bank/v1/references/<reference>``), never
    its path, which may carry a reference or a phone."""
    rule = request.url_rule if has_request_context() else None
    return rule.rule if rule is not None else "unrouted"


def register_incident(error_id: str, kind: str, where: str | None = None) -> None:
    """Record an incident on the current app's register (``where``: the current route by default); never raises."""
    try:
        register = incident_register()
        if register is not None:
            register.incident(error_id, where or route_pattern(), kind)
    except Exception:  # noqa: BLE001 - the register never costs the caller an answer
        logger.exception("could not register incident error_id=%s", error_id)
