"""Use cases of the operations console: its summary, SMS retry, request status and PIN unlock, each audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone

from core.domain.errors import DomainError
from core.domain.outbox import SECRET_PURPOSES, MessageStatus
from core.domain.parties import HolderKind
from core.domain.pins import PinPolicy
from core.domain.requests import RequestStatus, ServiceRequest
from core.domain.staff import StaffAction
from core.ports import Clock, RequestWording, UnitOfWork, UnitOfWorkFactory
from core.services.credentials import unlock_pin
from core.services.requests import change_status
from core.services.staff import Actor, record

LOCKED_PINS_SHOWN = 200


class SmsNotRetriableError(DomainError):
    """Only a failed SMS whose text is still readable may be queued again (data: message_id, reason)."""


@dataclass(frozen=True, slots=True)
class ConsoleSummary:
    """The console's home: outbox and requests by status, refusals today, PINs locked or blocked now."""

    outbox: dict[str, int]
    requests: dict[str, int]
    refused_today: int
    locked_pins: int


def summary(*, uow: UnitOfWork, clock: Clock, policy: PinPolicy = PinPolicy()) -> ConsoleSummary:
    """Counts for the console's home page."""
    now = clock.now()
    start = clock.local(now).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    with uow:
        return ConsoleSummary(uow.console.outbox_counts(), uow.console.request_counts(),
                              uow.console.rejections_since(start),
                              len(uow.console.locked_credentials(now, len(policy.lock_steps), LOCKED_PINS_SHOWN)))


def retry_sms(message_id: int, actor: Actor, *, uow: UnitOfWork, clock: Clock) -> None:
    """Queue a failed SMS again under its own idempotency key (still one row, so never two copies queued).

    ``SmsNotRetriableError``: unknown, not failed (sent, delivered, uncertain or queued ones are left
    alone), or a one-time code whose text was masked once the provider had it.
    """
    with uow:
        message = uow.console.outbox_message(message_id)
        if message is None:
            raise SmsNotRetriableError(message_id=message_id, reason="unknown")
        if message.purpose in SECRET_PURPOSES:
            raise SmsNotRetriableError(message_id=message_id, reason="secret")
        if message.status is not MessageStatus.FAILED or not uow.outbox.requeue_failed(message_id, clock.now()):
            raise SmsNotRetriableError(message_id=message_id, reason="not_failed")
        record(uow, actor, StaffAction.SMS_RETRIED, f"sms #{message_id} ({message.purpose})", clock)
        uow.commit()


def set_request_status(tracking_number: str, status: RequestStatus, note: str | None, actor: Actor, *,
                       uow_factory: UnitOfWorkFactory, clock: Clock, wording: RequestWording) -> ServiceRequest:
    """The back office's status change (the same as ``request-status``: the person is told by SMS), audited."""
    request = change_status(tracking_number, status, note, uow=uow_factory(), clock=clock, wording=wording)
    with uow_factory() as uow:
        record(uow, actor, StaffAction.REQUEST_STATUS_CHANGED, f"{request.tracking_number} -> {status.value}", clock)
        uow.commit()
    return request


def unlock_holder_pin(holder_kind: HolderKind, holder_number: str, actor: Actor, *,
                      uow_factory: UnitOfWorkFactory, clock: Clock) -> bool:
    """An agent's PIN unlock (the same as ``pin-unlock``), audited; False when the holder has no PIN."""
    if not unlock_pin(holder_kind, holder_number, uow=uow_factory()):
        return False
    with uow_factory() as uow:
        record(uow, actor, StaffAction.PIN_UNLOCKED, f"{holder_kind.value} {holder_number}", clock)
        uow.commit()
    return True
