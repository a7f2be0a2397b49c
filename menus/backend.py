"""The core use cases as the screens call them: one object holding the core's dependencies."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from core.domain.accounts import LedgerEntry
from core.domain.activity import ActivityEntry
from core.domain.contributions import ContributionAssessment, WorkerPay
from core.domain.individual_accounts import IndividualAccount
from core.domain.msisdn import Msisdn
from core.domain.outbox import OutboundMessage
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind, InsuredPerson
from core.domain.payment_references import PaymentReference
from core.domain.pension import PensionEstimate
from core.domain.periods import ContributionPeriod
from core.domain.pins import PinHasher, PinPolicy
from core.domain.requests import ClaimCategory, QuitusEligibility, RequestKind, ServiceRequest
from core.ports import Clock, RequestWording, SmsSender, UnitOfWorkFactory
from core.services import accounts, credentials, declarations, directory, insured, payment_references, requests
from core.services import quitus_verification
from core.services import enrolment
from core.services.accounts import AccountSummary, get_employer
from core.services.credentials import CredentialStatus, PinCheck
from core.services.directory import CallerAccounts, PhoneHolders
from core.services.payment_references import ReferenceView
from core.services.quitus_verification import QuitusCheck
from menus.limits import AbuseLimits
from menus.memory_limits import MemoryRateLimiter

Notify = Callable[[PaymentReference], Sequence[OutboundMessage]]

# Calls that only read for a screen (or check a PIN): when one outlives the hop's deadline there is no
# result worth texting, so the caller is asked to try again instead of being promised an SMS.
LOOKUPS = frozenset({
    "holders", "caller", "credential_status", "check_pin", "company_name", "account_summary", "follow_reference",
    "preview_declaration", "declaration_start", "find_worker", "preview_worker_declaration", "declared_periods",
    "quitus_status", "verify_quitus", "requests_of", "activity_of", "individual_account", "simulate_own_pension",
    "simulate_typed_pension", "pension_ages", "typed_pension_ages",
})


class ScreenBackend(Protocol):
    """What a screen (or an SMS keyword) may ask of the core: ``Ctx.backend``.

    ``Backend`` below is the real one; tests/support/fake_backend.py keeps everything in dicts so
    screens can be tested through the engine without a database. A new service adds its method here,
    to ``Backend`` and to the fake.
    """

    @property
    def clock(self) -> Clock: ...
    @property
    def rulebook(self) -> RuleBook: ...
    @property
    def sms(self) -> SmsSender: ...
    @property
    def limits(self) -> AbuseLimits: ...
    @property
    def seal_key(self) -> bytes: ...

    def holders(self, msisdn: Msisdn) -> PhoneHolders: ...
    def caller(self, msisdn: Msisdn) -> CallerAccounts: ...
    def credential_status(self, kind: HolderKind, number: str) -> CredentialStatus: ...
    def check_pin(self, kind: HolderKind, number: str, pin: str) -> PinCheck: ...
    def set_pin(self, kind: HolderKind, number: str, pin: str) -> None: ...
    def company_name(self, employer_number: str) -> str: ...
    def account_summary(self, employer_number: str) -> AccountSummary: ...
    def issue_reference(self, employer_number: str, period: ContributionPeriod | None,
                        notify: Notify | None = None) -> PaymentReference: ...
    def follow_reference(self, code: str) -> ReferenceView: ...
    def preview_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                            gross_payroll: int) -> ContributionAssessment: ...
    def file_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                         gross_payroll: int) -> ContributionAssessment: ...
    def declaration_start(self, employer_number: str) -> declarations.DeclarationStart: ...
    def find_worker(self, insured_number: str) -> InsuredPerson: ...
    def preview_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                   workers: Sequence[WorkerPay]) -> ContributionAssessment: ...
    def file_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                workers: Sequence[WorkerPay]) -> ContributionAssessment: ...
    def declared_periods(self, employer_number: str) -> list[ContributionPeriod]: ...
    def quitus_status(self, employer_number: str) -> QuitusEligibility: ...
    def request_quitus(self, employer_number: str) -> ServiceRequest: ...
    def verify_quitus(self, number: str, today: date | None = None) -> QuitusCheck: ...
    def file_claim(self, kind: HolderKind, number: str, category: ClaimCategory) -> ServiceRequest: ...
    def file_request(self, kind: RequestKind, holder_kind: HolderKind, holder_number: str,
                     details: Mapping[str, object], msisdn: Msisdn | None = None) -> ServiceRequest: ...
    def file_enrolment(self, kind: RequestKind, details: Mapping[str, object], msisdn: Msisdn,
                       wording: RequestWording) -> ServiceRequest: ...
    def requests_of(self, kind: HolderKind, number: str, limit: int = 12) -> list[ServiceRequest]: ...
    def activity_of(self, kind: HolderKind, number: str, limit: int = 3) -> list[ActivityEntry]: ...
    def individual_account(self, insured_number: str) -> IndividualAccount: ...
    def simulate_own_pension(self, insured_number: str, age: int) -> PensionEstimate: ...
    def simulate_typed_pension(self, age: int, months: int, pay: int, current_age: int) -> PensionEstimate: ...
    def pension_ages(self, insured_number: str) -> range: ...
    def typed_pension_ages(self, current_age: int) -> range: ...
    def request_attestation(self, insured_number: str) -> ServiceRequest: ...


@dataclass
class Backend:
    """Everything a screen may ask of the core, each call in its own unit of work."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    rulebook: RuleBook
    hasher: PinHasher
    sms: SmsSender
    pin_policy: PinPolicy = PinPolicy()
    limits: AbuseLimits = field(default_factory=lambda: AbuseLimits(MemoryRateLimiter()))
    seal_key: bytes = b"development-only-key"  # keys typed secrets kept for a few minutes (GATEWAY_SECRET_KEY)

    def holders(self, msisdn: Msisdn) -> PhoneHolders:
        """Accounts registered on a phone, as whole records."""
        return directory.holders_of(msisdn, uow=self.uow_factory())

    def caller(self, msisdn: Msisdn) -> CallerAccounts:
        """Who is calling: the phone's accounts and, for a sole account, its PIN state (one query)."""
        return directory.caller_accounts(msisdn, uow=self.uow_factory(), clock=self.clock, policy=self.pin_policy)

    def registered_phones(self) -> list[str]:
        """Every registered phone (E.164)."""
        return directory.registered_phones(uow=self.uow_factory())

    def credential_status(self, kind: HolderKind, number: str) -> CredentialStatus:
        """PIN set? locked until when? blocked until an agent unlocks it?"""
        return credentials.credential_status(kind, number, uow=self.uow_factory(), clock=self.clock,
                                             policy=self.pin_policy)

    def check_pin(self, kind: HolderKind, number: str, pin: str) -> PinCheck:
        """Verify a PIN, counting failures."""
        return credentials.check_pin(kind, number, pin, uow=self.uow_factory(), clock=self.clock,
                                     hasher=self.hasher, policy=self.pin_policy)

    def set_pin(self, kind: HolderKind, number: str, pin: str) -> None:
        """Set or change a PIN."""
        credentials.set_pin(kind, number, pin, uow=self.uow_factory(), clock=self.clock, hasher=self.hasher)

    def company_name(self, employer_number: str) -> str:
        """Registered name of an employer."""
        with self.uow_factory() as uow:
            return get_employer(uow, employer_number).company_name

    def account_summary(self, employer_number: str) -> AccountSummary:
        """Contributor account with surcharges brought up to date."""
        return accounts.contributor_account_summary(employer_number, uow=self.uow_factory(), clock=self.clock,
                                                    rulebook=self.rulebook, statement=12)

    def issue_reference(self, employer_number: str, period: ContributionPeriod | None,
                        notify: Notify | None = None) -> PaymentReference:
        """A payment reference for one period or the whole overdue balance (``notify``: its SMS, same transaction)."""
        return payment_references.issue_payment_reference(employer_number, period, uow=self.uow_factory(),
                                                          clock=self.clock, rulebook=self.rulebook, notify=notify)

    def follow_reference(self, code: str) -> ReferenceView:
        """Status of a reference."""
        return payment_references.follow_reference(code, uow=self.uow_factory(), clock=self.clock)

    def preview_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                            gross_payroll: int) -> ContributionAssessment:
        """What a declaration would cost."""
        with self.uow_factory() as uow:
            employer = get_employer(uow, employer_number)
        return declarations.preview_declaration(employer, period, rulebook=self.rulebook, clock=self.clock,
                                                head_count=head_count, gross_payroll=gross_payroll)

    def file_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                         gross_payroll: int) -> ContributionAssessment:
        """Record a declaration."""
        return declarations.file_declaration(employer_number, period, uow=self.uow_factory(), clock=self.clock,
                                             rulebook=self.rulebook, head_count=head_count,
                                             gross_payroll=gross_payroll)

    def declaration_start(self, employer_number: str) -> declarations.DeclarationStart:
        """Workers and pay of the last period declared per worker ("declare like last month")."""
        return declarations.declaration_start(employer_number, uow=self.uow_factory())

    def find_worker(self, insured_number: str) -> InsuredPerson:
        """The insured person a new worker line names (``InsuredPersonNotFoundError`` if unknown)."""
        return declarations.find_worker(insured_number, uow=self.uow_factory())

    def preview_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                   workers: Sequence[WorkerPay]) -> ContributionAssessment:
        """What a declaration per worker would cost."""
        with self.uow_factory() as uow:
            employer = get_employer(uow, employer_number)
        return declarations.preview_declaration(employer, period, rulebook=self.rulebook, clock=self.clock,
                                                workers=workers)

    def file_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                workers: Sequence[WorkerPay]) -> ContributionAssessment:
        """Record a declaration per worker, with each worker's declared pay."""
        return declarations.file_declaration(employer_number, period, uow=self.uow_factory(), clock=self.clock,
                                             rulebook=self.rulebook, workers=workers)

    def declared_periods(self, employer_number: str) -> list[ContributionPeriod]:
        """Periods already declared."""
        with self.uow_factory() as uow:
            return uow.declarations.periods(employer_number)

    def quitus_status(self, employer_number: str) -> QuitusEligibility:
        """Quitus eligibility today."""
        return requests.quitus_status(employer_number, uow=self.uow_factory(), clock=self.clock,
                                      rulebook=self.rulebook)

    def request_quitus(self, employer_number: str) -> ServiceRequest:
        """File a quitus request."""
        return requests.request_quitus(employer_number, uow=self.uow_factory(), clock=self.clock,
                                       rulebook=self.rulebook)

    def verify_quitus(self, number: str, today: date | None = None) -> QuitusCheck:
        """Whose quitus a number is, until when it is valid, and whether it still is (anyone may ask)."""
        return quitus_verification.verify_quitus(number, today or self.clock.today(), uow=self.uow_factory(),
                                                 clock=self.clock, rulebook=self.rulebook)

    def file_claim(self, kind: HolderKind, number: str, category: ClaimCategory) -> ServiceRequest:
        """File a claim."""
        return requests.file_claim(kind, number, category, uow=self.uow_factory(), clock=self.clock)

    def file_request(self, kind: RequestKind, holder_kind: HolderKind, holder_number: str,
                     details: Mapping[str, object], msisdn: Msisdn | None = None) -> ServiceRequest:
        """File a request of any kind with its form's values (checked by the core against the kind's fields)."""
        return requests.file_request(kind, holder_kind, holder_number, details, uow=self.uow_factory(),
                                     clock=self.clock, msisdn=msisdn)

    def file_enrolment(self, kind: RequestKind, details: Mapping[str, object], msisdn: Msisdn,
                       wording: RequestWording) -> ServiceRequest:
        """File a pre-registration or enrolment for a phone with no account (eligibility checked first)."""
        return enrolment.file_enrolment(kind, details, msisdn, uow=self.uow_factory(), clock=self.clock,
                                        rulebook=self.rulebook, wording=wording)

    def requests_of(self, kind: HolderKind, number: str, limit: int = 12) -> list[ServiceRequest]:
        """Latest requests."""
        return requests.list_requests(kind, number, uow=self.uow_factory(), limit=limit)

    def activity_of(self, kind: HolderKind, number: str, limit: int = 3) -> list[ActivityEntry]:
        """Latest activity."""
        return requests.list_activity(kind, number, uow=self.uow_factory(), limit=limit)

    def individual_account(self, insured_number: str) -> IndividualAccount:
        """Individual account of an insured person."""
        return insured.individual_account(insured_number, uow=self.uow_factory())

    def simulate_own_pension(self, insured_number: str, age: int) -> PensionEstimate:
        """Pension estimate from the individual account."""
        return insured.simulate_own_pension(insured_number, age, uow=self.uow_factory(), clock=self.clock,
                                            rulebook=self.rulebook)

    def simulate_typed_pension(self, age: int, months: int, pay: int, current_age: int) -> PensionEstimate:
        """Pension estimate from typed inputs (no account needed)."""
        return insured.simulate_typed_pension(age, months, pay, current_age=current_age, clock=self.clock,
                                              rulebook=self.rulebook)

    def pension_ages(self, insured_number: str) -> range:
        """Departure ages the insured person may simulate today (none already passed)."""
        return insured.own_departure_ages(insured_number, uow=self.uow_factory(), clock=self.clock,
                                          rulebook=self.rulebook)

    def typed_pension_ages(self, current_age: int) -> range:
        """Departure ages offered to someone of ``current_age`` on the public simulator."""
        return insured.typed_departure_ages(current_age, clock=self.clock, rulebook=self.rulebook)

    def request_attestation(self, insured_number: str) -> ServiceRequest:
        """File an individual attestation request."""
        return requests.request_attestation(insured_number, uow=self.uow_factory(), clock=self.clock)


def statement_lines(entries: list[LedgerEntry]) -> list[tuple[str, str, int]]:
    """(date, kind, signed amount) of statement entries, for the SMS statement."""
    return [(entry.value_date.strftime("%d/%m/%y"), entry.kind.value, entry.signed) for entry in entries]
