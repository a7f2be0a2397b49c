"""Activity history: what happened on a person's account, newest first, without personal data."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from core.domain.parties import HolderKind


class ActivityKind(enum.Enum):
    """Kinds of events shown in "my activity"."""

    DECLARATION_FILED = "declaration_filed"
    REFERENCE_ISSUED = "reference_issued"
    PAYMENT_RECEIVED = "payment_received"
    REQUEST_FILED = "request_filed"
    REQUEST_STATUS_CHANGED = "request_status_changed"
    PIN_CHANGED = "pin_changed"


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One event, with a small dict of display values (reference, amount, tracking number, kind, status)."""

    holder_kind: HolderKind
    holder_number: str
    kind: ActivityKind
    occurred_at: datetime
    details: dict[str, str] = field(default_factory=dict)
    entry_id: int | None = None
