"""Payments employers declared (transfer, deposit, mobile money): listed by ``reconcile``, matched against the bank
statement by transaction id and amount, and never credited on the employer's word."""
from __future__ import annotations

import csv
from datetime import date, datetime, timezone
from pathlib import Path

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.clock import FixedClock
from core.domain.parties import HolderKind
from core.domain.requests import DECLARED_PAYMENT, RequestStatus
from core.ports import UnitOfWorkFactory
from core.services.bank_statements import StatementLine
from core.services.reconciliation import reconcile, report_rows
from core.services.requests import change_status, file_request
from menus.request_texts import CatalogueRequestWording
from tests.support.builders import add_employer
from tests.support.clock import SettableClock

DAY = date(2026, 4, 10)
CLOCK = FixedClock(datetime(2026, 4, 11, 8, 0, tzinfo=timezone.utc))


def _declare(factory: UnitOfWorkFactory, transaction: str, amount: int, paid_on: str, paid_by: str = "transfer",
             clock: FixedClock | SettableClock = CLOCK) -> str:
    request = file_request(DECLARED_PAYMENT, HolderKind.EMPLOYER, "1000001",
                           {"paid_by": paid_by, "transaction": transaction, "amount": amount, "paid_on": paid_on},
                           uow=factory(), clock=clock)
    return request.tracking_number


def _line(transaction: str, amount: int, reference: str = "482133907715") -> StatementLine:
    return StatementLine(transaction, reference, amount, datetime(2026, 4, 10, 9, tzinfo=timezone.utc), None)


def test_declared_payments_are_matched_by_transaction_id_and_amount_and_nothing_is_credited(
        uow_factory: UnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    matched = _declare(uow_factory, "vir20260410 77", 250_000, "2026-04-10")
    other_amount = _declare(uow_factory, "MM-555", 90_000, "2026-04-09", "mobile_money")
    absent = _declare(uow_factory, "DEP-1", 40_000, "2026-04-08", "deposit")
    _declare(uow_factory, "VIR-LATER", 10_000, "2026-04-11")  # paid after the day: not listed yet
    decided = _declare(uow_factory, "VIR-OLD", 10_000, "2026-04-01")
    change_status(decided, RequestStatus.REJECTED, uow=uow_factory(), clock=CLOCK, wording=CatalogueRequestWording())

    statement = [_line("VIR-2026-0410-77", 250_000), _line("VIR20260410 77", 250_000), _line("mm-555", 95_000)]
    report = reconcile(DAY, statement, uow=uow_factory(), clock=CLOCK)
    by_tracking = {c.request.tracking_number: c for c in report.declared}
    assert set(by_tracking) == {matched, other_amount, absent}, "undecided ones paid on the day or before"
    assert by_tracking[matched].matched and by_tracking[matched].line == statement[1]
    assert not by_tracking[other_amount].matched and by_tracking[other_amount].other_amount == statement[2]
    assert not by_tracking[absent].matched and by_tracking[absent].other_amount is None
    notes = {m.line.transaction_id: m.note for m in report.missing_in_gateway}
    assert notes["VIR20260410 77"] == f"declared by employer 1000001 ({matched})"
    assert notes["VIR-2026-0410-77"] == "" and notes["mm-555"] == ""
    rows = [row for row in report_rows(report) if row[0].startswith("declared_")]
    assert [(row[0], row[3], row[5]) for row in rows] == [
        ("declared_unmatched", "DEP-1", "40000"), ("declared_unmatched", "MM-555", "90000"),
        ("declared_matched", "vir20260410 77", "250000")], "by payment day"
    assert rows[1][7] == f"{other_amount} employer=1000001: statement says 95000"
    with uow_factory() as uow:
        assert uow.payments.paid_between(datetime(2026, 1, 1, tzinfo=timezone.utc),
                                         datetime(2027, 1, 1, tzinfo=timezone.utc)) == []
        assert uow.requests.get(matched).status is RequestStatus.RECEIVED  # type: ignore[union-attr]


def test_without_a_statement_the_declared_payments_are_still_listed(uow_factory: UnitOfWorkFactory) -> None:
    add_employer(uow_factory)
    tracking = _declare(uow_factory, "VIR-1", 250_000, "2026-04-10")
    report = reconcile(DAY, None, uow=uow_factory(), clock=CLOCK)
    assert [(c.request.tracking_number, c.matched) for c in report.declared] == [(tracking, False)]
    assert report.mismatch_count == 0


def test_the_reconcile_command_reports_declared_payments_matched_and_not(tmp_path: Path) -> None:
    clock = SettableClock(datetime(2026, 4, 11, 8, 0, tzinfo=timezone.utc))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True, "CLOCK": clock})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    add_employer(rt.uow_factory)
    matched = _declare(rt.uow_factory, "VIR-77", 250_000, "2026-04-10", clock=clock)
    unmatched = _declare(rt.uow_factory, "MM-555", 90_000, "2026-04-09", "mobile_money", clock=clock)
    statement = tmp_path / "releve.csv"
    statement.write_text("transaction_id,reference,amount,paid_at\nVIR-77,482133907715,250000,2026-04-10T09:00:00Z\n",
                         encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["reconcile", "2026-04-10", "--bank-statement", str(statement),
                                                "--output", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Declared payments awaiting verification: 2 (never credited on the employer's word)")
    assert lines[start + 1:start + 5] == [
        "  Matched by the statement (transaction id and amount): 1",
        f"    {matched} employer 1000001 transfer VIR-77 250 000 FCFA paid 2026-04-10  statement ref 482133907715",
        "  Not matched: 1",
        f"    {unmatched} employer 1000001 mobile_money MM-555 90 000 FCFA paid 2026-04-09"]
    assert f"[declared by employer 1000001 ({matched})]" in result.output
    assert "credited, receipt" not in result.output
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as handle:
        sections = [row[0] for row in csv.reader(handle)]
    assert sections.count("declared_matched") == 1 and sections.count("declared_unmatched") == 1
    with rt.uow_factory() as uow:
        assert uow.requests.get(matched).status is RequestStatus.RECEIVED
