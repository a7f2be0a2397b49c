"""Deliver due outbox messages through one channel's transport: claim, send outside any transaction, settle."""
from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from core.domain.delivery import DeliveryOutcome, DeliveryResult, RetryPolicy
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, body_at_rest
from core.domain.quiet_hours import QUIET_PURPOSES, QuietHours
from core.domain.uncertain_sms import carry_retry_note
from core.ports import Clock, Transport, UnitOfWork, UnitOfWorkFactory
from core.services.uncertain_sms import sweep_uncertain

log = logging.getLogger(__name__)

# A message is sent only while at least this share of its lease remains, so that a slow batch
# never sends a message whose lease has run out (another worker may have claimed it again).
LEASE_SAFETY_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class WorkReport:
    """What one or more rounds did; ``released`` went back to the queue unsent because the lease ran short.

    ``skipped`` were not sent because the recipient opted out of non-essential SMS.
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    released: int = 0
    skipped: int = 0

    @property
    def claimed(self) -> int:
        """Messages taken from the queue."""
        return self.sent + self.retried + self.failed + self.uncertain + self.released + self.skipped

    def __add__(self, other: WorkReport) -> WorkReport:
        return WorkReport(self.sent + other.sent, self.retried + other.retried, self.failed + other.failed,
                          self.uncertain + other.uncertain, self.released + other.released,
                          self.skipped + other.skipped)


_DEFAULT_POLICY = RetryPolicy()


def deliver_due(transport: Transport, *, uow_factory: UnitOfWorkFactory, clock: Clock, batch: int = 50,
                lease_s: float = 120, policy: RetryPolicy = _DEFAULT_POLICY,
                quiet: QuietHours = QuietHours()) -> WorkReport:
    """One round: claim up to ``batch`` due messages of the transport's channel and deliver each once.

    The claim is committed before anything is sent, sending happens outside any database
    transaction, and each result is recorded in its own short unit of work. A worker killed
    mid-round loses nothing: its messages stay ``sending`` until the lease runs out, then are
    claimed again. ``lease_s`` must exceed the transport's worst-case time for one message.
    A non-essential SMS to a phone that opted out is settled ``skipped`` instead of being sent.
    """
    if batch < 1 or lease_s <= 0:
        raise ValueError("batch must be >= 1 and lease_s > 0")
    now = clock.now()
    lease_until = now + timedelta(seconds=lease_s)
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(transport.channel, now, lease_until, batch)
        opted_out = _opted_out(uow, claimed)
        uow.commit()
    send_before = lease_until - timedelta(seconds=lease_s * LEASE_SAFETY_SHARE)
    settled: list[MessageStatus] = []
    for message in claimed:
        if clock.now() >= send_before:
            _release(message, uow_factory=uow_factory, clock=clock)
            settled.append(MessageStatus.SENDING)  # back in the queue, unsent
            continue
        if message.message_id in opted_out:
            _skip(message, uow_factory=uow_factory, clock=clock)
            settled.append(MessageStatus.SKIPPED)
            continue
        if message.purpose in QUIET_PURPOSES and quiet.contains(clock.local(clock.now())):
            _release(message, uow_factory=uow_factory, clock=clock,
                     at=quiet.next_allowed(clock.local(clock.now())).astimezone(timezone.utc))
            settled.append(MessageStatus.SENDING)  # held until the morning
            continue
        with uow_factory() as uow:  # from here on, a worker that dies leaves the message uncertain
            uow.outbox.start_attempt(message.message_id, clock.now())  # type: ignore[arg-type]
            uow.commit()
        result = _send(transport, message)
        settled.append(_settle(message, result, uow_factory=uow_factory, clock=clock, policy=policy))
    return WorkReport(sent=settled.count(MessageStatus.SENT), retried=settled.count(MessageStatus.QUEUED),
                      failed=settled.count(MessageStatus.FAILED), uncertain=settled.count(MessageStatus.UNCERTAIN),
                      released=settled.count(MessageStatus.SENDING), skipped=settled.count(MessageStatus.SKIPPED))


def drain(transport: Transport, *, uow_factory: UnitOfWorkFactory, clock: Clock, batch: int = 50,
          lease_s: float = 120, policy: RetryPolicy = _DEFAULT_POLICY,
          uncertain_window: timedelta | None = None) -> WorkReport:
    """Repeat :func:`deliver_due` until a round claims nothing; the sum of the rounds.

    With ``uncertain_window``, uncertain SMS are swept before and after the rounds
    (:func:`~core.services.uncertain_sms.sweep_uncertain`): the policy's retries go out in this
    drain, and a message a dead worker left is settled by a report that came before it was found.
    """
    window = uncertain_window if transport.channel is MessageChannel.SMS else None
    if window is not None:
        sweep_uncertain(uow_factory=uow_factory, clock=clock, window=window)
    total = WorkReport()
    while True:
        report = deliver_due(transport, uow_factory=uow_factory, clock=clock, batch=batch, lease_s=lease_s,
                             policy=policy)
        if report.claimed == 0:
            break
        total += report
    if window is not None:
        sweep_uncertain(uow_factory=uow_factory, clock=clock, window=window)
    return total


def _opted_out(uow: UnitOfWork, claimed: list[OutboundMessage]) -> set[int]:
    """Ids of the claimed non-essential SMS whose recipient opted out (essential ones always go)."""
    recipients = {m.recipient for m in claimed if m.channel is MessageChannel.SMS and not m.essential}
    silent = {recipient for recipient in recipients if uow.opt_outs.is_opted_out(recipient)}
    return {m.message_id for m in claimed
            if m.message_id is not None and m.channel is MessageChannel.SMS and not m.essential
            and m.recipient in silent}


def _skip(message: OutboundMessage, *, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
    """Settle a message for an opted-out phone as ``skipped``: never sent, no attempt counted."""
    assert message.message_id is not None, "claimed messages come from the database"
    log.info("outbox message %s: recipient opted out, skipped (%s)", message.message_id, message.purpose)
    with uow_factory() as uow:
        uow.outbox.settle(message.message_id, MessageStatus.SKIPPED, attempts=message.attempts, at=clock.now(),
                          error="recipient opted out")
        uow.commit()


def _send(transport: Transport, message: OutboundMessage) -> DeliveryResult:
    try:
        return transport.send(message)
    except Exception as exc:  # noqa: BLE001 - a transport bug must not lose the message: retry it later
        # The frames, not the exception's text: that text could quote the recipient or the body.
        log.error("outbox message %s: %s transport raised %s\n%s", message.message_id, transport.channel.value,
                  type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)).rstrip())
        return DeliveryResult.retry(f"transport raised {type(exc).__name__}")


def _settle(message: OutboundMessage, result: DeliveryResult, *, uow_factory: UnitOfWorkFactory, clock: Clock,
            policy: RetryPolicy) -> MessageStatus:
    """Record one attempt (``attempts`` + 1) in its own unit of work; the status it left the message in."""
    assert message.message_id is not None, "claimed messages come from the database"
    now = clock.now()
    attempts = message.attempts + 1
    next_attempt_at: datetime | None = None
    if result.outcome is DeliveryOutcome.ACCEPTED:
        status = MessageStatus.SENT
    elif result.outcome is DeliveryOutcome.UNCERTAIN:
        status = MessageStatus.UNCERTAIN
        log.warning("outbox message %s: outcome uncertain, not re-sent automatically (%s)", message.message_id,
                    result.error)
    elif result.outcome is DeliveryOutcome.RETRY:
        next_attempt_at = policy.next_attempt(attempts, now)
        status = MessageStatus.QUEUED if next_attempt_at is not None else MessageStatus.FAILED
        log.info("outbox message %s: attempt %d failed (%s), %s", message.message_id, attempts, result.error,
                 f"next at {next_attempt_at.isoformat()}" if next_attempt_at else "attempts exhausted")
    else:
        status = MessageStatus.FAILED
        log.info("outbox message %s: refused for good (%s)", message.message_id, result.error)
    with uow_factory() as uow:
        uow.outbox.settle(message.message_id, status, attempts=attempts, at=now, next_attempt_at=next_attempt_at,
                          error=None if status is MessageStatus.SENT else carry_retry_note(message.last_error,
                                                                                           result.error),
                          provider_message_id=result.provider_message_id,
                          body=body_at_rest(message.purpose, message.body, status))
        uow.commit()
    return status


def _release(message: OutboundMessage, *, uow_factory: UnitOfWorkFactory, clock: Clock,
             at: datetime | None = None) -> None:
    """Give an unsent message back to the queue, due at ``at`` (no attempt made: ``attempts`` unchanged)."""
    assert message.message_id is not None, "claimed messages come from the database"
    now = clock.now()
    with uow_factory() as uow:
        uow.outbox.settle(message.message_id, MessageStatus.QUEUED, attempts=message.attempts, at=now,
                          next_attempt_at=at or now, error=message.last_error)
        uow.commit()
