"""Operational records kept for CNSS staff: end-of-session reports from USSD providers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class UssdSessionReport:
    """How a provider says a USSD session ended (Success, Incomplete, Failed, or anything else verbatim)."""

    provider: str
    session_id: str
    status: str
    received_at: datetime
    msisdn: str | None = None
    service_code: str = ""
    network_code: str = ""
    ended_at: datetime | None = None
    duration_ms: int | None = None
    hops_count: int | None = None
    hops_metadata: str = ""
    inputs_count: int | None = None  # how many inputs the session had; what was typed is never kept
    last_app_response: str = ""
    error_message: str | None = None
    cost: str = ""
