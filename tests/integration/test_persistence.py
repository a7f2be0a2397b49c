"""Repositories, unit of work and migrations against real SQLite and PostgreSQL databases."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.tables import metadata
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.accounts import EntryKind, LedgerEntry
from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.individual_accounts import DeclaredPay, Employment
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind, InsuredPerson, PhoneAccount
from core.domain.payment_references import PaymentReference, ReferenceStatus
from core.domain.payments import Payment, PaymentChannel
from core.domain.periods import ContributionPeriod, Periodicity
from core.domain.pins import Credential
from core.domain.requests import CLAIM, ClaimCategory, RequestStatus, ServiceRequest
from core.ports import DuplicateRecordError
from tests.support.builders import add_employer
from tests.support.statements import queries, statements_of

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
MARCH = ContributionPeriod(2026, 3)


def _reference(code: str = "311050152686", employer: str = "1000001") -> PaymentReference:
    return PaymentReference(code, employer, MARCH, 47_250, 45_000, 2_250, NOW, NOW + timedelta(days=15))


def test_migrations_build_exactly_the_declared_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_nothing_is_stored_unless_the_unit_of_work_commits(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.employers.add(Employer("1000001", "BOULANGERIE DU PORT SARL"))
    with uow_factory() as uow:
        assert uow.employers.get("1000001") is None


def test_an_error_inside_the_unit_of_work_rolls_everything_back(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    with pytest.raises(ZeroDivisionError):
        with uow_factory() as uow:
            uow.employers.add(Employer("1000001", "BOULANGERIE DU PORT SARL"))
            _ = 1 / 0
            uow.commit()
    with uow_factory() as uow:
        assert uow.employers.get("1000001") is None


def test_committed_work_is_visible_to_the_next_unit_of_work(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    employer = Employer("1000001", "BOULANGERIE DU PORT SARL", (Msisdn("+22890112233"), Msisdn("+22870112233")),
                        Periodicity.QUARTERLY, 400, "compta@example.tg")
    with uow_factory() as uow:
        uow.employers.add(employer)
        uow.commit()
    with uow_factory() as uow:
        assert uow.employers.get("1000001") == employer
        assert uow.employers.list_by_phone(Msisdn("+22870112233")) == [employer]
        assert uow.employers.list_by_phone(Msisdn("+22899999999")) == []


def test_a_phone_linked_to_several_employers_finds_them_all(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory, "1000001", "BOULANGERIE", ("+22890112233", "+22870112233"))
    add_employer(uow_factory, "1000002", "PHARMACIE", ("+22870112233",))
    with uow_factory() as uow:
        found = uow.employers.list_by_phone(Msisdn("+22870112233"))
    assert [e.employer_number for e in found] == ["1000001", "1000002"]


def test_who_holds_a_phone_comes_in_one_statement_with_names_and_pin_states(
        uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    shared = "+22870112233"
    add_employer(uow_factory, "1000002", "PHARMACIE", (shared,))
    add_employer(uow_factory, "1000001", "BOULANGERIE", ("+22890112233", shared))
    locked_until = NOW + timedelta(minutes=30)
    with uow_factory() as uow:
        uow.insured_persons.add(InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15), (Msisdn(shared),)))
        uow.credentials.save(Credential(HolderKind.EMPLOYER, "1000001", "$cnsspin$x", 3, locked_until, 1))
        uow.credentials.save(Credential(HolderKind.INSURED, "2000001", "$cnsspin$y", 0, None, 4))
        uow.commit()
    with uow_factory() as uow:
        found: list[PhoneAccount] = []
        statements = statements_of(uow_factory.engine, lambda: found.extend(uow.phones.accounts_on(Msisdn(shared))))
        assert len(queries(statements)) == 1, statements
        assert found == [
            PhoneAccount(HolderKind.EMPLOYER, "1000001", "BOULANGERIE", True, locked_until, 1),
            PhoneAccount(HolderKind.EMPLOYER, "1000002", "PHARMACIE", False, None, 0),  # no PIN yet
            PhoneAccount(HolderKind.INSURED, "2000001", "AKU Mawuena", True, None, 4),
        ]
        assert found[0].locked_until is not None and found[0].locked_until.tzinfo is not None, "UTC, as stored"
        assert uow.phones.accounts_on(Msisdn("+22890112233")) == [found[0]]
        assert uow.phones.accounts_on(Msisdn("+22899999999")) == []


def test_insured_person_account_lines_round_trip(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    person = InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15), (Msisdn("+22899112233"),), 190)
    with uow_factory() as uow:
        uow.insured_persons.add(person)
        uow.insured_persons.add_declared_pay([DeclaredPay("2000001", MARCH, "1000002", 150_000)])
        uow.insured_persons.add_employment(Employment("2000001", "1000002", ContributionPeriod(2020, 1), MARCH))
        uow.commit()
    with uow_factory() as uow:
        assert uow.insured_persons.get("2000001") == person
        assert uow.insured_persons.list_by_phone(Msisdn("+22899112233")) == [person]
        assert uow.insured_persons.declared_pay("2000001") == [DeclaredPay("2000001", MARCH, "1000002", 150_000)]
        assert uow.insured_persons.employments("2000001")[0].end == MARCH
        with pytest.raises(DuplicateRecordError):
            uow.insured_persons.add_declared_pay([DeclaredPay("2000001", MARCH, "1000002", 1)])


def test_ledger_is_append_only_and_keeps_utc_times(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    entry = LedgerEntry("1000001", EntryKind.CONTRIBUTION_DUE, 47_250, date(2026, 4, 5), NOW, period=MARCH)
    with uow_factory() as uow:
        uow.ledger.append(entry)
        uow.commit()
    with uow_factory() as uow:
        (stored,) = uow.ledger.entries("1000001")
    assert stored.recorded_at == NOW and stored.recorded_at.tzinfo is not None
    assert (stored.amount, stored.period, stored.kind) == (47_250, MARCH, EntryKind.CONTRIBUTION_DUE)


def test_an_account_is_read_with_its_employer_in_one_query(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory, "1000001", "BOULANGERIE", ("+22890112233",))
    add_employer(uow_factory, "1000002", "PHARMACIE", ("+22870112233",))
    due = LedgerEntry("1000001", EntryKind.CONTRIBUTION_DUE, 47_250, date(2026, 4, 5), NOW, period=MARCH)
    paid = LedgerEntry("1000001", EntryKind.PAYMENT, 40_000, date(2026, 4, 10), NOW, reference="CNSS12345678")
    with uow_factory() as uow:
        uow.ledger.append(due)
        uow.ledger.append(paid)
        uow.commit()
    with uow_factory() as uow:
        found: list[object] = []
        statements = statements_of(uow_factory.engine, lambda: found.append(uow.ledger.with_employer("1000001")))
        assert len(queries(statements)) == 1, statements
        ((employer, entries),) = found  # type: ignore[misc]
        assert (employer.employer_number, employer.company_name, employer.phones) == ("1000001", "BOULANGERIE", ())
        assert entries == uow.ledger.entries("1000001") and [e.amount for e in entries] == [47_250, 40_000]
        assert entries[0].recorded_at.tzinfo is not None
        without_entries = uow.ledger.with_employer("1000002")
        assert without_entries is not None and without_entries[0].company_name == "PHARMACIE"
        assert without_entries[1] == [], "an employer with an empty account is still found"
        assert uow.ledger.with_employer("1999999") is None
        assert uow.ledger.with_employer("9" * 40) is None, "longer than the column: not found, no database error"
        assert uow.phones.accounts_on(Msisdn("+2289" + "9" * 20)) == [], "longer than the column: nobody"


def test_the_same_surcharge_step_cannot_be_charged_twice(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    surcharge = LedgerEntry("1000001", EntryKind.SURCHARGE, 2_362, date(2026, 4, 16), NOW, period=MARCH,
                            surcharge_step=0)
    with uow_factory() as uow:
        uow.ledger.append(surcharge)
        with pytest.raises(DuplicateRecordError):
            uow.ledger.append(surcharge)


def test_payment_reference_codes_are_unique(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    with uow_factory() as uow:
        uow.references.add(_reference())
        uow.commit()
        with pytest.raises(DuplicateRecordError):
            uow.references.add(_reference())


def test_a_provider_transaction_is_stored_once(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    payment = Payment("311050152686", "ibbank", "TX-1", PaymentChannel.BANK, 47_250, NOW, NOW, "R311050152686")
    with uow_factory() as uow:
        uow.references.add(_reference())
        uow.references.add(_reference("494370412916"))
        stored = uow.payments.add(payment)
        uow.commit()
    assert stored.payment_id is not None
    with uow_factory() as uow:
        assert uow.payments.get_by_transaction("ibbank", "TX-1") == stored
        assert uow.payments.get_by_reference("311050152686") == stored
        twin = Payment("494370412916", "ibbank", "TX-1", PaymentChannel.BANK, 47_250, NOW, NOW, "R494370412916")
        with pytest.raises(DuplicateRecordError):
            uow.payments.add(twin)


def test_reference_status_updates_round_trip(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    with uow_factory() as uow:
        uow.references.add(_reference())
        uow.references.update(_reference().mark_paid(NOW))
        uow.commit()
    with uow_factory() as uow:
        stored = uow.references.get("311050152686", for_update=True)
        assert stored is not None and stored.status is ReferenceStatus.PAID and stored.paid_at == NOW
        assert uow.references.list_for_employer("1000001", 5) == [stored]


def test_requests_activity_and_credentials_round_trip(uow_factory: SqlAlchemyUnitOfWorkFactory) -> None:
    claim = ServiceRequest("RC00000042", CLAIM, HolderKind.EMPLOYER, "1000001", RequestStatus.RECEIVED,
                           NOW, NOW, "sms", {"category": "wrong_balance"}, None, Msisdn("+22890112233"))
    event = ActivityEntry(HolderKind.EMPLOYER, "1000001", ActivityKind.REQUEST_FILED, NOW, {"tracking_number": "x"})
    credential = Credential(HolderKind.INSURED, "2000001", "$argon2id$hash", 2, NOW)
    with uow_factory() as uow:
        uow.requests.add(claim)
        uow.activity.append(event)
        uow.credentials.save(credential)
        uow.credentials.save(Credential(HolderKind.INSURED, "2000001", "$argon2id$other", 0, None))
        uow.requests.update(claim.with_status(RequestStatus.DOCUMENTS_MISSING, NOW + timedelta(hours=1), "CNI"))
        uow.commit()
    with uow_factory() as uow:
        stored_request = uow.requests.get("RC00000042")
        assert stored_request is not None and stored_request.status is RequestStatus.DOCUMENTS_MISSING
        assert (stored_request.note, stored_request.msisdn) == ("CNI", Msisdn("+22890112233"))
        assert uow.requests.list_for(HolderKind.EMPLOYER, "1000001", 5)[0].category is ClaimCategory.WRONG_BALANCE
        assert uow.activity.list_for(HolderKind.EMPLOYER, "1000001", 5)[0].details == {"tracking_number": "x"}
        stored = uow.credentials.get(HolderKind.INSURED, "2000001")
        assert stored == Credential(HolderKind.INSURED, "2000001", "$argon2id$other", 0, None)
        assert uow.credentials.get(HolderKind.EMPLOYER, "2000001") is None
