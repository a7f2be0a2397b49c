"""An in-memory ``ScreenBackend`` (dicts, no database) so screens can be tested through the engine in milliseconds."""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.contributions import ContributionAssessment, WorkerPay
from core.domain.errors import EmployerNotFoundError, InsuredPersonNotFoundError, PaymentReferenceNotFoundError
from core.domain.individual_accounts import IndividualAccount
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook, default_rulebook
from core.domain.parties import Employer, HolderKind, InsuredPerson, PhoneAccount
from core.domain.payment_references import PaymentReference
from core.domain.pension import PensionEstimate
from core.domain.periods import ContributionPeriod
from core.domain.requests import (
    ATTESTATION,
    CLAIM,
    QUITUS,
    ClaimCategory,
    QuitusEligibility,
    RequestKind,
    RequestStatus,
    ServiceRequest,
)
from core.ports import RequestWording
from core.services import declarations, insured
from core.services.accounts import AccountSummary
from core.services.credentials import CredentialStatus, PinCheck
from core.services.directory import CallerAccounts, PhoneHolders
from core.services.payment_references import ReferenceView
from core.services.quitus_verification import UNKNOWN, QuitusCheck
from menus.backend import Notify, ScreenBackend
from menus.limits import AbuseLimits
from menus.memory_limits import MemoryRateLimiter
from tests.support.clock import SettableClock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
PIN_TRIES = 3


@dataclass(frozen=True, slots=True)
class SentSms:
    """One SMS a screen asked to send."""

    msisdn: str
    text: str
    purpose: str
    essential: bool


class RecordingSms:
    """``SmsSender`` that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[SentSms] = []

    def send(self, msisdn: Msisdn, text: str, *, purpose: str, essential: bool = False,
             idempotency_key: str | None = None) -> None:
        self.sent.append(SentSms(msisdn.e164, text, purpose, essential))


@dataclass
class FakeBackend:
    """``ScreenBackend`` over dicts: put accounts, PINs, summaries and requests in, drive the screens, read back.

    What a test has not set up raises the core's "not found" error, as the real backend would; a call
    no screen test needs yet raises ``NotImplementedError`` (add it here when one does).
    """

    clock: SettableClock = field(default_factory=lambda: SettableClock(NOW))
    rulebook: RuleBook = field(default_factory=default_rulebook)
    sms: RecordingSms = field(default_factory=RecordingSms)
    limits: AbuseLimits = field(default_factory=lambda: AbuseLimits(MemoryRateLimiter()))
    seal_key: bytes = b"fake-backend-key"
    employers: dict[str, Employer] = field(default_factory=dict)
    insured_persons: dict[str, InsuredPerson] = field(default_factory=dict)
    pins: dict[tuple[HolderKind, str], str] = field(default_factory=dict)
    failed_pins: dict[tuple[HolderKind, str], int] = field(default_factory=dict)
    summaries: dict[str, AccountSummary] = field(default_factory=dict)
    references: dict[str, ReferenceView] = field(default_factory=dict)
    requests: list[ServiceRequest] = field(default_factory=list)
    activity: list[ActivityEntry] = field(default_factory=list)
    declared: dict[str, list[ContributionPeriod]] = field(default_factory=dict)
    _tracking: itertools.count[int] = field(default_factory=lambda: itertools.count(10_000_001))

    # ---- setting up
    def add_employer(self, employer: Employer, pin: str | None = None) -> Employer:
        """Register an employer (and its PIN)."""
        self.employers[employer.employer_number] = employer
        if pin is not None:
            self.pins[(HolderKind.EMPLOYER, employer.employer_number)] = pin
        return employer

    def add_insured(self, person: InsuredPerson, pin: str | None = None) -> InsuredPerson:
        """Register an insured person (and their PIN)."""
        self.insured_persons[person.insured_number] = person
        if pin is not None:
            self.pins[(HolderKind.INSURED, person.insured_number)] = pin
        return person

    def add_request(self, kind: RequestKind, holder_kind: HolderKind, holder_number: str,
                    status: RequestStatus = RequestStatus.RECEIVED, details: Mapping[str, str | int] | None = None
                    ) -> ServiceRequest:
        """A request as if filed now (newest last in ``requests``)."""
        now = self.clock.now()
        request = ServiceRequest(f"{kind.prefix}{next(self._tracking):08d}", kind, holder_kind, holder_number, status,
                                 now, now, details=dict(details or {}))
        self.requests.append(request)
        self.activity.append(ActivityEntry(holder_kind, holder_number, ActivityKind.REQUEST_FILED, now,
                                           {"tracking_number": request.tracking_number, "kind": kind.value}))
        return request

    # ---- ScreenBackend
    def holders(self, msisdn: Msisdn) -> PhoneHolders:
        return PhoneHolders(tuple(e for e in self.employers.values() if msisdn in e.phones),
                            tuple(p for p in self.insured_persons.values() if msisdn in p.phones))

    def caller(self, msisdn: Msisdn) -> CallerAccounts:
        holders = self.holders(msisdn)
        accounts = tuple([PhoneAccount(HolderKind.EMPLOYER, e.employer_number, e.company_name)
                          for e in sorted(holders.employers, key=lambda e: e.employer_number)]
                         + [PhoneAccount(HolderKind.INSURED, p.insured_number, p.full_name)
                            for p in sorted(holders.insured_persons, key=lambda p: p.insured_number)])
        sole = self.credential_status(accounts[0].kind, accounts[0].number) if len(accounts) == 1 else None
        return CallerAccounts(accounts, sole)

    def credential_status(self, kind: HolderKind, number: str) -> CredentialStatus:
        return CredentialStatus((kind, number) in self.pins, None, self.failed_pins.get((kind, number), 0) >= PIN_TRIES)

    def check_pin(self, kind: HolderKind, number: str, pin: str) -> PinCheck:
        key = (kind, number)
        if self.pins.get(key) == pin:
            self.failed_pins.pop(key, None)
            return PinCheck(True, PIN_TRIES)
        self.failed_pins[key] = self.failed_pins.get(key, 0) + 1
        left = PIN_TRIES - self.failed_pins[key]
        return PinCheck(False, max(left, 0), blocked=left <= 0)

    def set_pin(self, kind: HolderKind, number: str, pin: str) -> None:
        self.pins[(kind, number)] = pin

    def company_name(self, employer_number: str) -> str:
        return self._employer(employer_number).company_name

    def account_summary(self, employer_number: str) -> AccountSummary:
        employer = self._employer(employer_number)
        return self.summaries.get(employer_number) or AccountSummary(
            employer_number, employer.company_name, self.clock.today(), 0, 0, 0, (), (), ())

    def issue_reference(self, employer_number: str, period: ContributionPeriod | None,
                        notify: Notify | None = None) -> PaymentReference:
        raise NotImplementedError("FakeBackend.issue_reference")

    def follow_reference(self, code: str) -> ReferenceView:
        if code not in self.references:
            raise PaymentReferenceNotFoundError(code=code)
        return self.references[code]

    def preview_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                            gross_payroll: int) -> ContributionAssessment:
        return declarations.preview_declaration(self._employer(employer_number), period, rulebook=self.rulebook,
                                                clock=self.clock, head_count=head_count, gross_payroll=gross_payroll)

    def file_declaration(self, employer_number: str, period: ContributionPeriod, head_count: int,
                         gross_payroll: int) -> ContributionAssessment:
        assessment = self.preview_declaration(employer_number, period, head_count, gross_payroll)
        self.declared.setdefault(employer_number, []).append(period)
        return assessment

    def declaration_start(self, employer_number: str) -> declarations.DeclarationStart:
        raise NotImplementedError("FakeBackend.declaration_start")

    def find_worker(self, insured_number: str) -> InsuredPerson:
        return self._insured(insured_number)

    def preview_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                   workers: Sequence[WorkerPay]) -> ContributionAssessment:
        return declarations.preview_declaration(self._employer(employer_number), period, rulebook=self.rulebook,
                                                clock=self.clock, workers=workers)

    def file_worker_declaration(self, employer_number: str, period: ContributionPeriod,
                                workers: Sequence[WorkerPay]) -> ContributionAssessment:
        assessment = self.preview_worker_declaration(employer_number, period, workers)
        self.declared.setdefault(employer_number, []).append(period)
        return assessment

    def declared_periods(self, employer_number: str) -> list[ContributionPeriod]:
        return list(self.declared.get(employer_number, []))

    def quitus_status(self, employer_number: str) -> QuitusEligibility:
        overdue = self.account_summary(employer_number).overdue
        return QuitusEligibility(overdue == 0, overdue, 0)

    def request_quitus(self, employer_number: str) -> ServiceRequest:
        self._employer(employer_number)
        return self.add_request(QUITUS, HolderKind.EMPLOYER, employer_number)

    def verify_quitus(self, number: str, today: date | None = None) -> QuitusCheck:
        return UNKNOWN

    def file_claim(self, kind: HolderKind, number: str, category: ClaimCategory) -> ServiceRequest:
        return self.add_request(CLAIM, kind, number, details={"category": category.value})

    def file_request(self, kind: RequestKind, holder_kind: HolderKind, holder_number: str,
                     details: Mapping[str, object], msisdn: Msisdn | None = None) -> ServiceRequest:
        return self.add_request(kind, holder_kind, holder_number, details=kind.validate(details, self.clock.today()))

    def file_enrolment(self, kind: RequestKind, details: Mapping[str, object], msisdn: Msisdn,
                       wording: RequestWording) -> ServiceRequest:
        return self.add_request(kind, HolderKind.PHONE, msisdn.e164, details=kind.validate(details, self.clock.today()))

    def requests_of(self, kind: HolderKind, number: str, limit: int = 12) -> list[ServiceRequest]:
        mine = [r for r in self.requests if (r.holder_kind, r.holder_number) == (kind, number)]
        return mine[::-1][:limit]

    def activity_of(self, kind: HolderKind, number: str, limit: int = 3) -> list[ActivityEntry]:
        mine = [a for a in self.activity if (a.holder_kind, a.holder_number) == (kind, number)]
        return mine[::-1][:limit]

    def individual_account(self, insured_number: str) -> IndividualAccount:
        raise NotImplementedError("FakeBackend.individual_account")

    def simulate_own_pension(self, insured_number: str, age: int) -> PensionEstimate:
        raise NotImplementedError("FakeBackend.simulate_own_pension")

    def simulate_typed_pension(self, age: int, months: int, pay: int, current_age: int) -> PensionEstimate:
        return insured.simulate_typed_pension(age, months, pay, current_age=current_age, clock=self.clock,
                                              rulebook=self.rulebook)

    def pension_ages(self, insured_number: str) -> range:
        person = self._insured(insured_number)
        return self.typed_pension_ages(person.age_on(self.clock.today()))

    def typed_pension_ages(self, current_age: int) -> range:
        return insured.typed_departure_ages(current_age, clock=self.clock, rulebook=self.rulebook)

    def request_attestation(self, insured_number: str) -> ServiceRequest:
        self._insured(insured_number)
        return self.add_request(ATTESTATION, HolderKind.INSURED, insured_number)

    # ---- helpers
    def _employer(self, employer_number: str) -> Employer:
        if employer_number not in self.employers:
            raise EmployerNotFoundError(employer_number=employer_number)
        return self.employers[employer_number]

    def _insured(self, insured_number: str) -> InsuredPerson:
        if insured_number not in self.insured_persons:
            raise InsuredPersonNotFoundError(insured_number=insured_number)
        return self.insured_persons[insured_number]


def _conforms(backend: FakeBackend) -> ScreenBackend:
    return backend  # mypy checks here that the fake keeps up with the protocol
