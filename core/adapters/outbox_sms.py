"""The SMS port backed by the outbox: each send is a queued row (its own transaction), delivered by the worker."""
from __future__ import annotations

import uuid

from core.domain.msisdn import Msisdn
from core.domain.outbox import sms_message
from core.ports import Clock, UnitOfWorkFactory


class OutboxSmsSender:
    """``SmsSender`` that queues; the same idempotency key is queued once."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory, self.clock = uow_factory, clock

    def send(self, msisdn: Msisdn, text: str, *, purpose: str, essential: bool = False,
             idempotency_key: str | None = None) -> None:
        """Queue one SMS (statements may take up to 3 segments)."""
        key = idempotency_key or f"{purpose}:{uuid.uuid4().hex}"
        with self.uow_factory() as uow:
            uow.outbox.add(sms_message(msisdn.e164, text, purpose, key, self.clock.now(), essential=essential))
            uow.commit()
