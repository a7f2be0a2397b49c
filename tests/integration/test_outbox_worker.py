"""The outbox worker against real SQLite and PostgreSQL: claim, send outside transactions, settle, recover."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.delivery import DeliveryResult, RetryPolicy
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage
from core.ports import UnitOfWorkFactory
from core.services.outbox_worker import WorkReport, deliver_due, drain
from tests.support.clock import SettableClock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
RECIPIENT = "compta@boulangerie-du-port.tg"


class FakeTransport:
    """Records what it is asked to send and answers with ``answer(message)`` (or raises what it returns)."""

    def __init__(self, answer: Callable[[OutboundMessage], DeliveryResult | Exception] | None = None,
                 channel: MessageChannel = MessageChannel.EMAIL, pause_s: float = 0.0) -> None:
        self.channel = channel
        self.answer = answer or (lambda message: DeliveryResult.accepted(f"prov-{message.idempotency_key}"))
        self.pause_s = pause_s
        self.sent: list[tuple[str, str]] = []  # (idempotency key, thread name)
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> DeliveryResult:
        with self._lock:
            self.sent.append((message.idempotency_key, threading.current_thread().name))
        if self.pause_s:
            time.sleep(self.pause_s)
        answer = self.answer(message)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.sent]


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def _queue(uow_factory: UnitOfWorkFactory, clock: SettableClock, *keys: str,
           channel: MessageChannel = MessageChannel.EMAIL) -> None:
    with uow_factory() as uow:
        for key in keys:
            uow.outbox.add(OutboundMessage(
                channel, RECIPIENT if channel is MessageChannel.EMAIL else "+22890112233", "Reçu de paiement",
                "payment_receipt", key, clock.now(), essential=True,
                subject="Reçu CNSS" if channel is MessageChannel.EMAIL else None))
        uow.commit()


def _row(uow_factory: UnitOfWorkFactory, key: str) -> OutboundMessage:
    with uow_factory() as uow:
        message = uow.outbox.get(key)
    assert message is not None
    return message


def test_the_retry_policy_backs_off_exponentially_then_gives_up() -> None:
    policy = RetryPolicy()
    delays = [policy.next_attempt(n, NOW) for n in range(1, 7)]
    assert [(d - NOW).total_seconds() if d else None for d in delays] == [30, 60, 120, 240, 480, None]
    capped = RetryPolicy(max_attempts=20, base_delay_s=30, max_delay_s=3600)
    assert capped.next_attempt(19, NOW) == NOW + timedelta(hours=1)
    assert capped.next_attempt(20, NOW) is None
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_an_accepted_message_is_marked_sent_once_and_other_channels_are_left_alone(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "receipt:1:email")
    _queue(uow_factory, clock, "receipt:1:sms", channel=MessageChannel.SMS)
    transport = FakeTransport()
    clock.advance(seconds=5)

    report = deliver_due(transport, uow_factory=uow_factory, clock=clock)

    assert report == WorkReport(sent=1)
    assert transport.keys == ["receipt:1:email"]
    sent = _row(uow_factory, "receipt:1:email")
    assert (sent.status, sent.attempts, sent.sent_at) == (MessageStatus.SENT, 1, NOW + timedelta(seconds=5))
    assert sent.provider_message_id == "prov-receipt:1:email" and sent.last_error is None
    assert _row(uow_factory, "receipt:1:sms").status is MessageStatus.QUEUED
    clock.advance(days=1)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport()
    assert transport.keys == ["receipt:1:email"]
    sms = FakeTransport(channel=MessageChannel.SMS)  # the same worker serves any channel
    assert drain(sms, uow_factory=uow_factory, clock=clock) == WorkReport(sent=1)
    assert sms.keys == ["receipt:1:sms"]


def test_a_retryable_failure_backs_off_then_fails_when_attempts_are_exhausted(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "k")
    transport = FakeTransport(lambda m: DeliveryResult.retry("451 4.3.0 try later"))
    policy = RetryPolicy(max_attempts=3, base_delay_s=30, max_delay_s=3600)

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock, policy=policy) == WorkReport(retried=1)
    first = _row(uow_factory, "k")
    assert (first.status, first.attempts, first.next_attempt_at) == (
        MessageStatus.QUEUED, 1, NOW + timedelta(seconds=30))
    assert first.last_error == "451 4.3.0 try later"
    clock.advance(seconds=29)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock, policy=policy) == WorkReport()
    clock.advance(seconds=1)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock, policy=policy) == WorkReport(retried=1)
    second = _row(uow_factory, "k")
    assert (second.attempts, second.next_attempt_at) == (2, clock.now() + timedelta(seconds=60))
    clock.advance(seconds=60)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock, policy=policy) == WorkReport(failed=1)
    failed = _row(uow_factory, "k")
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (MessageStatus.FAILED, 3, None)
    clock.advance(days=2)
    assert drain(transport, uow_factory=uow_factory, clock=clock, policy=policy) == WorkReport()
    assert len(transport.sent) == 3


def test_a_permanent_refusal_fails_at_once(uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "k")
    transport = FakeTransport(lambda m: DeliveryResult.permanent("550 5.1.1 unknown user"))

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(failed=1)
    failed = _row(uow_factory, "k")
    assert (failed.status, failed.attempts, failed.last_error) == (MessageStatus.FAILED, 1, "550 5.1.1 unknown user")
    clock.advance(hours=2)
    assert drain(transport, uow_factory=uow_factory, clock=clock) == WorkReport()
    assert transport.keys == ["k"]


def test_an_uncertain_outcome_is_never_sent_again_automatically(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "k")
    transport = FakeTransport(lambda m: DeliveryResult.uncertain("no answer after the content was sent"))

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(uncertain=1)
    for _ in range(3):
        clock.advance(hours=6)
        assert drain(transport, uow_factory=uow_factory, clock=clock) == WorkReport()
    row = _row(uow_factory, "k")
    assert (row.status, row.attempts, row.next_attempt_at) == (MessageStatus.UNCERTAIN, 1, None)
    assert transport.keys == ["k"]


def test_a_transport_that_raises_counts_as_a_retry_and_logs_no_personal_data(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock, caplog: pytest.LogCaptureFixture) -> None:
    _queue(uow_factory, clock, "k", "k2")
    transport = FakeTransport(lambda m: RuntimeError(f"boom for {m.recipient}: {m.body}"))

    with caplog.at_level(logging.DEBUG):
        assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(retried=2)
    row = _row(uow_factory, "k")
    assert (row.status, row.attempts, row.next_attempt_at) == (
        MessageStatus.QUEUED, 1, NOW + timedelta(seconds=30))
    assert row.last_error == "transport raised RuntimeError"
    assert f"outbox message {row.message_id}" in caplog.text and "RuntimeError" in caplog.text
    assert RECIPIENT not in caplog.text and "Reçu de paiement" not in caplog.text
    transport.answer = lambda m: DeliveryResult.accepted()
    clock.advance(seconds=30)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(sent=2)


def test_messages_of_a_worker_killed_mid_batch_are_claimed_again_when_the_lease_runs_out(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "a", "b")
    with uow_factory() as uow:  # a worker claims both, then dies before sending anything
        claimed = uow.outbox.claim_due(MessageChannel.EMAIL, clock.now(), clock.now() + timedelta(seconds=120), 10)
        uow.commit()
    assert [m.idempotency_key for m in claimed] == ["a", "b"]
    transport = FakeTransport()

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport()  # still leased
    assert _row(uow_factory, "a").status is MessageStatus.SENDING
    clock.advance(seconds=121)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(sent=2)
    assert transport.keys == ["a", "b"]
    assert {_row(uow_factory, k).status for k in "ab"} == {MessageStatus.SENT}


def test_a_slow_batch_gives_back_what_it_cannot_send_before_its_lease_runs_short(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock, "a", "b", "c")

    def slow(message: OutboundMessage) -> DeliveryResult:
        clock.advance(seconds=50)
        return DeliveryResult.accepted()

    transport = FakeTransport(slow)
    report = deliver_due(transport, uow_factory=uow_factory, clock=clock, lease_s=120)

    assert report == WorkReport(sent=2, released=1) and transport.keys == ["a", "b"]
    released = _row(uow_factory, "c")
    assert (released.status, released.attempts, released.next_attempt_at) == (
        MessageStatus.QUEUED, 0, NOW + timedelta(seconds=100))
    assert drain(transport, uow_factory=uow_factory, clock=clock, lease_s=120) == WorkReport(sent=1)
    assert transport.keys == ["a", "b", "c"]


@pytest.mark.postgres
def test_two_workers_in_parallel_send_each_message_exactly_once(postgres_engine: Engine) -> None:
    uow_factory = SqlAlchemyUnitOfWorkFactory(postgres_engine)
    clock = SettableClock(NOW)
    keys = [f"receipt:{n:03d}:email" for n in range(200)]
    _queue(uow_factory, clock, *keys)
    transport = FakeTransport(pause_s=0.001)
    start = threading.Barrier(2)
    reports: dict[str, WorkReport] = {}
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            reports[threading.current_thread().name] = drain(transport, uow_factory=uow_factory, clock=clock,
                                                             batch=10)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"worker-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(transport.keys) == keys  # all 200, none twice
    assert sum(r.sent for r in reports.values()) == 200
    assert {name for _, name in transport.sent} == {"worker-1", "worker-2"}  # both really worked
    with uow_factory() as uow:
        rows = uow.outbox.find(limit=500)
    assert {(m.status, m.attempts) for m in rows} == {(MessageStatus.SENT, 1)}



class FakeGroupTransport(FakeTransport):
    """A group transport: records each call's keys; ``stop_at`` raises SystemExit in that call (a kill)."""

    max_group = 3

    def __init__(self, stop_at: int | None = None) -> None:
        super().__init__(channel=MessageChannel.SMS)
        self.calls: list[list[str]] = []
        self.stop_at = stop_at

    def send(self, message: OutboundMessage) -> DeliveryResult:
        return self.send_group([message])[0]

    def send_group(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        self.calls.append([m.idempotency_key for m in messages])
        if len(self.calls) == self.stop_at:
            raise SystemExit("killed while the provider holds the request")
        return [DeliveryResult.accepted(f"prov-{m.idempotency_key}") for m in messages]


def _queue_sms(uow_factory: UnitOfWorkFactory, clock: SettableClock, *items: tuple[str, str, str]) -> None:
    with uow_factory() as uow:
        for key, phone, text in items:
            uow.outbox.add(OutboundMessage(MessageChannel.SMS, phone, text, "payment_receipt", key, clock.now(),
                                           essential=True))
        uow.commit()


def test_a_group_transport_gets_one_call_per_text_with_distinct_recipients_and_at_most_max_group(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue_sms(uow_factory, clock, ("a1", "+22890000001", "A"), ("b1", "+22890000001", "B"),
               ("a2", "+22890000002", "A"), ("a1bis", "+22890000001", "A"), ("a3", "+22890000003", "A"),
               ("a4", "+22890000004", "A"))
    transport = FakeGroupTransport()

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(sent=6)
    # The same phone twice with one text goes in two calls; a call holds at most max_group (3) phones.
    assert transport.calls == [["a1", "a2", "a3"], ["b1"], ["a1bis", "a4"]]
    assert {k: (_row(uow_factory, k).status, _row(uow_factory, k).provider_message_id)
            for k in ("a1", "a4", "b1")} == {"a1": (MessageStatus.SENT, "prov-a1"),
                                              "a4": (MessageStatus.SENT, "prov-a4"),
                                              "b1": (MessageStatus.SENT, "prov-b1")}


def test_a_worker_killed_during_a_grouped_call_leaves_only_that_group_uncertain(
        uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue_sms(uow_factory, clock, *((f"a{n}", f"+2289000000{n}", "A") for n in range(3)),
               *((f"b{n}", f"+2289000000{n}", "B") for n in range(3)),
               *((f"c{n}", f"+2289000000{n}", "C") for n in range(3)))
    with pytest.raises(SystemExit):
        deliver_due(FakeGroupTransport(stop_at=2), uow_factory=uow_factory, clock=clock, lease_s=120)

    # The first call's results were written with the second call's start, before it went out.
    assert {_row(uow_factory, f"a{n}").status for n in range(3)} == {MessageStatus.SENT}
    clock.advance(seconds=121)
    after = FakeGroupTransport()
    assert deliver_due(after, uow_factory=uow_factory, clock=clock) == WorkReport(sent=3)
    assert after.calls == [["c0", "c1", "c2"]]  # the unstarted group, once; the held one never again
    held = [_row(uow_factory, f"b{n}") for n in range(3)]
    assert {(m.status, m.attempts, m.last_error) for m in held} == {
        (MessageStatus.UNCERTAIN, 1, "worker stopped during the send")}
