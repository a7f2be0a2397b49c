"""Clocks: the system clock in the gateway's business timezone, and a fixed clock."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


class SystemClock:
    """Real time, UTC; business days in ``business_timezone`` (default Africa/Lome)."""

    def __init__(self, business_timezone: str = "Africa/Lome") -> None:
        self.zone = ZoneInfo(business_timezone)

    def now(self) -> datetime:
        """Current instant, timezone-aware UTC."""
        return datetime.now(timezone.utc)

    def today(self) -> date:
        """Current business day."""
        return self.business_day(self.now())

    def business_day(self, instant: datetime) -> date:
        """The business day an instant falls on."""
        return self.local(instant).date()

    def local(self, instant: datetime) -> datetime:
        """The instant in the business timezone (for display)."""
        return instant.astimezone(self.zone)


class FixedClock(SystemClock):
    """A clock stopped at one instant (tests, back-dated demo data)."""

    def __init__(self, instant: datetime, business_timezone: str = "Africa/Lome") -> None:
        super().__init__(business_timezone)
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = instant.astimezone(timezone.utc)

    def now(self) -> datetime:
        """The fixed instant."""
        return self.instant
