"""What each USSD hop leaves for operations (screen ids, timings, outcome, never what was typed), and who gets it."""
from __future__ import annotations

import logging
from typing import Protocol

from core.domain.ussd_hops import RecordedHop

log = logging.getLogger(__name__)


HopRecord = RecordedHop  # one answered hop: the core domain's record, handed to every recorder


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
