"""In-memory SMS sender: keeps what would be sent (tests, the terminal phone, the embedded default)."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from core.domain.msisdn import Msisdn


@dataclass(frozen=True, slots=True)
class SentSms:
    """One message as it would leave."""

    msisdn: Msisdn
    text: str
    purpose: str
    essential: bool
    idempotency_key: str | None


class InMemorySmsSender:
    """Records messages; the same idempotency key is recorded once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent: list[SentSms] = []

    def send(self, msisdn: Msisdn, text: str, *, purpose: str, essential: bool = False,
             idempotency_key: str | None = None) -> None:
        """Record a message."""
        with self._lock:
            if idempotency_key and any(m.idempotency_key == idempotency_key for m in self.sent):
                return
            self.sent.append(SentSms(msisdn, text, purpose, essential, idempotency_key))

    def to(self, msisdn: Msisdn) -> list[str]:
        """Texts sent to one phone, oldest first."""
        with self._lock:
            return [m.text for m in self.sent if m.msisdn == msisdn]
