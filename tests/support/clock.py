"""A clock the tests can move forward."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import SystemClock


class SettableClock(SystemClock):
    """Stopped at ``instant`` until a test advances it."""

    def __init__(self, instant: datetime) -> None:
        super().__init__("Africa/Lome")
        self.instant = instant

    def now(self) -> datetime:
        """The current fake instant."""
        return self.instant

    def advance(self, **delta: float) -> None:
        """Move time forward (``minutes=31``)."""
        self.instant += timedelta(**delta)
