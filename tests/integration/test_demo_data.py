"""The demo data promised by CONTRACTS.md and the README, created once whatever the date."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.accounts import EntryKind
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.pension import PensionOutcome
from core.domain.pins import PinHasher
from core.services.accounts import contributor_account_summary
from core.services.demo import DEMO_ACCOUNTANT_PHONE, seed_demo
from core.services.insured import individual_account, simulate_own_pension
from core.services.requests import quitus_status

# Days around the 15th deadline, a month end and a year end.
DAYS = [datetime(2026, 11, 23, 10, tzinfo=timezone.utc), datetime(2026, 11, 15, 23, tzinfo=timezone.utc),
        datetime(2026, 11, 16, 0, 30, tzinfo=timezone.utc), datetime(2027, 1, 2, 8, tzinfo=timezone.utc)]


@pytest.mark.parametrize("instant", DAYS, ids=lambda d: d.date().isoformat())
def test_demo_employer_has_six_declarations_the_last_two_unpaid_one_surcharged(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, instant: datetime) -> None:
    clock = FixedClock(instant)
    assert seed_demo(uow_factory=uow_factory, clock=clock, rulebook=rulebook)
    summary = contributor_account_summary("1000001", uow=uow_factory(), clock=clock, rulebook=rulebook)
    assert summary.company_name == "BOULANGERIE DU PORT SARL"
    with uow_factory() as uow:
        assert len(uow.declarations.periods("1000001")) == 6
        entries = uow.ledger.entries("1000001")
    assert len([e for e in entries if e.kind is EntryKind.PAYMENT]) == 4
    unpaid = summary.unpaid_periods
    assert len(unpaid) == 2
    assert [p.surcharges_outstanding > 0 for p in unpaid] == [True, False]
    assert summary.overdue == unpaid[0].outstanding
    assert all(e.recorded_at <= clock.now() for e in entries), "no demo record is dated in the future"


def test_demo_insured_person_and_quitus_eligible_employer(uow_factory: SqlAlchemyUnitOfWorkFactory,
                                                           rulebook: RuleBook, clock: FixedClock) -> None:
    seed_demo(uow_factory=uow_factory, clock=clock, rulebook=rulebook)
    account = individual_account("2000001", uow=uow_factory())
    assert account.insured_months == 250 and len(account.pay_by_period()) == 60
    assert account.person.date_of_birth.isoformat() == "1966-03-15"
    assert account.person.phones == (Msisdn("+22899112233"),)
    estimate = simulate_own_pension("2000001", 60, uow=uow_factory(), clock=clock, rulebook=rulebook)
    assert estimate.outcome is PensionOutcome.NORMAL_PENSION and estimate.monthly_amount
    assert quitus_status("1000002", uow=uow_factory(), clock=clock, rulebook=rulebook).eligible
    assert not quitus_status("1000001", uow=uow_factory(), clock=clock, rulebook=rulebook).eligible
    with uow_factory() as uow:
        assert [e.employer_number for e in uow.employers.list_by_phone(Msisdn(DEMO_ACCOUNTANT_PHONE))] == [
            "1000001", "1000002"]
        hasher = PinHasher()
        for kind, number, pin in ((HolderKind.EMPLOYER, "1000001", "1234"), (HolderKind.INSURED, "2000001", "4321")):
            credential = uow.credentials.get(kind, number)
            assert credential is not None and pin not in credential.pin_hash
            assert hasher.verify(credential.pin_hash, pin, kind, number)
            assert not hasher.verify(credential.pin_hash, "0000", kind, number)


def test_seeding_again_creates_nothing(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook,
                                       clock: FixedClock, engine: sa.Engine) -> None:
    seed_demo(uow_factory=uow_factory, clock=clock, rulebook=rulebook)

    def counts() -> dict[str, int]:
        with engine.connect() as connection:
            return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                    for table in t.metadata.sorted_tables}

    before = counts()
    assert not seed_demo(uow_factory=uow_factory, clock=clock, rulebook=rulebook)
    assert counts() == before
