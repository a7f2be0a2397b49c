"""Contribution reminders before the deadline and overdue notices after it, queued once per employer and period."""
from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from core.domain.accounts import PeriodPosition
from core.domain.errors import NothingToPayError
from core.domain.msisdn import Msisdn
from core.domain.outbox import OutboundMessage, sms_message
from core.domain.parameters import RuleBook
from core.domain.parties import Employer
from core.domain.payment_references import PaymentReference, ReferenceStatus
from core.domain.periods import ContributionPeriod
from core.domain.quiet_hours import QuietHours
from core.ports import Clock, ReminderWording, UnitOfWork, UnitOfWorkFactory
from core.services.accounts import account_with_surcharges, bring_surcharges_up_to_date, get_employer
from core.services.payment_references import issue_payment_reference

log = logging.getLogger(__name__)


class ReminderKind(enum.Enum):
    """The two messages; the value is the outbox purpose (both are held overnight by the worker)."""

    REMINDER = "reminder"
    OVERDUE_NOTICE = "overdue_notice"

    @property
    def key_prefix(self) -> str:
        """First part of the idempotency key: ``reminder`` or ``overdue``."""
        return "reminder" if self is ReminderKind.REMINDER else "overdue"

    def idempotency_key(self, employer_number: str, period: ContributionPeriod, phone: Msisdn) -> str:
        """``reminder:<employer>:<period>:<phone>``: one message of a kind per employer, period and phone, ever."""
        return f"{self.key_prefix}:{employer_number}:{period}:{phone.e164}"


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """When a period with an amount still due gets a message (days counted in business days).

    A reminder goes from ``days_before_deadline`` days before the deadline up to the deadline
    itself; an overdue notice once the deadline has passed by ``overdue_notice_days_after`` days
    (and, when ``overdue_notice_max_days_after`` is set, no later than that many days).
    """

    days_before_deadline: int = 3
    overdue_notice_days_after: int = 1
    overdue_notice_max_days_after: int | None = None

    def __post_init__(self) -> None:
        if self.days_before_deadline < 0:
            raise ValueError("days_before_deadline must be >= 0")
        if self.overdue_notice_days_after < 1:
            raise ValueError("overdue_notice_days_after must be >= 1 (the deadline day itself is not late)")
        if self.overdue_notice_max_days_after is not None and (
                self.overdue_notice_max_days_after < self.overdue_notice_days_after):
            raise ValueError("overdue_notice_max_days_after must be >= overdue_notice_days_after")

    def kind_for(self, deadline: date, today: date) -> ReminderKind | None:
        """The message a period with an amount due gets on ``today``, if any."""
        days_left = (deadline - today).days
        if 0 <= days_left <= self.days_before_deadline:
            return ReminderKind.REMINDER
        days_late = -days_left
        if days_late >= self.overdue_notice_days_after and (
                self.overdue_notice_max_days_after is None or days_late <= self.overdue_notice_max_days_after):
            return ReminderKind.OVERDUE_NOTICE
        return None


@dataclass(frozen=True, slots=True)
class ReminderLine:
    """One SMS: queued (in a dry run: would be queued), or skipped because its key was queued before.

    ``reference`` is None for a skipped line, and in a dry run when no pending reference exists yet.
    """

    kind: ReminderKind
    employer_number: str
    period: ContributionPeriod
    recipient: Msisdn
    amount: int
    surcharges: int
    reference: str | None
    queued: bool
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderReport:
    """What one run did (or, with ``dry_run``, would do); ``failed`` lists employers whose run raised."""

    lines: tuple[ReminderLine, ...] = ()
    employers: int = 0
    failed: tuple[str, ...] = ()
    dry_run: bool = False

    def queued(self, kind: ReminderKind | None = None) -> int:
        """Messages queued, of one kind or in all."""
        return sum(1 for line in self.lines if line.queued and kind in (None, line.kind))

    def duplicates(self, kind: ReminderKind | None = None) -> int:
        """Messages skipped because the same key was already queued, of one kind or in all."""
        return sum(1 for line in self.lines if not line.queued and kind in (None, line.kind))


def send_reminders(*, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook, wording: ReminderWording,
                   policy: ReminderPolicy = ReminderPolicy(), quiet: QuietHours = QuietHours(),
                   dry_run: bool = False) -> ReminderReport:
    """Queue the reminders and overdue notices due today for every employer (safe to run again and daily).

    For each employer, surcharges are brought up to date; then each period with an amount still
    due gets, per registered mobile phone, a reminder or an overdue notice with a ready payment
    reference (a still-valid pending one for the same amount is reused). The idempotency key
    makes each message go at most once. Run during quiet hours, messages are queued due at the
    next morning; a reminder that could only leave after its deadline is not queued at all.
    ``dry_run`` writes nothing: no surcharge line, reference or message.
    """
    now = clock.now()
    local_now = clock.local(now)
    due_at = quiet.next_allowed(local_now).astimezone(timezone.utc) if quiet.contains(local_now) else now
    with uow_factory() as uow:
        numbers = uow.employers.list_numbers()
    lines: list[ReminderLine] = []
    failed: list[str] = []
    for number in numbers:
        try:
            lines += _remind_employer(number, uow_factory=uow_factory, clock=clock, rulebook=rulebook,
                                      wording=wording, policy=policy, due_at=due_at, dry_run=dry_run)
        except Exception:  # noqa: BLE001 - one employer's failure must not stop the daily run for the others
            log.exception("reminders for employer %s failed", number)
            failed.append(number)
    return ReminderReport(tuple(lines), len(numbers), tuple(failed), dry_run)


def _remind_employer(number: str, *, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook,
                     wording: ReminderWording, policy: ReminderPolicy, due_at: datetime,
                     dry_run: bool) -> list[ReminderLine]:
    employer, positions = _positions_due(number, uow_factory=uow_factory, clock=clock, rulebook=rulebook,
                                         dry_run=dry_run)
    phones = [phone for phone in employer.phones if phone.is_mobile]
    if not phones:
        return []
    today, send_day = clock.today(), clock.business_day(due_at)
    lines: list[ReminderLine] = []
    for position in positions:
        kind = policy.kind_for(position.deadline, today)
        if kind is ReminderKind.REMINDER and send_day > position.deadline:
            kind = None  # queued at night on the deadline day, it would only leave once the period is late
        if kind is None:
            continue
        lines += _remind_period(employer, position, kind, phones, uow_factory=uow_factory, clock=clock,
                                rulebook=rulebook, wording=wording, due_at=due_at, dry_run=dry_run)
    return lines


def _positions_due(number: str, *, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook,
                   dry_run: bool) -> tuple[Employer, list[PeriodPosition]]:
    """The employer and its periods with something left to pay, surcharges included up to today."""
    with uow_factory() as uow:
        employer = get_employer(uow, number)
        if dry_run:
            account, _ = account_with_surcharges(uow, employer, clock=clock, rulebook=rulebook)
        else:
            account = bring_surcharges_up_to_date(uow, employer, clock=clock, rulebook=rulebook)
            uow.commit()
    return employer, account.unpaid_periods()


def _remind_period(employer: Employer, position: PeriodPosition, kind: ReminderKind, phones: Sequence[Msisdn], *,
                   uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook, wording: ReminderWording,
                   due_at: datetime, dry_run: bool) -> list[ReminderLine]:
    number, period = employer.employer_number, position.period
    keys = {phone: kind.idempotency_key(number, period, phone) for phone in phones}
    with uow_factory() as uow:
        sent_before = {phone for phone, key in keys.items() if uow.outbox.get(key) is not None}
        pending = _pending_reference(uow, number, period, position.outstanding, clock.now()) if dry_run else None
    lines = [ReminderLine(kind, number, period, phone, position.outstanding, position.surcharges_outstanding, None,
                          False, due_at) for phone in phones if phone in sent_before]
    missing = [phone for phone in phones if phone not in sent_before]
    if not missing:
        return lines  # no reference is issued for a message that will not be sent
    if dry_run:
        return lines + [ReminderLine(kind, number, period, phone, position.outstanding,
                                     position.surcharges_outstanding, pending.code if pending else None, True, due_at)
                        for phone in missing]
    now = clock.now()

    def text_them(reference: PaymentReference) -> list[OutboundMessage]:
        # Queued in the reference's own transaction: a crash cannot leave one without the other.
        text = _text(wording, kind, employer, position, reference, clock)
        messages = [sms_message(phone.e164, text, kind.value, keys[phone], now, essential=False) for phone in missing]
        return [dataclasses.replace(m, next_attempt_at=due_at) if due_at > now else m for m in messages]

    try:
        reference = issue_payment_reference(number, period, uow=uow_factory(), clock=clock, rulebook=rulebook,
                                            channel="sms", notify=text_them)
    except NothingToPayError:
        return lines  # paid since the account was read
    return lines + [ReminderLine(kind, number, period, phone, reference.amount, reference.surcharges_amount,
                                 reference.code, True, due_at) for phone in missing]


def _pending_reference(uow: UnitOfWork, number: str, period: ContributionPeriod, amount: int,
                       now: datetime) -> PaymentReference | None:
    """The reference ``issue_payment_reference`` would reuse, if any (read only)."""
    return next((ref for ref in uow.references.list_for_employer(number, 20)
                 if ref.status_at(now) is ReferenceStatus.PENDING and ref.period == period and ref.amount == amount),
                None)


def _text(wording: ReminderWording, kind: ReminderKind, employer: Employer, position: PeriodPosition,
          reference: PaymentReference, clock: Clock) -> str:
    expires = clock.business_day(reference.expires_at)
    if kind is ReminderKind.REMINDER:
        return wording.reminder_sms(company_name=employer.company_name, period=position.period,
                                    amount=reference.amount, deadline=position.deadline, reference=reference.code,
                                    expires=expires)
    return wording.overdue_notice_sms(company_name=employer.company_name, period=position.period,
                                      amount=reference.amount, surcharges=reference.surcharges_amount,
                                      deadline=position.deadline, reference=reference.code, expires=expires)
