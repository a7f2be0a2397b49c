"""Declaring per worker against the real databases: the starting point, one unit of work, estimates flagged."""
from __future__ import annotations

from datetime import date

import pytest

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.contributions import WorkerPay
from core.domain.errors import DeclarationAlreadyFiledError, InsuredPersonNotFoundError, InvalidDeclarationError
from core.domain.individual_accounts import DeclaredPay
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind, InsuredPerson
from core.domain.periods import ContributionPeriod
from core.services.declarations import declaration_start, file_declaration, find_worker
from tests.support.builders import add_employer, add_insured, at

MARCH, APRIL = ContributionPeriod(2026, 3), ContributionPeriod(2026, 4)
Factory = SqlAlchemyUnitOfWorkFactory


@pytest.fixture
def employer(uow_factory: Factory) -> str:
    add_employer(uow_factory)
    for number, name in (("2000101", "KOFFI Yao"), ("2000102", "AMEGAH Afi"), ("2000103", "SEDZRO Komla")):
        add_insured(uow_factory, InsuredPerson(number, name, date(1990, 1, 1)))
    return "1000001"


def test_the_start_is_the_newest_period_declared_per_worker_with_names(
        uow_factory: Factory, rulebook: RuleBook, employer: str) -> None:
    start = declaration_start(employer, uow=uow_factory())
    assert (start.previous_period, start.workers, start.has_declarations) == (None, (), False)
    file_declaration(employer, MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                     workers=[WorkerPay("2000102", 80_000), WorkerPay("2000101", 45_000)])
    file_declaration(employer, APRIL, uow=uow_factory(), clock=at(2026, 5, 5), rulebook=rulebook,
                     workers=[WorkerPay("2000103", 150_000)])
    start = declaration_start(employer, uow=uow_factory())
    assert start.previous_period == APRIL and start.has_declarations
    assert [(w.insured_number, w.name, w.gross_pay) for w in start.workers] == [("2000103", "SEDZRO Komla", 150_000)]
    assert find_worker("2000101", uow=uow_factory()).full_name == "KOFFI Yao"
    with pytest.raises(InsuredPersonNotFoundError):
        find_worker("2999999", uow=uow_factory())


def test_an_estimate_counts_as_a_declaration_but_gives_no_workers_and_is_flagged(
        uow_factory: Factory, rulebook: RuleBook, employer: str) -> None:
    assessment = file_declaration(employer, MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                                  head_count=2, gross_payroll=195_000)
    assert assessment.amount_due == 61_425
    start = declaration_start(employer, uow=uow_factory())
    assert start.workers == () and start.has_declarations
    file_declaration(employer, APRIL, uow=uow_factory(), clock=at(2026, 5, 5), rulebook=rulebook,
                     workers=[WorkerPay("2000101", 45_000), WorkerPay("2000103", 150_000)])
    with uow_factory() as uow:
        assert uow.declarations.is_estimate(employer, MARCH) and not uow.declarations.is_estimate(employer, APRIL)
        assert uow.declarations.get(employer, APRIL).amount_due == 63_788  # type: ignore[union-attr]
        assert [(line.period, line.gross_pay) for line in uow.insured_persons.declared_pay("2000103")] == [
            (APRIL, 150_000)]
        (activity, *_) = uow.activity.list_for(HolderKind.EMPLOYER, employer, limit=1)
        assert activity.details["period"] == "2026-04" and "estimate" not in activity.details


def test_a_refused_filing_writes_nothing_at_all(uow_factory: Factory, rulebook: RuleBook, employer: str) -> None:
    with pytest.raises(InvalidDeclarationError) as unknown:
        file_declaration(employer, MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                         workers=[WorkerPay("2000101", 45_000), WorkerPay("2999999", 80_000)])
    assert unknown.value.data["reason"] == "unknown_insured"
    with pytest.raises(InvalidDeclarationError) as too_much:
        file_declaration(employer, MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                         workers=[WorkerPay("2000101", 50_000_001)])
    assert too_much.value.data["reason"] == "pay_out_of_range"
    # Pay already on record for the period (say from a paper DNR): the whole filing is refused and rolled back.
    with uow_factory() as uow:
        uow.insured_persons.add_declared_pay([DeclaredPay("2000102", MARCH, employer, 80_000)])
        uow.commit()
    with pytest.raises(DeclarationAlreadyFiledError):
        file_declaration(employer, MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                         workers=[WorkerPay("2000101", 45_000), WorkerPay("2000102", 80_000)])
    with uow_factory() as uow:
        assert uow.declarations.periods(employer) == [] and uow.ledger.entries(employer) == []
        assert uow.insured_persons.declared_pay("2000101") == []
