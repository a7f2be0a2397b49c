"""Where the USSD engine reports an internal failure, under the error id it shows the caller (a port)."""
from __future__ import annotations

from typing import Protocol


class IncidentSink(Protocol):
    """Takes one incident; must return at once (the write, if any, happens elsewhere) and never raise."""

    def incident(self, error_id: str, where: str, kind: str) -> None:
        """``error_id`` as shown to the caller; ``where`` a screen id or route pattern; ``kind`` the exception's
        class name (never its message, which may quote what was typed)."""
        ...


class NoIncidents:
    """The default: incidents are only logged, by the caller."""

    def incident(self, error_id: str, where: str, kind: str) -> None:
        """Drop the incident."""
