"""Reminders before the 15th and overdue notices after it: once per employer, period and mobile, never at night."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.accounts import EntryKind
from core.domain.gsm7 import is_gsm7, septets
from core.domain.money import format_xof
from core.domain.outbox import MessageChannel, OutboundMessage
from core.domain.parameters import RuleBook
from core.domain.payment_references import ReferenceStatus, display_reference
from core.domain.payments import PaymentChannel
from core.domain.periods import ContributionPeriod
from core.domain.sms_text import measure
from core.domain.surcharges import surcharge_amount
from core.ports import UnitOfWorkFactory
from core.services.payment_references import issue_payment_reference
from core.services.payments import record_payment
from core.services.reminders import ReminderKind, ReminderPolicy, ReminderReport, send_reminders
from menus import texts
from menus.reminder_texts import CatalogueReminders
from tests.support.builders import add_employer, at, declare
from tests.support.clock import SettableClock

MOBILE, LANDLINE, OTHER_MOBILE = "+22890112233", "+22822259696", "+22870112244"
MARCH = ContributionPeriod(2026, 3)


def _clock(month: int, day: int, hour: int = 9, minute: int = 0) -> SettableClock:
    return SettableClock(datetime(2026, month, day, hour, minute, tzinfo=timezone.utc))


def _run(factory: UnitOfWorkFactory, rulebook: RuleBook, clock: SettableClock, **options: object) -> ReminderReport:
    return send_reminders(uow_factory=factory, clock=clock, rulebook=rulebook, wording=CatalogueReminders(),
                          **options)  # type: ignore[arg-type]


def _messages(factory: UnitOfWorkFactory, purpose: str | None = None) -> list[OutboundMessage]:
    with factory() as uow:
        return [m for m in uow.outbox.find(limit=1000) if purpose is None or m.purpose == purpose]


def _march_due(factory: UnitOfWorkFactory, rulebook: RuleBook, number: str = "1000001",
               phones: tuple[str, ...] = (MOBILE, LANDLINE)) -> int:
    add_employer(factory, number, phones=phones)
    return declare(factory, rulebook, number, "2026-03", 300_000, head_count=2)


def test_three_days_before_the_15th_a_reminder_with_the_amount_and_a_ready_reference(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    due = _march_due(uow_factory, rulebook)
    clock = _clock(4, 12)
    report = _run(uow_factory, rulebook, clock)
    assert (report.queued(ReminderKind.REMINDER), report.queued(ReminderKind.OVERDUE_NOTICE)) == (1, 0)
    assert report.employers == 1 and report.failed == () and report.duplicates() == 0
    [message] = _messages(uow_factory)
    assert message.recipient == MOBILE  # the landline gets nothing
    assert message.purpose == "reminder" and message.essential is False
    assert message.idempotency_key == f"reminder:1000001:2026-03:{MOBILE}"
    assert message.channel is MessageChannel.SMS and message.next_attempt_at == clock.now()
    [line] = report.lines
    assert line.reference is not None and line.amount == due and line.surcharges == 0
    with uow_factory() as uow:
        reference = uow.references.get(line.reference)
    assert reference is not None and reference.period == MARCH and reference.amount == due
    assert reference.status is ReferenceStatus.PENDING and reference.channel == "sms"
    assert message.body == (f"CNSS BOULANGERIE DU PORT SARL: rappel, cotisations 03/2026 de {format_xof(due)} "
                            f"à payer au plus tard le 15/04. Réf. {display_reference(reference.code)} valable au "
                            f"27/04/2026.")
    assert is_gsm7(message.body) and message.segments == 1 and message.encoding == "GSM-7"


def test_running_again_queues_nothing_new_and_reuses_the_reference(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    asked = issue_payment_reference("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 11), rulebook=rulebook)
    first = _run(uow_factory, rulebook, _clock(4, 12))
    assert first.queued() == 1 and first.lines[0].reference == asked.code  # the pending reference is reused
    for clock in (_clock(4, 12, 10), _clock(4, 13), _clock(4, 15, 19, 59)):
        again = _run(uow_factory, rulebook, clock)
        assert (again.queued(), again.duplicates(ReminderKind.REMINDER)) == (0, 1)
    assert len(_messages(uow_factory)) == 1
    assert display_reference(asked.code) in _messages(uow_factory)[0].body
    with uow_factory() as uow:
        assert [r.code for r in uow.references.list_for_employer("1000001", 20)] == [asked.code]


@pytest.mark.parametrize(("day", "kind"), [(11, None), (12, "reminder"), (14, "reminder"), (15, "reminder"),
                                           (16, "overdue_notice"), (20, "overdue_notice")])
def test_which_day_gets_what(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook, day: int,
                             kind: str | None) -> None:
    _march_due(uow_factory, rulebook)
    _run(uow_factory, rulebook, _clock(4, day))
    assert [m.purpose for m in _messages(uow_factory)] == ([kind] if kind else [])


def test_after_the_deadline_one_overdue_notice_with_the_5_percent_surcharge(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    due = _march_due(uow_factory, rulebook)
    reminder = _run(uow_factory, rulebook, _clock(4, 12)).lines[0]
    report = _run(uow_factory, rulebook, _clock(4, 20))
    assert (report.queued(ReminderKind.OVERDUE_NOTICE), report.queued(ReminderKind.REMINDER)) == (1, 0)
    surcharge = surcharge_amount(due, 500)
    assert surcharge == round(due * 0.05) and surcharge > 0
    [line] = report.lines
    assert (line.amount, line.surcharges) == (due + surcharge, surcharge)
    [notice] = _messages(uow_factory, "overdue_notice")
    assert notice.idempotency_key == f"overdue:1000001:2026-03:{MOBILE}" and notice.essential is False
    assert line.reference is not None and line.reference != reminder.reference  # a new amount: a new reference
    assert notice.body == (f"CNSS BOULANGERIE DU PORT SARL: 03/2026 en retard, majoration {format_xof(surcharge)} "
                           f"appliquée. A payer {format_xof(due + surcharge)}, réf. "
                           f"{display_reference(line.reference)} valable au 05/05/2026.")
    assert is_gsm7(notice.body) and notice.segments == 1
    with uow_factory() as uow:
        reference = uow.references.get(line.reference)
        surcharges = [e.amount for e in uow.ledger.entries("1000001") if e.kind is EntryKind.SURCHARGE]
    assert reference is not None and (reference.amount, reference.surcharges_amount) == (due + surcharge, surcharge)
    assert surcharges == [surcharge]  # brought up to date once
    for clock in (_clock(4, 21), _clock(5, 20)):  # never a second notice for March
        assert _run(uow_factory, rulebook, clock).queued(ReminderKind.OVERDUE_NOTICE) == 0
    assert len(_messages(uow_factory, "overdue_notice")) == 1


def test_each_period_gets_its_own_message_and_reference(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    declare(uow_factory, rulebook, "1000001", "2026-02", 200_000)
    report = _run(uow_factory, rulebook, _clock(4, 12))
    assert sorted((line.kind.value, str(line.period)) for line in report.lines) == [
        ("overdue_notice", "2026-02"), ("reminder", "2026-03")]
    assert len({line.reference for line in report.lines}) == 2


def test_an_employer_with_nothing_due_or_march_paid_gets_nothing(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    add_employer(uow_factory, "1000002", phones=(MOBILE,))  # never declared
    due = _march_due(uow_factory, rulebook, "1000003", phones=(OTHER_MOBILE,))
    reference = issue_payment_reference("1000003", MARCH, uow=uow_factory(), clock=at(2026, 4, 8), rulebook=rulebook)
    record_payment(reference=reference.code, amount=due, provider="ibbank", transaction_id="IBB-1",
                   channel=PaymentChannel.BANK, paid_at=at(2026, 4, 10).now(), uow=uow_factory(),
                   clock=at(2026, 4, 10), rulebook=rulebook)
    for day in (12, 15, 20):
        report = _run(uow_factory, rulebook, _clock(4, day))
        assert report.employers == 2 and report.lines == ()
    assert _messages(uow_factory) == []
    with uow_factory() as uow:
        assert uow.references.list_for_employer("1000002", 20) == []
        assert [r.code for r in uow.references.list_for_employer("1000003", 20)] == [reference.code]


def test_an_employer_without_a_mobile_gets_nothing_and_no_reference(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook, phones=(LANDLINE,))
    assert _run(uow_factory, rulebook, _clock(4, 12)).lines == ()
    with uow_factory() as uow:
        assert uow.references.list_for_employer("1000001", 20) == []


def test_every_registered_mobile_gets_its_own_message(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook, phones=(MOBILE, LANDLINE, OTHER_MOBILE))
    report = _run(uow_factory, rulebook, _clock(4, 12))
    assert sorted(m.recipient for m in _messages(uow_factory)) == sorted([MOBILE, OTHER_MOBILE])
    assert len({line.reference for line in report.lines}) == 1


def test_at_night_the_messages_are_due_at_7_the_next_morning(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    clock = _clock(4, 12, 21)
    assert _run(uow_factory, rulebook, clock).queued() == 1
    [message] = _messages(uow_factory)
    morning = datetime(2026, 4, 13, 7, 0, tzinfo=timezone.utc)  # Lome is UTC+0
    assert message.created_at == clock.now() and message.next_attempt_at == morning
    with uow_factory() as uow:  # not even due before the morning
        assert uow.outbox.claim_due(MessageChannel.SMS, datetime(2026, 4, 13, 6, 59, tzinfo=timezone.utc),
                                    datetime(2026, 4, 13, 7, 1, tzinfo=timezone.utc), 10) == []


def test_early_morning_runs_are_due_at_7_the_same_day(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    _run(uow_factory, rulebook, _clock(4, 12, 6, 30))
    assert _messages(uow_factory)[0].next_attempt_at == datetime(2026, 4, 12, 7, 0, tzinfo=timezone.utc)


def test_no_reminder_queued_at_night_on_the_deadline_day(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    assert _run(uow_factory, rulebook, _clock(4, 15, 20, 30)).lines == ()  # it would only leave on the 16th
    assert _run(uow_factory, rulebook, _clock(4, 16, 8)).queued(ReminderKind.OVERDUE_NOTICE) == 1


def test_a_dry_run_writes_nothing(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    due = _march_due(uow_factory, rulebook)
    report = _run(uow_factory, rulebook, _clock(4, 20), dry_run=True)
    [line] = report.lines
    assert report.dry_run and line.queued and line.kind is ReminderKind.OVERDUE_NOTICE
    assert (line.amount, line.surcharges, line.reference) == (due + surcharge_amount(due, 500),
                                                              surcharge_amount(due, 500), None)
    assert _messages(uow_factory) == []
    with uow_factory() as uow:
        assert uow.references.list_for_employer("1000001", 20) == []
        assert [e.kind for e in uow.ledger.entries("1000001")] == [EntryKind.CONTRIBUTION_DUE]


def test_the_policy_days_are_configurable(uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    _march_due(uow_factory, rulebook)
    policy = ReminderPolicy(days_before_deadline=5, overdue_notice_days_after=3)
    assert _run(uow_factory, rulebook, _clock(4, 10), policy=policy).queued(ReminderKind.REMINDER) == 1
    assert _run(uow_factory, rulebook, _clock(4, 17), policy=policy).lines == ()
    assert _run(uow_factory, rulebook, _clock(4, 18), policy=policy).queued(ReminderKind.OVERDUE_NOTICE) == 1


def test_policy_rules() -> None:
    policy, deadline = ReminderPolicy(), datetime(2026, 4, 15).date()
    days = {day: policy.kind_for(deadline, datetime(2026, 4, day).date()) for day in (11, 12, 15, 16, 30)}
    assert days == {11: None, 12: ReminderKind.REMINDER, 15: ReminderKind.REMINDER,
                    16: ReminderKind.OVERDUE_NOTICE, 30: ReminderKind.OVERDUE_NOTICE}
    capped = ReminderPolicy(overdue_notice_max_days_after=10)
    assert capped.kind_for(deadline, datetime(2026, 4, 25).date()) is ReminderKind.OVERDUE_NOTICE
    assert capped.kind_for(deadline, datetime(2026, 4, 26).date()) is None
    for bad in ({"days_before_deadline": -1}, {"overdue_notice_days_after": 0},
                {"overdue_notice_days_after": 5, "overdue_notice_max_days_after": 4}):
        with pytest.raises(ValueError):
            ReminderPolicy(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("key", ["sms.reminder", "sms.overdue_notice"])
def test_the_texts_fit_one_gsm7_segment_with_the_longest_values(language: str, key: str) -> None:
    text = texts.render(key, language, texts.samples(texts.placeholders_of(texts.CATALOGUES["fr"][key])))
    assert is_gsm7(text) and septets(text) <= 160 and measure(text).segments == 1, (septets(text), text)


def test_the_remind_command_and_its_dry_run(tmp_path: Path, rulebook: RuleBook) -> None:
    clock = _clock(4, 12)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True, "CLOCK": clock})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    due = _march_due(rt.uow_factory, rulebook)
    add_employer(rt.uow_factory, "1000002", "SANS DETTE SA", phones=(OTHER_MOBILE,))
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["remind", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing written" in dry.output
    assert f"reminder 1000001 2026-03 to ****2233: {format_xof(due)}, ref new reference" in dry.output
    assert "reminder: would queue 1, already queued 0" in dry.output
    assert "total: would queue 1, already queued 0 (2 employer(s) checked)" in dry.output
    assert _messages(rt.uow_factory) == []
    with rt.uow_factory() as uow:
        assert uow.references.list_for_employer("1000001", 20) == []

    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["reminder: queued 1, already queued 0",
                                          "overdue_notice: queued 0, already queued 0",
                                          "total: queued 1, already queued 0 (2 employer(s) checked)"]
    assert [m.recipient for m in _messages(rt.uow_factory, "reminder")] == [MOBILE]

    again = runner.invoke(args=["remind"])
    assert "reminder: queued 0, already queued 1" in again.output
    clock.instant = datetime(2026, 4, 20, 8, 0, tzinfo=timezone.utc)
    late = runner.invoke(args=["remind"])
    assert "overdue_notice: queued 1, already queued 0" in late.output
    assert len(_messages(rt.uow_factory)) == 2


class _BrokenForOne(CatalogueReminders):
    def reminder_sms(self, **values: object) -> str:  # type: ignore[override]
        if values["company_name"] == "CASSE SA":
            raise RuntimeError("wording bug")
        return super().reminder_sms(**values)  # type: ignore[arg-type]


def test_one_employer_failing_does_not_stop_the_others(
        uow_factory: SqlAlchemyUnitOfWorkFactory, rulebook: RuleBook) -> None:
    add_employer(uow_factory, "1000001", "CASSE SA", phones=(MOBILE,))
    declare(uow_factory, rulebook, "1000001", "2026-03", 300_000)
    _march_due(uow_factory, rulebook, "1000002", phones=(OTHER_MOBILE,))
    report = send_reminders(uow_factory=uow_factory, clock=_clock(4, 12), rulebook=rulebook, wording=_BrokenForOne())
    assert report.failed == ("1000001",) and report.queued() == 1
    assert [m.recipient for m in _messages(uow_factory)] == [OTHER_MOBILE]
