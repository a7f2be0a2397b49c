"""Quiet hours: reminders never go out between 20:00 and 07:00 business time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

# Purposes that must wait for the morning; receipts, codes and replies are never held back.
QUIET_PURPOSES = frozenset({"reminder", "overdue_notice"})


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A nightly window [start, end) in business-local time."""

    start: time = time(20, 0)
    end: time = time(7, 0)

    def contains(self, local: datetime) -> bool:
        """True when ``local`` (business timezone) falls in the window."""
        now = local.time()
        return now >= self.start or now < self.end

    def next_allowed(self, local: datetime) -> datetime:
        """The first instant at or after ``local`` outside the window (same timezone)."""
        if not self.contains(local):
            return local
        morning = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return morning if local.time() < self.end else morning + timedelta(days=1)
