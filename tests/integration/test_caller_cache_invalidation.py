"""seed-demo tells the caller cache which phones it registered, and a cache outage does not undo the seed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.services.demo import DEMO_ACCOUNTANT_PHONE, DEMO_EMPLOYER, DEMO_INSURED, DEMO_UP_TO_DATE_EMPLOYER, seed_demo
from core.services.directory import holders_of

CLOCK = FixedClock(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))


class Recorder:
    """A ``PhoneRegistrations`` that remembers what it was told."""

    def __init__(self, fail: bool = False) -> None:
        self.told: list[str] = []
        self.fail = fail

    def phone_changed(self, msisdn: Msisdn) -> None:
        self.told.append(msisdn.e164)
        if self.fail:
            raise ConnectionError("cache down")


def test_seed_demo_tells_the_cache_of_each_phone_it_registers_once(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    recorder = Recorder()
    assert seed_demo(uow_factory=uow_factory, clock=CLOCK, rulebook=rulebook, registrations=recorder)
    expected = {Msisdn.parse(p).e164 for p in (DEMO_EMPLOYER.phone, DEMO_UP_TO_DATE_EMPLOYER.phone,
                                                DEMO_INSURED.phone, DEMO_ACCOUNTANT_PHONE)}
    assert sorted(recorder.told) == sorted(expected)
    again = Recorder()
    seed_demo(uow_factory=uow_factory, clock=CLOCK, rulebook=rulebook, registrations=again)
    assert again.told == []  # nothing registered the second time


def test_a_cache_that_cannot_be_told_is_logged_and_the_seed_stays(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, caplog: pytest.LogCaptureFixture) -> None:
    assert seed_demo(uow_factory=uow_factory, clock=CLOCK, rulebook=rulebook, registrations=Recorder(fail=True))
    assert holders_of(Msisdn.parse(DEMO_EMPLOYER.phone), uow=uow_factory()).is_registered
    assert "could not invalidate the caller cache" in caplog.text and DEMO_EMPLOYER.phone not in caplog.text
