"""Use cases end to end on real databases: declarations, references, account, quitus, requests, pensions, PINs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher

from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import FixedClock
from core.domain.accounts import EntryKind
from core.domain.activity import ActivityKind
from core.domain.contributions import WorkerPay
from core.domain.errors import (
    DeclarationAlreadyFiledError,
    EmployerNotFoundError,
    InsuredPersonNotFoundError,
    InvalidDeclarationError,
    InvalidPaymentReferenceError,
    NothingToPayError,
    PaymentReferenceNotFoundError,
    QuitusNotEligibleError,
)
from core.domain.individual_accounts import DeclaredPay
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind, InsuredPerson, PhoneAccount
from core.domain.payment_references import ReferenceStatus, parse_reference_code
from core.domain.payments import PaymentChannel
from core.domain.pension import PensionOutcome
from core.domain.pins import Credential, PinHasher, PinPolicy
from core.domain.periods import ContributionPeriod
from core.domain.requests import QUITUS, ClaimCategory, RequestStatus
from core.services.accounts import contributor_account_summary
from core.services.credentials import PinCheck, check_pin, credential_status, set_pin, unlock_pin
from core.services.declarations import file_declaration
from core.services.directory import caller_accounts, holders_of
from core.services.insured import individual_account, simulate_own_pension, simulate_typed_pension
from core.services.payment_references import follow_reference, issue_payment_reference
from core.services.payments import record_payment
from core.services.requests import (
    file_claim,
    list_activity,
    list_requests,
    quitus_status,
    request_attestation,
    request_quitus,
    change_status,
)
from menus.request_texts import CatalogueRequestWording
from tests.support.builders import add_employer, add_insured, at, declare

MARCH, APRIL = ContributionPeriod(2026, 3), ContributionPeriod(2026, 4)
Factory = SqlAlchemyUnitOfWorkFactory


def test_a_declaration_charges_the_account_once(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    add_insured(uow_factory, InsuredPerson("2000101", "KOFFI Yao", date(1990, 1, 1)))
    workers = [WorkerPay("2000101", 45_000), WorkerPay(None, 150_000)]
    assessment = file_declaration("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 5), rulebook=rulebook,
                                  workers=workers)
    assert assessment.base == 202_500 and assessment.amount_due == 63_788  # 31.5 % of 202 500 = 63 787.5
    with pytest.raises(DeclarationAlreadyFiledError):
        file_declaration("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 6), rulebook=rulebook,
                         workers=workers)
    with uow_factory() as uow:
        dues = [e.amount for e in uow.ledger.entries("1000001") if e.kind is EntryKind.CONTRIBUTION_DUE]
        assert dues == [63_788]
        assert uow.declarations.get("1000001", MARCH) == assessment
        assert [line.gross_pay for line in uow.insured_persons.declared_pay("2000101")] == [45_000]
    with pytest.raises(InvalidDeclarationError):
        file_declaration("1000001", ContributionPeriod(2026, 5), uow=uow_factory(), clock=at(2026, 4, 6),
                         rulebook=rulebook, head_count=1, gross_payroll=100_000)
    with pytest.raises(EmployerNotFoundError):
        declare(uow_factory, rulebook, "9999999", "2026-03", 100_000)


def test_a_reference_for_the_overdue_balance_includes_surcharges(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    march_due = declare(uow_factory, rulebook, "1000001", "2026-03", 500_000)
    april_due = declare(uow_factory, rulebook, "1000001", "2026-04", 500_000)
    # On 20 May both March (deadline 15 April) and April (deadline 15 May) are late: 5 % each.
    reference = issue_payment_reference("1000001", None, uow=uow_factory(), clock=at(2026, 5, 20), rulebook=rulebook)
    march_surcharge = (march_due * 5 + 50) // 100
    april_surcharge = (april_due * 5 + 50) // 100
    assert reference.contributions_amount == march_due + april_due
    assert reference.surcharges_amount == march_surcharge + april_surcharge
    assert reference.amount == reference.contributions_amount + reference.surcharges_amount
    assert reference.expires_at - reference.issued_at == timedelta(days=15)
    assert parse_reference_code(reference.code) == reference.code
    again = issue_payment_reference("1000001", None, uow=uow_factory(), clock=at(2026, 5, 20, 11), rulebook=rulebook)
    assert again.code == reference.code, "a still-valid pending reference for the same amount is reused"
    with uow_factory() as uow:
        events = uow.activity.list_for(HolderKind.EMPLOYER, "1000001", 10)
    assert [e.kind for e in events].count(ActivityKind.REFERENCE_ISSUED) == 1


def test_a_reference_for_one_period_and_nothing_to_pay(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    due = declare(uow_factory, rulebook, "1000001", "2026-03", 300_000, head_count=2)
    reference = issue_payment_reference("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 10), rulebook=rulebook)
    assert (reference.amount, reference.surcharges_amount, reference.period) == (due, 0, MARCH)
    with pytest.raises(NothingToPayError):
        issue_payment_reference("1000001", None, uow=uow_factory(), clock=at(2026, 4, 10), rulebook=rulebook)
    with pytest.raises(NothingToPayError):
        issue_payment_reference("1000001", APRIL, uow=uow_factory(), clock=at(2026, 4, 10), rulebook=rulebook)


def test_paying_the_overdue_balance_clears_it_and_the_summary_shows_it(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    declare(uow_factory, rulebook, "1000001", "2026-03", 500_000)
    day = at(2026, 5, 2)
    before = contributor_account_summary("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert before.overdue == before.balance > 0 and before.surcharges_outstanding > 0
    reference = issue_payment_reference("1000001", None, uow=uow_factory(), clock=day, rulebook=rulebook)
    record_payment(reference=reference.code, amount=reference.amount, provider="flooz", transaction_id="MP-1",
                   channel=PaymentChannel.MOBILE_MONEY, paid_at=day.now(), uow=uow_factory(), clock=day,
                   rulebook=rulebook)
    after = contributor_account_summary("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert (after.balance, after.overdue, after.surcharges_outstanding) == (0, 0, 0)
    assert [p.amount for p in after.last_payments] == [reference.amount]
    assert follow_reference(reference.code, uow=uow_factory(), clock=day).status is ReferenceStatus.PAID
    # Months later nothing new accrues on a settled account.
    later = contributor_account_summary("1000001", uow=uow_factory(), clock=at(2026, 12, 1), rulebook=rulebook)
    assert later.balance == 0


def test_follow_reference_checks_digits_before_looking_up(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    declare(uow_factory, rulebook, "1000001", "2026-03", 300_000)
    reference = issue_payment_reference("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 8), rulebook=rulebook)
    view = follow_reference(" ".join([reference.code[:4], reference.code[4:8], reference.code[8:]]),
                            uow=uow_factory(), clock=at(2026, 4, 9))
    assert (view.status, view.company_name, view.reference.amount) == (
        ReferenceStatus.PENDING, "BOULANGERIE DU PORT SARL", reference.amount)
    assert follow_reference(reference.code, uow=uow_factory(), clock=at(2026, 5, 1)).status is ReferenceStatus.EXPIRED
    swapped = reference.code[1] + reference.code[0] + reference.code[2:]
    if swapped != reference.code:
        with pytest.raises(InvalidPaymentReferenceError):
            follow_reference(swapped, uow=uow_factory(), clock=at(2026, 4, 9))
    with pytest.raises(PaymentReferenceNotFoundError):
        follow_reference("311050152686", uow=uow_factory(), clock=at(2026, 4, 9))


def test_quitus_needs_no_overdue_balance_surcharges_included(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    due = declare(uow_factory, rulebook, "1000001", "2026-03", 300_000)
    principal_only = issue_payment_reference("1000001", MARCH, uow=uow_factory(), clock=at(2026, 4, 14),
                                             rulebook=rulebook)
    assert principal_only.amount == due
    day = at(2026, 4, 20)
    status = quitus_status("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert not status.eligible and status.overdue_amount == due + (due * 5 + 50) // 100
    with pytest.raises(QuitusNotEligibleError) as refused:
        request_quitus("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert refused.value.data["overdue_amount"] == status.overdue_amount
    # Paying the contributions after the deadline leaves the 5 % surcharge, which still blocks the quitus.
    record_payment(reference=principal_only.code, amount=due, provider="ibbank", transaction_id="T1",
                   channel=PaymentChannel.BANK, paid_at=day.now(), uow=uow_factory(), clock=day, rulebook=rulebook)
    status = quitus_status("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert not status.eligible and status.overdue_amount == (due * 5 + 50) // 100
    surcharge = issue_payment_reference("1000001", None, uow=uow_factory(), clock=day, rulebook=rulebook)
    assert (surcharge.contributions_amount, surcharge.surcharges_amount) == (0, status.overdue_amount)
    record_payment(reference=surcharge.code, amount=surcharge.amount, provider="ibbank", transaction_id="T2",
                   channel=PaymentChannel.BANK, paid_at=day.now(), uow=uow_factory(), clock=day, rulebook=rulebook)
    request = request_quitus("1000001", uow=uow_factory(), clock=day, rulebook=rulebook)
    assert request.kind is QUITUS and request.tracking_number.startswith("QS")
    assert request.status is RequestStatus.RECEIVED


def test_requests_are_tracked_and_listed_with_activity(uow_factory: Factory, rulebook: RuleBook) -> None:
    add_employer(uow_factory)
    add_insured(uow_factory, InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15)))
    day = at(2026, 11, 23)
    attestation = request_attestation("2000001", uow=uow_factory(), clock=day)
    claim = file_claim(HolderKind.INSURED, "2000001", ClaimCategory.MISSING_PERIODS, uow=uow_factory(),
                       clock=at(2026, 11, 23, 11), channel="sms")
    listed = list_requests(HolderKind.INSURED, "2000001", uow=uow_factory())
    assert [r.tracking_number for r in listed] == [claim.tracking_number, attestation.tracking_number]
    assert listed[0].category is ClaimCategory.MISSING_PERIODS and listed[0].channel == "sms"
    updated = change_status(attestation.tracking_number, RequestStatus.READY, uow=uow_factory(),
                            clock=at(2026, 11, 23, 12), wording=CatalogueRequestWording())
    assert updated.status is RequestStatus.READY
    history = list_activity(HolderKind.INSURED, "2000001", uow=uow_factory())
    assert [(e.kind.value, e.details["tracking_number"]) for e in history] == [
        ("request_status_changed", attestation.tracking_number), ("request_filed", claim.tracking_number),
        ("request_filed", attestation.tracking_number)]
    with pytest.raises(InsuredPersonNotFoundError):
        request_attestation("2999999", uow=uow_factory(), clock=day)
    with pytest.raises(EmployerNotFoundError):
        file_claim(HolderKind.EMPLOYER, "9999999", ClaimCategory.OTHER, uow=uow_factory(), clock=day)


def test_pension_simulation_from_the_individual_account(uow_factory: Factory, rulebook: RuleBook) -> None:
    person = InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15), (Msisdn("+22899112233"),), 190)
    add_insured(uow_factory, person)
    start = ContributionPeriod(2021, 11)
    with uow_factory() as uow:
        uow.insured_persons.add_declared_pay(
            [DeclaredPay("2000001", start.plus_months(i), "1000002", 150_000) for i in range(60)])
        uow.commit()
    account = individual_account("2000001", uow=uow_factory())
    assert account.insured_months == 250
    estimate = simulate_own_pension("2000001", 60, uow=uow_factory(), clock=at(2026, 11, 23), rulebook=rulebook)
    # 250 months: 20 % + 5 x 1.33 % = 26.65 % of 150 000.
    assert (estimate.outcome, estimate.monthly_amount, estimate.is_estimate) == (
        PensionOutcome.NORMAL_PENSION, 39_975, True)
    typed = simulate_typed_pension(57, 270, 150_000, current_age=50, clock=at(2026, 11, 23), rulebook=rulebook)
    assert (typed.outcome, typed.monthly_amount) == (PensionOutcome.EARLY_PENSION, 37_370)
    with pytest.raises(InsuredPersonNotFoundError):
        simulate_own_pension("2999999", 60, uow=uow_factory(), clock=at(2026, 11, 23), rulebook=rulebook)
    holders = holders_of(Msisdn("+22899112233"), uow=uow_factory())
    assert holders.is_registered and holders.insured_persons == (person,) and holders.employers == ()
    assert not holders_of(Msisdn("+22896000000"), uow=uow_factory()).is_registered
    caller = caller_accounts(Msisdn("+22899112233"), uow=uow_factory(), clock=at(2026, 11, 23))
    assert caller.accounts == (PhoneAccount(HolderKind.INSURED, "2000001", person.full_name),)
    assert caller.sole_credential is not None and not caller.sole_credential.has_pin, "read with the accounts"


def test_pin_locks_escalate_are_kept_across_units_of_work_and_a_correct_pin_clears_them(
        uow_factory: Factory, clock: FixedClock) -> None:
    hasher = PinHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    policy = PinPolicy(2, (timedelta(minutes=5), timedelta(minutes=50)))
    kind, number = HolderKind.EMPLOYER, "1000001"
    set_pin(kind, number, "4826", uow=uow_factory(), clock=clock, hasher=hasher)

    def check(pin: str) -> PinCheck:
        return check_pin(kind, number, pin, uow=uow_factory(), clock=clock, hasher=hasher, policy=policy)

    assert check("0000") == PinCheck(False, 1)
    assert check("0000") == PinCheck(False, 0, clock.instant + timedelta(minutes=5))
    assert check("4826") == PinCheck(False, 0, clock.instant + timedelta(minutes=5)), "locked: not even checked"
    clock.instant += timedelta(minutes=6)
    assert check("0000").locked_until == clock.instant + timedelta(minutes=50)
    clock.instant += timedelta(minutes=51)
    assert check("0000") == PinCheck(False, 0, None, blocked=True)
    assert credential_status(kind, number, uow=uow_factory(), clock=clock, policy=policy).blocked
    assert check("4826").blocked, "blocked: even the right PIN is refused"
    assert unlock_pin(kind, number, uow=uow_factory())
    assert check("4826").ok
    with uow_factory() as uow:
        credential = uow.credentials.get(kind, number)
    assert credential is not None and (credential.failed_attempts, credential.lockouts, credential.locked_until) == (
        0, 0, None)
    assert not unlock_pin(HolderKind.INSURED, "9999999", uow=uow_factory())


CHEAP_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
OLD_KEY, NEW_KEY = ("k1", b"first-pin-pepper-0123456789"), ("k2", b"second-pin-pepper-0123456789")


def _stored_hash(uow_factory: Factory, kind: HolderKind, number: str) -> str:
    with uow_factory() as uow:
        credential = uow.credentials.get(kind, number)
    assert credential is not None
    return credential.pin_hash


def test_a_correct_pin_re_keys_a_legacy_or_old_key_hash_with_the_login_and_a_wrong_one_never_does(
        uow_factory: Factory, clock: FixedClock) -> None:
    kind, number = HolderKind.EMPLOYER, "1000001"
    with uow_factory() as uow:  # as deployed before the pepper: plain argon2id, one failure on record
        uow.credentials.save(Credential(kind, number, CHEAP_ARGON2.hash("4826"), failed_attempts=1))
        uow.commit()
    legacy = _stored_hash(uow_factory, kind, number)
    old, rotated = PinHasher(CHEAP_ARGON2, peppers=(OLD_KEY,)), PinHasher(CHEAP_ARGON2, peppers=(NEW_KEY, OLD_KEY))

    def check(pin: str, hasher: PinHasher) -> PinCheck:
        return check_pin(kind, number, pin, uow=uow_factory(), clock=clock, hasher=hasher)

    assert not check("0000", old).ok
    assert _stored_hash(uow_factory, kind, number) == legacy, "a wrong PIN never upgrades"
    assert check("4826", old).ok
    with uow_factory() as uow:
        upgraded = uow.credentials.get(kind, number)
    assert upgraded is not None and upgraded.failed_attempts == 0, "cleared and re-keyed in one unit of work"
    assert upgraded.pin_hash.startswith("$cnsspin$v=1$kid=k1$") and old.verify(upgraded.pin_hash, "4826", kind, number)
    assert check("4826", old).ok and _stored_hash(uow_factory, kind, number) == upgraded.pin_hash, "nothing to redo"

    assert not check("1111", rotated).ok
    assert _stored_hash(uow_factory, kind, number) == upgraded.pin_hash, "a wrong PIN under a new key: no re-key"
    assert check("4826", rotated).ok
    rekeyed = _stored_hash(uow_factory, kind, number)
    assert rekeyed.startswith("$cnsspin$v=1$kid=k2$")
    assert PinHasher(CHEAP_ARGON2, peppers=(NEW_KEY,)).verify(rekeyed, "4826", kind, number), "the old key can go"


def test_set_pin_stores_a_hash_under_the_current_key(uow_factory: Factory, clock: FixedClock) -> None:
    hasher = PinHasher(CHEAP_ARGON2, peppers=(NEW_KEY, OLD_KEY))
    set_pin(HolderKind.INSURED, "2000001", "4826", uow=uow_factory(), clock=clock, hasher=hasher)
    stored = _stored_hash(uow_factory, HolderKind.INSURED, "2000001")
    assert stored.startswith("$cnsspin$v=1$kid=k2$") and "4826" not in stored
    assert not PinHasher(CHEAP_ARGON2, peppers=(OLD_KEY,)).verify(stored, "4826", HolderKind.INSURED, "2000001")
