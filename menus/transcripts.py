"""What each USSD hop leaves for operations: screen ids, timings and outcome, never what was typed."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HopRecord:
    """One answered hop.

    ``screen`` is the screen answered (its id, no personal data); ``error`` the refusal shown on it
    (``common.invalid_choice``, ``auth.wrong_pin``...) when the input was refused; ``new_session`` marks
    a session's first hop; ``repeat`` a duplicate hop answered from the session's last reply. The phone
    is kept whole for the console's search and shown masked; retention purges the records.
    """

    provider: str
    session_id: str
    msisdn: str
    service_code: str
    network_code: str
    at: datetime  # when the hop arrived (aware UTC)
    duration_ms: float
    screen: str
    final: bool
    new_session: bool
    repeat: bool = False
    error: str | None = None


class HopRecorder(Protocol):
    """Receives every answered hop; must return at once (no I/O on the hop path) and never raise."""

    def record(self, hop: HopRecord) -> None:
        """Take one hop record (buffered by the implementation)."""
        ...


class NoRecorder:
    """The default: hop records are dropped."""

    def record(self, hop: HopRecord) -> None:
        """Drop ``hop``."""


class FanOutRecorder:
    """Hands each hop record to several recorders (metrics, the hop log...); one failing spares the others."""

    def __init__(self, recorders: list[HopRecorder]) -> None:
        """Fan out to ``recorders``, in order."""
        self.recorders = recorders

    def record(self, hop: HopRecord) -> None:
        """Give ``hop`` to every recorder."""
        for recorder in self.recorders:
            try:
                recorder.record(hop)
            except Exception:  # noqa: BLE001 - a recorder must not cost the caller an answer, nor the others
                log.exception("hop recorder %s failed", type(recorder).__name__)
