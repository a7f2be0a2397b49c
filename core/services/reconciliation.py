"""Daily reconciliation: the day's payments by channel, and their mismatches with a bank statement (read-only)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from core.domain.errors import DomainError, InvalidPaymentReferenceError
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.inbound import AlertStatus, PaymentAlert
from core.domain.payment_references import parse_reference_code
from core.domain.payments import Payment, PaymentChannel
from core.domain.rejections import PaymentRejection
from core.ports import Clock, ReceiptComposer, UnitOfWork, UnitOfWorkFactory
from core.services.bank_statements import StatementLine
from core.services.declared_payments import DeclaredPaymentCheck, declared_payments_to_check, transaction_key
from core.services.payment_notifications import notify_payment

CSV_HEADER = ["section", "provider", "channel", "transaction_id", "reference", "amount", "paid_at", "detail"]
CONFIRMABLE_NOTE = ("provisional SMS alert matches the statement; not credited by the report itself: run without "
                    "--dry-run to credit it on the alert's transaction id")
# Statement lines are also matched against payments recorded this far either side of the day (late value dates).
_NEIGHBOURHOOD = timedelta(days=1)


@dataclass(frozen=True)
class PaymentLine:
    """A recorded payment as the report shows it (``paid_at`` in the business timezone)."""

    reference: str
    provider: str
    channel: PaymentChannel
    transaction_id: str
    amount: int
    paid_at: datetime
    receipt_number: str
    employer_number: str


@dataclass(frozen=True)
class UnmatchedLine:
    """A statement line the gateway has no payment for, with what the gateway knows about it."""

    line: StatementLine
    note: str = ""


@dataclass(frozen=True)
class AmountDifference:
    """The same transaction with a different amount on each side."""

    payment: PaymentLine
    line: StatementLine


@dataclass(frozen=True)
class ConfirmableAlert:
    """A statement line that matches a provisional SMS alert but no recorded payment."""

    line: StatementLine
    alert: PaymentAlert


@dataclass(frozen=True)
class ReconciliationReport:
    """The day's payments and totals and, with a statement, what does not match; times are business-local."""

    day: date
    window_start: datetime
    window_end: datetime
    payments: tuple[PaymentLine, ...]
    totals_by_channel: Mapping[str, int]
    totals_by_provider: Mapping[str, int]
    grand_total: int
    rejected: tuple[PaymentRejection, ...]
    alerts_to_review: tuple[PaymentAlert, ...]
    statement_given: bool = False
    statement_lines: int = 0
    missing_in_gateway: tuple[UnmatchedLine, ...] = ()
    missing_in_statement: tuple[PaymentLine, ...] = ()
    amount_differences: tuple[AmountDifference, ...] = ()
    confirmable_alerts: tuple[ConfirmableAlert, ...] = ()
    other_day_lines: tuple[StatementLine, ...] = ()
    # Payments employers declared (transfer, deposit, mobile money), awaiting verification: never credited here.
    declared: tuple[DeclaredPaymentCheck, ...] = ()

    @property
    def mismatch_count(self) -> int:
        """Everything finance staff must look at (statement lines of other days are not mismatches)."""
        return (len(self.missing_in_gateway) + len(self.missing_in_statement) + len(self.amount_differences)
                + len(self.rejected) + len(self.alerts_to_review) + len(self.confirmable_alerts))

    def count_by_channel(self, channel: PaymentChannel) -> int:
        """How many of the day's payments came through ``channel``."""
        return sum(1 for p in self.payments if p.channel is channel)


# --- the reconciliation ----------------------------------------------------------------------------------------


def day_window(day: date, clock: Clock, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the business day ``day``: in ``zone``, or in the clock's zone when None."""
    if zone is not None:
        start = datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(timezone.utc)
        return start, end
    return _local_midnight(day, clock), _local_midnight(day + timedelta(days=1), clock)


def _local_midnight(day: date, clock: Clock) -> datetime:
    """The UTC instant the clock shows as ``day`` 00:00 (found from ``clock.local``, offsets included)."""
    wanted = datetime.combine(day, time())
    guess = datetime.combine(day, time(), tzinfo=timezone.utc)
    for _ in range(4):
        shown = clock.local(guess).replace(tzinfo=None)
        if shown == wanted:
            break
        guess -= shown - wanted
    return guess


def reconcile(day: date, statement: Sequence[StatementLine] | None, *, uow: UnitOfWork, clock: Clock,
              zone: tzinfo | None = None) -> ReconciliationReport:
    """The report of business day ``day``; reads only (the unit of work is never committed, nothing is credited).

    ``zone`` is the business timezone (default: the clock's, found through ``clock.local``).
    """
    start, end = day_window(day, clock, zone)
    near_start, near_end = start - _NEIGHBOURHOOD, end + _NEIGHBOURHOOD
    with uow:
        nearby = uow.payments.paid_between(near_start, near_end)
        todays = [p for p in nearby if start <= p.paid_at < end]
        employers: dict[str, str] = {}

        def line_of(payment: Payment) -> PaymentLine:
            if payment.reference not in employers:
                reference = uow.references.get(payment.reference)
                employers[payment.reference] = reference.employer_number if reference else ""
            return PaymentLine(payment.reference, payment.provider, payment.channel, payment.transaction_id,
                               payment.amount, clock.local(payment.paid_at), payment.receipt_number,
                               employers[payment.reference])

        payments = tuple(line_of(p) for p in todays)
        rejected = tuple(_local_rejection(r, clock) for r in uow.rejections.between(start, end))
        review = tuple(_local_alert(a, clock) for a in uow.alerts.needing_review(start, end))
        report = ReconciliationReport(
            day=day, window_start=clock.local(start), window_end=clock.local(end), payments=payments,
            totals_by_channel={c.value: sum(p.amount for p in payments if p.channel is c) for c in PaymentChannel},
            totals_by_provider={provider: sum(p.amount for p in payments if p.provider == provider)
                                for provider in sorted({p.provider for p in payments})},
            grand_total=sum(p.amount for p in payments), rejected=rejected, alerts_to_review=review,
            declared=tuple(declared_payments_to_check(day, statement, uow=uow)))
        if statement is None:
            return report
        matcher = _Matcher(uow, clock, nearby, (start, end), (near_start, near_end))
        for line in statement:
            matcher.match(line)
        matched = matcher.matched_ids
        return replace(
            report, statement_given=True, statement_lines=len(statement),
            missing_in_gateway=tuple(_with_declarations(matcher.missing, report.declared)), amount_differences=tuple(
                AmountDifference(line_of(payment), line) for payment, line in matcher.differences),
            missing_in_statement=tuple(line_of(p) for p in todays if p.payment_id not in matched),
            confirmable_alerts=tuple(matcher.confirmable), other_day_lines=tuple(matcher.other_day))


def _with_declarations(missing: Sequence[UnmatchedLine], declared: Sequence[DeclaredPaymentCheck]) -> list[UnmatchedLine]:
    """Statement lines with no payment, noting the declared payment (tracking number) each one bears out."""
    by_line = {(transaction_key(c.line.transaction_id), c.line.amount): c for c in declared if c.line is not None}
    out = []
    for item in missing:
        check = by_line.get((transaction_key(item.line.transaction_id), item.line.amount))
        if check is not None:
            said = f"declared by employer {check.request.holder_number} ({check.request.tracking_number})"
            item = replace(item, note="; ".join(filter(None, (item.note, said))))
        out.append(item)
    return out


class _Matcher:
    """Matches statement lines to payments on transaction id (and provider when the line names one)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, nearby: list[Payment], day: tuple[datetime, datetime],
                 near: tuple[datetime, datetime]) -> None:
        self._uow, self._clock, self._day = uow, clock, day
        self._by_transaction: dict[str, list[Payment]] = {}
        # The day's own payments are preferred over a neighbouring day's for the same transaction id.
        for payment in sorted(nearby, key=lambda p: not day[0] <= p.paid_at < day[1]):
            self._by_transaction.setdefault(payment.transaction_id, []).append(payment)
        self._alerts = [a for a in uow.alerts.received_between(*near)
                        if a.status is AlertStatus.PROVISIONAL and a.transaction_id and a.payment_id is None]
        self._rejections = uow.rejections.between(*near)
        self.matched_ids: set[int | None] = set()
        self.missing: list[UnmatchedLine] = []
        self.differences: list[tuple[Payment, StatementLine]] = []
        self.confirmable: list[ConfirmableAlert] = []
        self.other_day: list[StatementLine] = []

    def match(self, raw: StatementLine) -> None:
        if raw.paid_at is not None and raw.paid_at.tzinfo is None:
            raw = replace(raw, paid_at=raw.paid_at.replace(tzinfo=timezone.utc))  # as parse_statement reads it
        line = replace(raw, paid_at=self._clock.local(raw.paid_at)) if raw.paid_at else raw
        candidates = [p for p in self._by_transaction.get(line.transaction_id, [])
                      if line.provider is None or p.provider == line.provider]
        if not candidates and line.provider is not None:
            found = self._uow.payments.get_by_transaction(line.provider, line.transaction_id)
            candidates = [found] if found is not None else []
        payment = next((p for p in candidates if p.payment_id not in self.matched_ids), None)
        if payment is not None:
            self.matched_ids.add(payment.payment_id)
            if payment.amount != line.amount:
                self.differences.append((payment, line))
            return
        if candidates:
            self.missing.append(UnmatchedLine(line, "transaction already matched by another statement line"))
            return
        alerts = [a for a in self._alerts if a.transaction_id == line.transaction_id
                  and (line.provider is None or a.provider == line.provider)]
        alert = next((a for a in alerts if a.amount == line.amount), None)
        if alert is not None:
            self.confirmable.append(ConfirmableAlert(line, _local_alert(alert, self._clock)))
            return
        if raw.paid_at is not None and not self._day[0] <= raw.paid_at < self._day[1]:
            self.other_day.append(line)
            return
        self.missing.append(UnmatchedLine(line, self._note(line, alerts)))

    def _note(self, line: StatementLine, alerts: Iterable[PaymentAlert]) -> str:
        """What the gateway knows about a transaction it has no payment for."""
        notes = [f"notification rejected: {r.reason}" for r in self._rejections
                 if r.transaction_id == line.transaction_id and line.provider in (None, r.provider)]
        notes += [f"provisional alert #{a.alert_id} says {a.amount}" for a in alerts]
        try:
            code = parse_reference_code(line.reference)
        except InvalidPaymentReferenceError:
            return "; ".join(notes)
        paid = self._uow.payments.get_by_reference(code)
        if paid is not None:
            notes.append(f"reference already paid by {paid.provider} transaction {paid.transaction_id}")
        elif self._uow.references.get(code) is None:
            notes.append("reference unknown to the gateway")
        return "; ".join(notes)


def _local_rejection(rejection: PaymentRejection, clock: Clock) -> PaymentRejection:
    return replace(rejection, received_at=clock.local(rejection.received_at),
                   paid_at=clock.local(rejection.paid_at) if rejection.paid_at else None)


def _local_alert(alert: PaymentAlert, clock: Clock) -> PaymentAlert:
    return replace(alert, received_at=clock.local(alert.received_at))


# --- the CSV ---------------------------------------------------------------------------------------------------


def report_rows(report: ReconciliationReport, problems: Sequence[str] = ()) -> list[list[str]]:
    """The report as CSV rows: header, payments, totals, then one row per mismatch (and per bad statement line)."""
    rows = [list(CSV_HEADER)]
    for p in report.payments:
        rows.append(_payment_row("payment", p, f"receipt={p.receipt_number} employer={p.employer_number}"))
    for channel, total in report.totals_by_channel.items():
        rows.append(["total", "", channel, "", "", str(total), "", f"channel={channel}"])
    for provider, total in report.totals_by_provider.items():
        rows.append(["total", provider, "", "", "", str(total), "", f"provider={provider}"])
    rows.append(["total", "", "", "", "", str(report.grand_total), "", "grand_total"])
    for missing in report.missing_in_gateway:
        rows.append(_line_row("missing_in_gateway", missing.line, missing.note or "no payment recorded"))
    for p in report.missing_in_statement:
        rows.append(_payment_row("missing_in_statement", p, "not in the bank statement"))
    for difference in report.amount_differences:
        rows.append(_payment_row("amount_difference", difference.payment,
                                 f"gateway={difference.payment.amount} statement={difference.line.amount}"))
    for r in report.rejected:
        rows.append(["rejected", r.provider, "", r.transaction_id, r.reference,
                     "" if r.amount is None else str(r.amount), _iso(r.paid_at or r.received_at), r.reason])
    for a in report.alerts_to_review:
        rows.append(["alert_review", a.provider, "", a.transaction_id or "", a.reference or "",
                     "" if a.amount is None else str(a.amount), _iso(a.received_at),
                     f"{a.status.value}: {_short(a.raw_text)}"])
    for c in report.confirmable_alerts:
        rows.append(["confirmable_alert", c.alert.provider, "", c.line.transaction_id,
                     c.alert.reference or c.line.reference, str(c.line.amount), _iso(c.line.paid_at),
                     f"alert #{c.alert.alert_id}: {CONFIRMABLE_NOTE}"])
    for line in report.other_day_lines:
        rows.append(_line_row("statement_other_day", line, "dated another day: reconcile it with that day"))
    for check in report.declared:
        rows.append(_declared_row(check, report.statement_given))
    for problem in problems:
        rows.append(["statement_error", "", "", "", "", "", "", problem])
    return rows


def _declared_row(check: DeclaredPaymentCheck, statement_given: bool) -> list[str]:
    request, line = check.request, check.line
    if line is not None:
        section, detail = "declared_matched", "statement line matches; credit only on the bank's confirmation"
    elif check.other_amount is not None:
        section, detail = "declared_unmatched", f"statement says {check.other_amount.amount}"
    else:
        section, detail = "declared_unmatched", "not on the statement" if statement_given else "no statement given"
    return [section, str(request.details.get("paid_by", "")), "", check.transaction_id,
            line.reference if line else "", str(check.amount), str(request.details.get("paid_on", "")),
            f"{request.tracking_number} employer={request.holder_number}: {detail}"]


def _payment_row(section: str, p: PaymentLine, detail: str) -> list[str]:
    return [section, p.provider, p.channel.value, p.transaction_id, p.reference, str(p.amount), _iso(p.paid_at),
            detail]


def _line_row(section: str, line: StatementLine, detail: str) -> list[str]:
    return [section, line.provider or "", "", line.transaction_id, line.reference, str(line.amount),
            _iso(line.paid_at), detail]


def _iso(instant: datetime | None) -> str:
    return instant.isoformat(timespec="seconds") if instant else ""


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


@dataclass(frozen=True)
class StatementConfirmation:
    """What confirming one statement-matched alert did: the payment recorded, or why it was refused."""

    confirmable: ConfirmableAlert
    receipt_number: str | None
    refused: str | None


def confirm_matched_alerts(
    report: ReconciliationReport, *, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook,
    receipts: ReceiptComposer, channel_of: Callable[[str], PaymentChannel], finance_phones: Sequence[Msisdn] = (),
) -> list[StatementConfirmation]:
    """Credit the provisional alerts the bank's statement confirms, on the alert's own idempotency key.

    The statement is the bank's word, which an SMS alert alone is not: the same provider,
    transaction id and amount on both turn the alert into the payment (receipts queued, alert
    confirmed). A later signed notification of the same transaction is then a replay.
    """
    done: list[StatementConfirmation] = []
    for item in report.confirmable_alerts:
        alert, line = item.alert, item.line
        try:
            recorded = notify_payment(
                reference=alert.reference or line.reference, amount=line.amount, provider=alert.provider,
                transaction_id=line.transaction_id, channel=channel_of(alert.provider),
                paid_at=line.paid_at or alert.received_at, uow_factory=uow_factory, clock=clock, rulebook=rulebook,
                receipts=receipts, finance_phones=finance_phones)
        except DomainError as refused:
            done.append(StatementConfirmation(item, None, type(refused).__name__))
            continue
        done.append(StatementConfirmation(item, recorded.payment.receipt_number, None))
    return done
