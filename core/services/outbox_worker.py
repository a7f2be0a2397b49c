"""Deliver due outbox messages through one channel's transport: claim, send outside any transaction, settle."""
from __future__ import annotations

import logging
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from core.domain.delivery import DeliveryOutcome, DeliveryResult, RetryPolicy, Settlement
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, body_at_rest
from core.domain.quiet_hours import QUIET_PURPOSES, QuietHours
from core.domain.uncertain_sms import carry_retry_note
from core.ports import Clock, GroupTransport, Transport, UnitOfWork, UnitOfWorkFactory
from core.services.delivery_reports import apply_early_reports
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

    The claim is committed before anything is sent, and sending happens outside any database
    transaction. A :class:`~core.ports.GroupTransport` gets the claimed messages that share a text
    (to distinct recipients) in one call; other transports one message per call. Before each call one
    unit of work records the results of the previous call and marks this call's messages as started,
    so a worker killed at any instant leaves at most the messages of one call (the one in flight, or
    the one just answered) uncertain, each settled by its own delivery report, never re-sent blindly;
    the ones not yet started stay ``sending`` until the lease runs out, then are claimed again. The last
    unit of work of the round also applies the delivery reports that came before their send's result (a
    worker killed before then leaves such a message ``sent``, its report stored but not applied).
    ``lease_s`` must exceed the transport's worst-case time for one call. A non-essential SMS to a
    phone that opted out is settled ``skipped`` instead of being sent.
    """
    if batch < 1 or lease_s <= 0:
        raise ValueError("batch must be >= 1 and lease_s > 0")
    now = clock.now()
    lease_until = now + timedelta(seconds=lease_s)
    # One connection for the round, one transaction per step: nothing is held open during a send.
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(transport.channel, now, lease_until, batch)
        opted_out = _opted_out(uow, claimed)
        uow.commit()
        send_before = lease_until - timedelta(seconds=lease_s * LEASE_SAFETY_SHARE)
        counts: Counter[str] = Counter()
        pending: list[Settlement] = []  # written with the next call's start, or at the end of the round
        provider_ids: list[str] = []  # of the round's sends
        for message in claimed:
            if message.message_id in opted_out:
                log.info("outbox message %s: recipient opted out, skipped (%s)", message.message_id,
                         message.purpose)
                pending.append(Settlement(_id(message), MessageStatus.SKIPPED, message.attempts, clock.now(),
                                          error="recipient opted out"))
                counts["skipped"] += 1
        for group in _groups(transport, [m for m in claimed if m.message_id not in opted_out]):
            now = clock.now()
            if now >= send_before:
                pending.extend(_release(m, now) for m in group)  # back in the queue, unsent
                counts["released"] += len(group)
                continue
            if any(m.purpose in QUIET_PURPOSES for m in group) and quiet.contains(clock.local(now)):
                morning = quiet.next_allowed(clock.local(now)).astimezone(timezone.utc)
                held = [m for m in group if m.purpose in QUIET_PURPOSES]
                pending.extend(_release(m, now, due=morning) for m in held)  # held until the morning
                counts["released"] += len(held)
                group = [m for m in group if m.purpose not in QUIET_PURPOSES]
                if not group:
                    continue
            uow.outbox.settle_many(pending)  # the previous call's results, and this call's start, at once:
            uow.outbox.start_attempts([_id(m) for m in group], now)
            uow.commit()  # from here on, a worker that dies leaves this group uncertain
            pending = []
            for message, result in zip(group, _send(transport, group)):
                settlement = _settle(message, result, clock=clock, policy=policy)
                pending.append(settlement)
                counts[_KIND[settlement.status]] += 1
                if settlement.provider_message_id:
                    provider_ids.append(settlement.provider_message_id)
        if pending:
            uow.outbox.settle_many(pending)
            apply_early_reports(uow, provider_ids)  # once a round: the reports that came before their send's result
            uow.commit()
    return WorkReport(sent=counts["sent"], retried=counts["retried"], failed=counts["failed"],
                      uncertain=counts["uncertain"], released=counts["released"], skipped=counts["skipped"])


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


_KIND = {MessageStatus.SENT: "sent", MessageStatus.QUEUED: "retried", MessageStatus.FAILED: "failed",
         MessageStatus.UNCERTAIN: "uncertain"}


def _id(message: OutboundMessage) -> int:
    assert message.message_id is not None, "claimed messages come from the database"
    return message.message_id


def _groups(transport: Transport, messages: list[OutboundMessage]) -> list[list[OutboundMessage]]:
    """The provider calls for ``messages``: one each, or for a group transport one per text (distinct
    recipients, at most ``max_group``), in the order of each call's first message."""
    if not isinstance(transport, GroupTransport) or transport.max_group < 2:
        return [[message] for message in messages]
    groups: list[list[OutboundMessage]] = []
    open_groups: dict[str, list[list[OutboundMessage]]] = {}
    for message in messages:
        candidates = open_groups.setdefault(message.body, [])
        group = next((g for g in candidates if len(g) < transport.max_group
                      and all(m.recipient != message.recipient for m in g)), None)
        if group is None:
            group = []
            candidates.append(group)
            groups.append(group)
        group.append(message)
    return groups


def _send(transport: Transport, group: list[OutboundMessage]) -> list[DeliveryResult]:
    """One provider call for the group; a transport that raises gets every message retried later."""
    try:
        if len(group) == 1:
            return [transport.send(group[0])]
        assert isinstance(transport, GroupTransport), "groups are formed for group transports only"
        results = transport.send_group(group)
    except Exception as exc:  # noqa: BLE001 - a transport bug must not lose the message: retry it later
        # The frames, not the exception's text: that text could quote the recipient or the body.
        log.error("outbox message %s: %s transport raised %s\n%s", _ids(group), transport.channel.value,
                  type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)).rstrip())
        return [DeliveryResult.retry(f"transport raised {type(exc).__name__}")] * len(group)
    if len(results) != len(group):  # the call was made: whatever it did, never send these blindly again
        log.error("outbox message %s: %s transport answered %d results for %d messages", _ids(group),
                  transport.channel.value, len(results), len(group))
        return [DeliveryResult.uncertain("transport answered the wrong number of results")] * len(group)
    return results


def _ids(group: Sequence[OutboundMessage]) -> str:
    return f"{group[0].message_id}" + (f" and {len(group) - 1} more" if len(group) > 1 else "")


def _settle(message: OutboundMessage, result: DeliveryResult, *, clock: Clock, policy: RetryPolicy) -> Settlement:
    """What to record for one attempt (``attempts`` + 1)."""
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
    return Settlement(_id(message), status, attempts, now, next_attempt_at,
                      None if status is MessageStatus.SENT else carry_retry_note(message.last_error, result.error),
                      result.provider_message_id, body_at_rest(message.purpose, message.body, status))


def _release(message: OutboundMessage, now: datetime, *, due: datetime | None = None) -> Settlement:
    """Give an unsent message back to the queue, due at ``due`` (no attempt made: ``attempts`` unchanged)."""
    return Settlement(_id(message), MessageStatus.QUEUED, message.attempts, now, due or now, message.last_error)
