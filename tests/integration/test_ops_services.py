"""The console's use cases on both databases: retrying a failed SMS safely, and the staff sign-in lock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.outbox import MessageStatus, sms_message
from core.domain.staff import DuplicateStaffError, InvalidStaffError, StaffPasswordHasher, StaffRole
from core.services.console import SmsNotRetriableError, retry_sms
from core.services.staff import Actor, add_staff, sign_in

HASHER = StaffPasswordHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _sms(uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock, key: str, status: MessageStatus,
         purpose: str = "payment_receipt") -> int:
    with uow_factory() as uow:
        uow.outbox.add(sms_message("+22890112233", "Recu R1: 5000 F", purpose, key, clock.now()))
        message = uow.outbox.get(key)
        assert message is not None and message.message_id is not None
        uow.outbox.settle(message.message_id, status, attempts=6, at=clock.now(), error="402 invalid sender id")
        uow.commit()
        return message.message_id


class TestRetrySms:
    def test_a_failed_sms_is_queued_again_in_its_own_row(self, uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                         clock: FixedClock) -> None:
        message_id = _sms(uow_factory, clock, "receipt:R1", MessageStatus.FAILED)
        retry_sms(message_id, Actor(), uow=uow_factory(), clock=clock)
        with uow_factory() as uow:
            [message] = uow.outbox.find()
            claimed = uow.outbox.claim_due(message.channel, clock.now(), clock.now() + timedelta(minutes=1), 10)
            entries = uow.audit.recent(10)
        assert (message.message_id, message.idempotency_key, message.status, message.attempts) == (
            message_id, "receipt:R1", MessageStatus.QUEUED, 0)
        assert [m.message_id for m in claimed] == [message_id]  # the worker sends it again
        assert [(e.actor, e.target) for e in entries] == [("cli", f"sms #{message_id} (payment_receipt)")]
        with pytest.raises(SmsNotRetriableError):  # queued now: a second click does nothing
            retry_sms(message_id, Actor(), uow=uow_factory(), clock=clock)

    @pytest.mark.parametrize("status", [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNCERTAIN,
                                        MessageStatus.SKIPPED])
    def test_only_failed_messages_are_retried(self, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: FixedClock,
                                              status: MessageStatus) -> None:
        message_id = _sms(uow_factory, clock, "k", status)
        with pytest.raises(SmsNotRetriableError) as refused:
            retry_sms(message_id, Actor(), uow=uow_factory(), clock=clock)
        assert refused.value.data["reason"] == "not_failed"
        with uow_factory() as uow:
            assert uow.outbox.find()[0].status is status and uow.audit.recent(10) == []

    def test_a_one_time_code_or_an_unknown_message_is_never_retried(self, uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                                      clock: FixedClock) -> None:
        code_id = _sms(uow_factory, clock, "code", MessageStatus.FAILED, purpose="activation_code")
        for message_id, reason in ((code_id, "secret"), (9999, "unknown")):
            with pytest.raises(SmsNotRetriableError) as refused:
                retry_sms(message_id, Actor(), uow=uow_factory(), clock=clock)
            assert refused.value.data["reason"] == reason


class TestStaffAccounts:
    def test_names_are_unique_and_passwords_long(self, uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                 clock: FixedClock) -> None:
        add_staff("Yawa", "twelve chars!", StaffRole.VIEWER, uow=uow_factory(), clock=clock, hasher=HASHER)
        with pytest.raises(DuplicateStaffError):
            add_staff("yawa", "another long one", StaffRole.ADMIN, uow=uow_factory(), clock=clock, hasher=HASHER)
        with pytest.raises(InvalidStaffError):
            add_staff("kodjo", "elevenchars", StaffRole.VIEWER, uow=uow_factory(), clock=clock, hasher=HASHER)
        member = sign_in("YAWA", "twelve chars!", uow=uow_factory(), clock=clock, hasher=HASHER)
        assert member is not None and member.role is StaffRole.VIEWER

    def test_the_lock_doubles_from_the_fifth_wrong_password(self, uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                            clock: FixedClock) -> None:
        add_staff("kodjo", "a long password", StaffRole.AGENT, uow=uow_factory(), clock=clock, hasher=HASHER)
        for _ in range(5):
            assert sign_in("kodjo", "wrong", uow=uow_factory(), clock=clock, hasher=HASHER) is None
        with uow_factory() as uow:
            locked = uow.staff.by_username("kodjo")
        assert locked is not None and locked.locked_until == clock.now() + timedelta(minutes=15)
        assert sign_in("kodjo", "a long password", uow=uow_factory(), clock=clock, hasher=HASHER) is None
