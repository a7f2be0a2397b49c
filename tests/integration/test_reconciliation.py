"""Daily reconciliation on the real databases: totals by channel, statement mismatches, the CSV and the command."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.clock import FixedClock
from core.domain.parties import Employer
from core.domain.inbound import AlertStatus, PaymentAlert
from core.domain.money import format_xof
from core.domain.parameters import RuleBook
from core.domain.payment_references import PaymentReference, display_reference
from core.domain.payments import PaymentChannel
from core.domain.periods import ContributionPeriod
from core.domain.rejections import PaymentRejection
from core.ports import UnitOfWorkFactory
from core.services.payments import record_payment
from core.services.payment_references import issue_payment_reference
from core.services.bank_statements import StatementLine, parse_statement
from core.services.reconciliation import CSV_HEADER, reconcile, report_rows
from tests.support.builders import add_employer, at, declare

DAY = date(2026, 4, 10)
LOME = FixedClock(datetime(2026, 4, 11, 8, 0, tzinfo=timezone.utc))


def _utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 4, day, hour, minute, second, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Scenario:
    """The references paid in the scenario, by role."""

    matched_bank: PaymentReference  # ibbank IBB-001, on the statement as recorded
    differing_bank: PaymentReference  # ibbank IBB-002, the statement says 1 000 more
    matched_momo: PaymentReference  # flooz FLZ-001, on the statement
    unlisted_momo: PaymentReference  # flooz FLZ-002, not on the statement
    day_before: PaymentReference  # ibbank IBB-000, 9 April 23:59:59 UTC
    day_after: PaymentReference  # flooz FLZ-003, 11 April 00:00 UTC

    @property
    def bank_total(self) -> int:
        return self.matched_bank.amount + self.differing_bank.amount

    @property
    def momo_total(self) -> int:
        return self.matched_momo.amount + self.unlisted_momo.amount


def _reference(factory: UnitOfWorkFactory, rulebook: RuleBook, number: str, payroll: int) -> PaymentReference:
    add_employer(factory, number=number, name=f"EMPLOYEUR {number}", phones=())
    declare(factory, rulebook, number, "2026-03", payroll)
    return issue_payment_reference(number, ContributionPeriod(2026, 3), uow=factory(), clock=at(2026, 4, 8),
                                   rulebook=rulebook)


def _pay(factory: UnitOfWorkFactory, rulebook: RuleBook, reference: PaymentReference, provider: str,
         transaction_id: str, paid_at: datetime) -> None:
    channel = PaymentChannel.BANK if provider == "ibbank" else PaymentChannel.MOBILE_MONEY
    record_payment(reference=reference.code, amount=reference.amount, provider=provider,
                   transaction_id=transaction_id, channel=channel, paid_at=paid_at, uow=factory(),
                   clock=FixedClock(paid_at), rulebook=rulebook)


def build_scenario(factory: UnitOfWorkFactory, rulebook: RuleBook) -> Scenario:
    """Six payments around 10 April 2026, two rejections and four SMS alerts."""
    scenario = Scenario(*(_reference(factory, rulebook, f"100000{i}", payroll) for i, payroll in enumerate(
        (300_000, 500_000, 200_000, 250_000, 400_000, 150_000), start=1)))
    _pay(factory, rulebook, scenario.matched_bank, "ibbank", "IBB-001", _utc(10, 9, 15))
    _pay(factory, rulebook, scenario.differing_bank, "ibbank", "IBB-002", _utc(10, 16, 40))
    _pay(factory, rulebook, scenario.matched_momo, "flooz", "FLZ-001", _utc(10, 12))
    _pay(factory, rulebook, scenario.unlisted_momo, "flooz", "FLZ-002", _utc(10, 18))
    _pay(factory, rulebook, scenario.day_before, "ibbank", "IBB-000", _utc(9, 23, 59, 59))
    _pay(factory, rulebook, scenario.day_after, "flooz", "FLZ-003", _utc(11, 0))
    with factory() as uow:
        uow.rejections.add(PaymentRejection("ibbank", "IBB-404", "999999999999", 75_000, "amount_mismatch",
                                            _utc(10, 10, 5), _utc(10, 10)))
        uow.rejections.add(PaymentRejection("ibbank", "IBB-405", "999999999999", 5_000, "reference_expired",
                                            _utc(11, 10)))
        uow.alerts.add(PaymentAlert("flooz", "FLOOZ", "Flooz: paiement 93 437 FCFA ref 4821 3390 7715 TX FLZ-777",
                                    _utc(10, 10), AlertStatus.PROVISIONAL, "482133907715", 93_437, "FLZ-777"))
        uow.alerts.add(PaymentAlert("ibbank", "IBBANK", "Bonjour, virement recu", _utc(10, 13), AlertStatus.UNPARSED))
        uow.alerts.add(PaymentAlert("ibbank", "IBBANK", "IBB: 10 000 ref 1 tx IBB-900", _utc(9, 13),
                                    AlertStatus.PROVISIONAL, "1", 10_000, "IBB-900"))
        uow.alerts.add(PaymentAlert("ibbank", "IBBANK", "IBB: ok tx IBB-001", _utc(10, 9, 20), AlertStatus.CONFIRMED,
                                    scenario.matched_bank.code, scenario.matched_bank.amount, "IBB-001",
                                    payment_id=1))
        uow.commit()
    return scenario


def _spaced(amount: int, separator: str = " ") -> str:
    return f"{amount:,}".replace(",", separator)


def comma_statement(s: Scenario) -> str:
    """Comma-delimited, with providers; line 6 is bad, line 8 is dated the day before."""
    return "\n".join([
        "transaction_id,reference,amount,paid_at,provider",
        f"IBB-001,{display_reference(s.matched_bank.code)},\"{_spaced(s.matched_bank.amount)}\","
        "2026-04-10T09:15:00Z,IBBANK",
        f"IBB-002,{s.differing_bank.code},{s.differing_bank.amount + 1000},2026-04-10,ibbank",
        f"FLZ-001,{s.matched_momo.code},{s.matched_momo.amount},2026-04-10T12:00:00+00:00,flooz",
        "IBB-404,CNSS mars 2026,75000,2026-04-10,ibbank",
        "IBB-XXX,CNSS,abc,2026-04-10,ibbank",
        "FLZ-777,4821 3390 7715,93 437,2026-04-10,flooz",
        "IBB-500,CNSS,10000,2026-04-09,ibbank",
        "",
    ])


def semicolon_statement(s: Scenario) -> str:
    """The same statement as a French bank exports it: ';', other column order, no provider, odd spaces."""
    return "\ufeff" + "\r\n".join([
        "Montant libre;AMOUNT;Reference;Transaction_ID;Paid_At",
        f"x;{_spaced(s.matched_bank.amount, chr(0x202F))};{display_reference(s.matched_bank.code)};IBB-001;"
        "2026-04-10T09:15:00",
        f"x;{_spaced(s.differing_bank.amount + 1000, chr(0xA0))};{s.differing_bank.code};IBB-002;2026-04-10",
        f"x;{s.matched_momo.amount},00;{s.matched_momo.code};FLZ-001;2026-04-10",
        "x;75 000;CNSS mars 2026;IBB-404;2026-04-10",
        "x;abc;CNSS;IBB-XXX;2026-04-10",
        "x;93\u2009437 FCFA;4821 3390 7715;FLZ-777;2026-04-10",
        "x;10000;CNSS;IBB-500;2026-04-09",
    ])


def test_the_days_payments_are_totalled_by_channel_and_provider_and_other_days_are_left_out(
        uow_factory: UnitOfWorkFactory, rulebook: RuleBook) -> None:
    s = build_scenario(uow_factory, rulebook)
    report = reconcile(DAY, None, uow=uow_factory(), clock=LOME, zone=ZoneInfo("Africa/Lome"))
    assert [(p.transaction_id, p.channel) for p in report.payments] == [
        ("IBB-001", PaymentChannel.BANK), ("FLZ-001", PaymentChannel.MOBILE_MONEY),
        ("IBB-002", PaymentChannel.BANK), ("FLZ-002", PaymentChannel.MOBILE_MONEY)]
    first = report.payments[0]
    assert (first.reference, first.provider, first.amount, first.receipt_number, first.employer_number) == (
        s.matched_bank.code, "ibbank", s.matched_bank.amount, f"R{s.matched_bank.code}", "1000001")
    assert first.paid_at == _utc(10, 9, 15)
    assert dict(report.totals_by_channel) == {"bank": s.bank_total, "mobile_money": s.momo_total}
    assert dict(report.totals_by_provider) == {"flooz": s.momo_total, "ibbank": s.bank_total}
    assert report.grand_total == s.bank_total + s.momo_total
    assert [(r.transaction_id, r.reason) for r in report.rejected] == [("IBB-404", "amount_mismatch")]
    assert [(a.transaction_id, a.status) for a in report.alerts_to_review] == [
        ("FLZ-777", AlertStatus.PROVISIONAL), (None, AlertStatus.UNPARSED)]
    assert not report.statement_given and report.missing_in_gateway == () == report.missing_in_statement
    assert report.mismatch_count == 3


def test_the_business_day_follows_the_zone_not_utc(uow_factory: UnitOfWorkFactory, rulebook: RuleBook) -> None:
    s = build_scenario(uow_factory, rulebook)
    lagos = FixedClock(_utc(11, 8), "Africa/Lagos")  # UTC+1: the day runs 9 April 23:00 to 10 April 23:00 UTC
    for report in (reconcile(DAY, None, uow=uow_factory(), clock=lagos, zone=ZoneInfo("Africa/Lagos")),
                   reconcile(DAY, None, uow=uow_factory(), clock=lagos)):
        assert [p.transaction_id for p in report.payments] == ["IBB-000", "IBB-001", "FLZ-001", "IBB-002", "FLZ-002"]
        assert report.payments[0].paid_at.isoformat() == "2026-04-10T00:59:59+01:00"
        assert report.grand_total == s.bank_total + s.momo_total + s.day_before.amount


@pytest.mark.parametrize("make_statement", [comma_statement, semicolon_statement])
def test_a_statement_shows_what_is_missing_on_each_side_and_what_differs(
        uow_factory: UnitOfWorkFactory, rulebook: RuleBook, make_statement: object) -> None:
    s = build_scenario(uow_factory, rulebook)
    lines, problems = parse_statement(make_statement(s))  # type: ignore[operator]
    assert problems == ["line 6: amount 'abc' is not a whole number"]
    assert len(lines) == 6
    report = reconcile(DAY, lines, uow=uow_factory(), clock=LOME)
    assert report.statement_given and report.statement_lines == 6
    assert [(m.line.transaction_id, m.line.amount, m.note) for m in report.missing_in_gateway] == [
        ("IBB-404", 75_000, "notification rejected: amount_mismatch")]
    assert [p.transaction_id for p in report.missing_in_statement] == ["FLZ-002"]
    assert [(d.payment.transaction_id, d.payment.amount, d.line.amount) for d in report.amount_differences] == [
        ("IBB-002", s.differing_bank.amount, s.differing_bank.amount + 1000)]
    [confirmable] = report.confirmable_alerts
    assert (confirmable.line.transaction_id, confirmable.line.amount, confirmable.alert.provider,
            confirmable.alert.status) == ("FLZ-777", 93_437, "flooz", AlertStatus.PROVISIONAL)
    assert [line.transaction_id for line in report.other_day_lines] == ["IBB-500"]
    assert [(r.transaction_id, r.reason) for r in report.rejected] == [("IBB-404", "amount_mismatch")]
    assert len(report.alerts_to_review) == 2
    assert report.mismatch_count == 1 + 1 + 1 + 1 + 2 + 1


def test_reconciling_credits_nothing_and_confirms_no_alert(
        uow_factory: UnitOfWorkFactory, rulebook: RuleBook) -> None:
    s = build_scenario(uow_factory, rulebook)
    lines, _ = parse_statement(comma_statement(s))
    reconcile(DAY, lines, uow=uow_factory(), clock=LOME)
    with uow_factory() as uow:
        assert len(uow.payments.paid_between(_utc(1, 0), _utc(30, 0))) == 6
        assert uow.payments.get_by_transaction("flooz", "FLZ-777") is None
        assert [a.status for a in uow.alerts.received_between(_utc(10, 0), _utc(11, 0))
                if a.transaction_id == "FLZ-777"] == [AlertStatus.PROVISIONAL]


def test_a_provider_on_the_statement_must_match_too(uow_factory: UnitOfWorkFactory, rulebook: RuleBook) -> None:
    s = build_scenario(uow_factory, rulebook)
    wrong_provider = [StatementLine("IBB-001", s.matched_bank.code, s.matched_bank.amount, None, "mixx"),
                      StatementLine("FLZ-777", "", 93_437, None, "ibbank")]
    report = reconcile(DAY, wrong_provider, uow=uow_factory(), clock=LOME)
    assert [m.line.transaction_id for m in report.missing_in_gateway] == ["IBB-001", "FLZ-777"]
    assert "reference already paid by ibbank transaction IBB-001" in report.missing_in_gateway[0].note
    assert report.confirmable_alerts == ()
    assert [p.transaction_id for p in report.missing_in_statement] == ["IBB-001", "FLZ-001", "IBB-002", "FLZ-002"]


def test_the_csv_rows_list_payments_totals_then_mismatches(
        uow_factory: UnitOfWorkFactory, rulebook: RuleBook) -> None:
    s = build_scenario(uow_factory, rulebook)
    lines, problems = parse_statement(comma_statement(s))
    rows = report_rows(reconcile(DAY, lines, uow=uow_factory(), clock=LOME), problems)
    assert rows[0] == CSV_HEADER == ["section", "provider", "channel", "transaction_id", "reference", "amount",
                                     "paid_at", "detail"]
    assert all(len(row) == 8 for row in rows)
    assert [row[0] for row in rows] == (
        ["section"] + ["payment"] * 4 + ["total"] * 5 + ["missing_in_gateway", "missing_in_statement",
                                                           "amount_difference", "rejected", "alert_review",
                                                           "alert_review", "confirmable_alert",
                                                           "statement_other_day", "statement_error"])
    assert rows[1] == ["payment", "ibbank", "bank", "IBB-001", s.matched_bank.code, str(s.matched_bank.amount),
                       "2026-04-10T09:15:00+00:00", f"receipt=R{s.matched_bank.code} employer=1000001"]
    assert rows[5:10] == [
        ["total", "", "bank", "", "", str(s.bank_total), "", "channel=bank"],
        ["total", "", "mobile_money", "", "", str(s.momo_total), "", "channel=mobile_money"],
        ["total", "flooz", "", "", "", str(s.momo_total), "", "provider=flooz"],
        ["total", "ibbank", "", "", "", str(s.bank_total), "", "provider=ibbank"],
        ["total", "", "", "", "", str(s.bank_total + s.momo_total), "", "grand_total"]]
    by_section = {row[0]: row for row in rows[10:]}
    assert by_section["missing_in_gateway"][1:6] == ["ibbank", "", "IBB-404", "CNSS mars 2026", "75000"]
    assert by_section["missing_in_statement"][3] == "FLZ-002"
    assert by_section["amount_difference"][3] == "IBB-002"
    assert by_section["amount_difference"][7] == (
        f"gateway={s.differing_bank.amount} statement={s.differing_bank.amount + 1000}")
    assert by_section["rejected"][3] == "IBB-404" and by_section["rejected"][7] == "amount_mismatch"
    assert by_section["alert_review"][7] == "unparsed: Bonjour, virement recu"
    assert by_section["confirmable_alert"][1:6] == ["flooz", "", "FLZ-777", "482133907715", "93437"]
    assert "not credited" in by_section["confirmable_alert"][7]
    assert by_section["statement_error"][7] == "line 6: amount 'abc' is not a whole number"


def test_statement_parsing_is_lenient_on_rows_and_strict_on_columns() -> None:
    lines, problems = parse_statement(
        "TRANSACTION ID;Reference;Amount;Paid_at;Provider\n"
        "T1;4821 3390 7715;93 437;2026-04-10;Flooz\n"
        "T2;Virement CNSS  avril;\"1\u00a0000\u00a0000\";2026-04-10T10:30:00+01:00;\n"
        "T3;x;93437.00;;\n"
        ";x;100;;\n"
        "T5;x;-500;;\n"
        "T6;x;12,50;;\n"
        "T7;x;100;10/04/2026;\n"
        "T1;x;100;;flooz\n"
        "T9;x;;;\n"
        "\n"
        "T10;x;5;;;extra\n")
    assert lines == [
        StatementLine("T1", "482133907715", 93_437, datetime(2026, 4, 10, tzinfo=timezone.utc), "flooz"),
        StatementLine("T2", "Virement CNSS avril", 1_000_000, _utc(10, 9, 30), None),
        StatementLine("T3", "x", 93_437, None, None)]
    assert [line.line_number for line in lines] == [2, 3, 4]
    assert problems == [
        "line 5: transaction_id is empty",
        "line 6: amount '-500' is not positive (only credits are payments)",
        "line 7: amount '12,50' is not a whole number",
        "line 8: paid_at '10/04/2026' is not an ISO 8601 date or date-time",
        "line 9: transaction 'T1' already on line 2, ignored",
        "line 10: amount is empty",
        "line 12: 6 fields but the header has 5 (an unquoted ';' in a value?)"]


@pytest.mark.parametrize(("text", "missing"), [
    ("transaction_id,reference,paid_at\nT1,R,2026-04-10\n", "amount"),
    ("reference;amount\nR;100\n", "transaction_id"),
    ("", "empty"),
])
def test_a_statement_without_a_mandatory_column_is_refused(text: str, missing: str) -> None:
    with pytest.raises(ValueError, match=missing):
        parse_statement(text)


def test_the_reconcile_command_prints_the_summary_and_writes_the_csv(
        tmp_path: Path, rulebook: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True})
    upgrade(app.extensions["cnss"].engine)
    s = build_scenario(app.extensions["cnss"].uow_factory, rulebook)
    statement, out = tmp_path / "releve.csv", tmp_path / "out" / "rapport.csv"
    out.parent.mkdir()
    statement.write_text("\ufeff" + comma_statement(s), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reconcile", "2026-04-10", "--bank-statement", str(statement), "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Payments: 4" in text
    assert any(line.split()[:2] == ["bank", "2"] and line.endswith(format_xof(s.bank_total))
               for line in text.splitlines())
    assert any(line.split()[:2] == ["mobile_money", "2"] and line.endswith(format_xof(s.momo_total))
               for line in text.splitlines())
    assert format_xof(s.momo_total) in text and format_xof(s.bank_total + s.momo_total) in text
    assert "93 437 FCFA" in text
    for expected in ("Missing in gateway (on the statement, no payment recorded): 1",
                     "Missing in statement (recorded, not on the statement): 1", "Amount differences: 1",
                     "Rejected notifications: 1", "Payment alerts to review: 2",
                     "Confirmable alerts (statement matches a provisional SMS alert): 1",
                     "line 6: amount 'abc' is not a whole number", "7 mismatch(es) to review",
                     f"CSV written to {out.resolve()}",
                     "(FLZ-777, 93 437 FCFA): not credited, InvalidPaymentReferenceError"):
        assert expected in text, expected
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == CSV_HEADER
    assert [row[3] for row in rows if row[0] == "payment"] == ["IBB-001", "FLZ-001", "IBB-002", "FLZ-002"]
    assert ["total", "", "", "", "", str(s.bank_total + s.momo_total), "", "grand_total"] in rows
    assert [row[3] for row in rows if row[0] == "missing_in_gateway"] == ["IBB-404"]
    assert [row[7] for row in rows if row[0] == "amount_difference"] == [
        f"gateway={s.differing_bank.amount} statement={s.differing_bank.amount + 1000}"]

    monkeypatch.chdir(tmp_path)
    quiet = runner.invoke(args=["reconcile", "2026-05-01"])
    assert quiet.exit_code == 0, quiet.output
    assert "Payments: 0" in quiet.output and "no mismatches" in quiet.output
    assert "No bank statement given" in quiet.output
    default_output = (tmp_path / "reconciliation-2026-05-01.csv").read_text(encoding="utf-8")
    assert list(csv.reader(default_output.splitlines())) == [
        CSV_HEADER, ["total", "", "bank", "", "", "0", "", "channel=bank"],
        ["total", "", "mobile_money", "", "", "0", "", "channel=mobile_money"],
        ["total", "", "", "", "", "0", "", "grand_total"]]


def test_a_statement_confirms_a_provisional_alert_and_credits_it_unless_dry_run(
        tmp_path: Path, rulebook: RuleBook) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    reference = _reference(rt.uow_factory, rulebook, "1000009", 300_000)
    with rt.uow_factory() as uow:
        uow.employers.add(Employer("1000010", "UNUSED"))
        uow.alerts.add(PaymentAlert("ibbank", "IBBANK", "Credit ...", _utc(10, 10), AlertStatus.PROVISIONAL,
                                    reference.code, reference.amount, "IBB-321"))
        uow.commit()
    statement = tmp_path / "releve.csv"
    statement.write_text(f"transaction_id,reference,amount,paid_at,provider\n"
                         f"IBB-321,{reference.code},{reference.amount},2026-04-10T09:00:00Z,ibbank\n", encoding="utf-8")
    runner = app.test_cli_runner()
    args = ["reconcile", "2026-04-10", "--bank-statement", str(statement), "--output", str(tmp_path / "r.csv")]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0 and "credited, receipt" not in dry.output
    with rt.uow_factory() as uow:
        assert uow.payments.get_by_transaction("ibbank", "IBB-321") is None
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"(IBB-321, {format_xof(reference.amount)}): credited, receipt R{reference.code}" in result.output
    with rt.uow_factory() as uow:
        payment = uow.payments.get_by_transaction("ibbank", "IBB-321")
        assert payment is not None and payment.amount == reference.amount
        assert uow.alerts.provisional_for(reference.code) == []
        assert uow.references.get(reference.code).status.value == "paid"  # type: ignore[union-attr]
    again = runner.invoke(args=args)
    assert "Confirmable alerts (statement matches a provisional SMS alert): 0" in again.output


def test_the_reconcile_command_refuses_bad_input_with_a_clear_message(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True})
    upgrade(app.extensions["cnss"].engine)
    runner = app.test_cli_runner()
    bad_date = runner.invoke(args=["reconcile", "10/04/2026"])
    assert bad_date.exit_code == 2
    assert "'10/04/2026' is not a date: expected YYYY-MM-DD" in bad_date.output
    assert runner.invoke(args=["reconcile", "2026-02-30"]).exit_code == 2
    missing = runner.invoke(args=["reconcile", "2026-04-10", "--bank-statement", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
    no_amount = tmp_path / "no_amount.csv"
    no_amount.write_text("transaction_id,reference\nT1,R\n", encoding="utf-8")
    refused = runner.invoke(args=["reconcile", "2026-04-10", "--bank-statement", str(no_amount)])
    assert refused.exit_code == 2 and "no amount column" in refused.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("transaction_id,reference,amount\nT1,Relev\u00e9,100\n".encode("latin-1"))
    undecodable = runner.invoke(args=["reconcile", "2026-04-10", "--bank-statement", str(latin)])
    assert undecodable.exit_code == 2 and "not UTF-8" in undecodable.output
