"""The reconciliation command: ``flask --app app reconcile <date> [--bank-statement FILE]``."""
from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.domain.money import format_xof
from core.domain.payments import PaymentChannel
from core.services.bank_statements import StatementLine, parse_statement
from core.services.declared_payments import DeclaredPaymentCheck
from core.services.reconciliation import (
    CONFIRMABLE_NOTE,
    ReconciliationReport,
    confirm_matched_alerts,
    reconcile,
    report_rows,
)
from gateway.runtime import runtime


def _day(value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: expected YYYY-MM-DD, e.g. 2026-04-10",
                                 param_hint="DATE") from None


def _statement(path: Path) -> tuple[list[StatementLine], list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror or exc}", param_hint="--bank-statement") from exc
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{path} is not UTF-8 text (byte {exc.start})",
                                 param_hint="--bank-statement") from exc
    try:
        return parse_statement(text)
    except ValueError as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--bank-statement") from exc


@click.command("reconcile")
@click.argument("day", metavar="DATE")
@click.option("--bank-statement", "statement_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The bank's statement of the day (CSV: transaction_id, reference, amount[, paid_at, provider]).")
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="CSV written (default: reconciliation-DATE.csv in the current directory).")
@click.option("--dry-run", is_flag=True, help="Only report: do not credit the SMS alerts the statement confirms.")
@with_appcontext
def reconcile_command(day: str, statement_path: Path | None, output: Path | None, dry_run: bool) -> None:
    """Print and write the day's payments by channel with totals, and the mismatches with the bank statement.

    Provisional SMS payment alerts that the statement confirms (same provider, transaction id and
    amount) are credited, unless --dry-run.
    """
    business_day = _day(day)
    statement, problems = _statement(statement_path) if statement_path is not None else (None, [])
    try:
        zone = ZoneInfo(current_app.config["GATEWAY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.ClickException(f"GATEWAY_TIMEZONE is not a known timezone: {exc}") from exc
    rt = runtime()
    report = reconcile(business_day, statement, uow=rt.uow_factory(), clock=rt.clock, zone=zone)
    target = output if output is not None else Path(f"reconciliation-{business_day.isoformat()}.csv")
    try:
        with target.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(report_rows(report, problems))
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from exc
    for text in summary(report, problems, zone_name=str(zone), statement_name=statement_path):
        click.echo(text)
    click.echo(f"CSV written to {target.resolve()}")
    if report.confirmable_alerts and not dry_run:
        channels = {sender.provider: sender.channel for sender in rt.alert_senders.values()}
        done = confirm_matched_alerts(report, uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook,
                                      receipts=rt.receipts, finance_phones=rt.finance_phones,
                                      channel_of=lambda provider: channels.get(provider, PaymentChannel.BANK))
        for item in done:
            line = item.confirmable.line
            outcome = (f"credited, receipt {item.receipt_number}" if item.receipt_number
                       else f"not credited, {item.refused}")
            click.echo(f"Alert #{item.confirmable.alert.alert_id} matched by the statement "
                       f"({line.transaction_id}, {format_xof(line.amount)}): {outcome}")


def summary(report: ReconciliationReport, problems: Sequence[str], *, zone_name: str = "",
            statement_name: Path | None = None) -> list[str]:
    """The human summary printed by the command."""
    out = [f"Reconciliation of {report.day.isoformat()}" + (f" ({zone_name})" if zone_name else "")]
    out.append(f"Payments: {len(report.payments)}")
    for channel in PaymentChannel:
        out.append(f"  {channel.value:<13} {report.count_by_channel(channel):>4}  "
                   f"{format_xof(report.totals_by_channel.get(channel.value, 0)):>20}")
    for provider, total in report.totals_by_provider.items():
        count = sum(1 for p in report.payments if p.provider == provider)
        out.append(f"    {provider:<11} {count:>4}  {format_xof(total):>20}")
    out.append(f"  {'total':<13} {len(report.payments):>4}  {format_xof(report.grand_total):>20}")
    if report.statement_given:
        bad = f", {len(problems)} bad line(s) not checked" if problems else ""
        out.append(f"Bank statement {statement_name}: {report.statement_lines} line(s){bad}")
        for problem in problems:
            out.append(f"  {problem}")
        out.extend(_section("Missing in gateway (on the statement, no payment recorded)", [
            _line(m.line.provider, m.line.transaction_id, m.line.reference, m.line.amount) + (
                f"  [{m.note}]" if m.note else "") for m in report.missing_in_gateway]))
        out.extend(_section("Missing in statement (recorded, not on the statement)", [
            _line(p.provider, p.transaction_id, p.reference, p.amount) for p in report.missing_in_statement]))
        out.extend(_section("Amount differences", [
            _line(d.payment.provider, d.payment.transaction_id, d.payment.reference, d.payment.amount)
            + f"  gateway {format_xof(d.payment.amount)}, statement {format_xof(d.line.amount)}"
            for d in report.amount_differences]))
    else:
        out.append("No bank statement given: the gateway's side only")
    out.extend(_section("Rejected notifications", [
        _line(r.provider, r.transaction_id, r.reference, r.amount) + f"  {r.reason}" for r in report.rejected]))
    out.extend(_section("Payment alerts to review", [
        _line(a.provider, a.transaction_id, a.reference, a.amount) + f"  {a.status.value}: "
        + " ".join(a.raw_text.split())[:60] for a in report.alerts_to_review]))
    if report.statement_given:
        out.extend(_section("Confirmable alerts (statement matches a provisional SMS alert)", [
            _line(c.alert.provider, c.line.transaction_id, c.line.reference, c.line.amount)
            + f"  alert #{c.alert.alert_id}" for c in report.confirmable_alerts]))
        if report.confirmable_alerts:
            out.append(f"  note: {CONFIRMABLE_NOTE}")
    out.extend(declared_section(report))
    if report.other_day_lines:
        out.extend(_section("Statement lines dated another day (not reconciled here)", [
            _line(s.provider, s.transaction_id, s.reference, s.amount) for s in report.other_day_lines]))
    if report.mismatch_count == 0:
        out.append("no mismatches" + (" in the readable statement lines" if problems else ""))
    else:
        out.append(f"{report.mismatch_count} mismatch(es) to review")
    return out


def declared_section(report: ReconciliationReport) -> list[str]:
    """Payments employers declared, awaiting verification: matched or not by the statement; none is credited."""
    if not report.declared:
        return []
    matched = [c for c in report.declared if c.matched]
    unmatched = [c for c in report.declared if not c.matched]

    def line(check: DeclaredPaymentCheck) -> str:
        request = check.request
        text = (f"{request.tracking_number} employer {request.holder_number} "
                f"{request.details.get('paid_by', '-')} {check.transaction_id} {format_xof(check.amount)} "
                f"paid {request.details.get('paid_on', '-')}")
        if check.line is not None:
            return text + f"  statement ref {check.line.reference or '-'}"
        if check.other_amount is not None:
            return text + f"  statement says {format_xof(check.other_amount.amount)}"
        return text
    out = [f"Declared payments awaiting verification: {len(report.declared)} (never credited on the employer's word)"]
    if report.statement_given:
        out.extend(f"  {text}" for text in _section("Matched by the statement (transaction id and amount)",
                                                     [line(c) for c in matched]))
        out.extend(f"  {text}" for text in _section("Not matched", [line(c) for c in unmatched]))
    else:
        out.extend(f"  {line(c)}" for c in unmatched)
    return out


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}: {len(lines)}", *(f"  {line}" for line in lines)]


def _line(provider: str | None, transaction_id: str | None, reference: str | None, amount: int | None) -> str:
    money = format_xof(amount) if amount is not None else "?"
    return f"{provider or '-'} {transaction_id or '-'} ref {reference or '-'} {money}"


def register(app: Flask) -> None:
    """Attach the reconciliation command."""
    app.cli.add_command(reconcile_command)
