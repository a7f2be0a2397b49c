"""Demo data of CONTRACTS.md, dated relative to today, created once (``flask seed-demo``)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from core.clock import FixedClock
from core.domain.contributions import WorkerPay
from core.domain.individual_accounts import DeclaredPay, Employment
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.parties import Employer, HolderKind, InsuredPerson
from core.domain.payments import PaymentChannel
from core.domain.periods import ContributionPeriod
from core.domain.pins import Credential, PinHasher
from core.ports import Clock, PhoneRegistrations, UnitOfWork, UnitOfWorkFactory
from core.services.accounts import contributor_account_summary
from core.services.declarations import file_declaration
from core.services.directory import phones_changed
from core.services.payment_references import issue_payment_reference
from core.services.payments import record_payment


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A documented demo login."""

    kind: HolderKind
    number: str
    name: str
    phone: str
    pin: str


DEMO_EMPLOYER = DemoAccount(HolderKind.EMPLOYER, "1000001", "BOULANGERIE DU PORT SARL", "+22890112233", "1234")
DEMO_INSURED = DemoAccount(HolderKind.INSURED, "2000001", "AKU Mawuena", "+22899112233", "4321")
DEMO_UP_TO_DATE_EMPLOYER = DemoAccount(HolderKind.EMPLOYER, "1000002", "PHARMACIE DE LA PAIX SARL", "+22891223344",
                                       "5678")
DEMO_ACCOUNTS = (DEMO_EMPLOYER, DEMO_INSURED, DEMO_UP_TO_DATE_EMPLOYER)
# An accountant's phone linked to both demo employers (picks the employer from a list).
DEMO_ACCOUNTANT_PHONE = "+22870112233"

_BAKERY_WORKERS = (("2000101", "KOFFI Yao", 45_000), ("2000102", "AMEGAH Afi", 80_000), ("2000103", "SEDZRO Komla", 150_000))


def latest_declared_period(today: date, due_day: int) -> ContributionPeriod:
    """The newest demo period: one whose deadline has not passed yet."""
    current = ContributionPeriod.containing(today)
    return current.plus_months(-1) if today.day <= due_day else current


def seed_demo(*, uow_factory: UnitOfWorkFactory, clock: Clock, rulebook: RuleBook,
              hasher: PinHasher | None = None, registrations: PhoneRegistrations | None = None) -> bool:
    """Create whichever demo records are missing; returns True when something was created.

    ``registrations`` (the caller cache) is told of the phones registered, once committed.
    """
    today = clock.today()
    due_day = rulebook.surcharges.at(today).due_day
    latest = latest_declared_period(today, due_day)
    created = False
    with uow_factory() as uow:
        if uow.employers.get(DEMO_EMPLOYER.number) is None:
            _register(uow, hasher or PinHasher())
            uow.commit()
            phones_changed(_demo_phones(), registrations)
            created = True
        bakery_done = bool(uow.declarations.periods(DEMO_EMPLOYER.number))
        pharmacy_done = bool(uow.declarations.periods(DEMO_UP_TO_DATE_EMPLOYER.number))
        if not uow.insured_persons.declared_pay(DEMO_INSURED.number):
            _insured_history(uow, latest)
            uow.commit()
            created = True
    history = _History(uow_factory, rulebook, clock, due_day)
    if not bakery_done:
        workers = [WorkerPay(number, pay) for number, _, pay in _BAKERY_WORKERS]
        for back in range(5, -1, -1):
            history.month(DEMO_EMPLOYER.number, latest.plus_months(-back), pay=back >= 2, workers=workers)
        created = True
    if not pharmacy_done:
        for back in range(3, 0, -1):
            history.month(DEMO_UP_TO_DATE_EMPLOYER.number, latest.plus_months(-back), pay=True,
                          head_count=2, gross_payroll=240_000)
        created = True
    # Charge the surcharges accrued by today so the account shows them at once.
    contributor_account_summary(DEMO_EMPLOYER.number, uow=uow_factory(), clock=clock, rulebook=rulebook)
    return created


def _demo_phones() -> list[Msisdn]:
    return [Msisdn.parse(phone) for phone in (DEMO_EMPLOYER.phone, DEMO_UP_TO_DATE_EMPLOYER.phone,
                                              DEMO_INSURED.phone, DEMO_ACCOUNTANT_PHONE)]


def _register(uow: UnitOfWork, hasher: PinHasher) -> None:
    accountant = Msisdn.parse(DEMO_ACCOUNTANT_PHONE)
    uow.employers.add(Employer(DEMO_EMPLOYER.number, DEMO_EMPLOYER.name, (Msisdn.parse(DEMO_EMPLOYER.phone), accountant),
                               email="compta@boulangerie-du-port.tg"))
    uow.employers.add(Employer(DEMO_UP_TO_DATE_EMPLOYER.number, DEMO_UP_TO_DATE_EMPLOYER.name,
                               (Msisdn.parse(DEMO_UP_TO_DATE_EMPLOYER.phone), accountant)))
    uow.insured_persons.add(InsuredPerson(DEMO_INSURED.number, DEMO_INSURED.name, date(1966, 3, 15),
                                          (Msisdn.parse(DEMO_INSURED.phone),), prior_insured_months=190))
    for number, name, _ in _BAKERY_WORKERS:
        uow.insured_persons.add(InsuredPerson(number, name, date(1990, 1, 1)))
    for account in DEMO_ACCOUNTS:
        pin_hash = hasher.hash(account.pin, account.kind, account.number)
        uow.credentials.save(Credential(account.kind, account.number, pin_hash))


class _History:
    """Back-dated declarations and on-time payments, as they would have happened."""

    def __init__(self, uow_factory: UnitOfWorkFactory, rulebook: RuleBook, clock: Clock, due_day: int) -> None:
        self.uow_factory, self.rulebook, self.clock, self.due_day = uow_factory, rulebook, clock, due_day

    def _at(self, day: date) -> FixedClock:
        return FixedClock(min(datetime.combine(day, time(9, 0), tzinfo=timezone.utc), self.clock.now()))

    def month(self, employer_number: str, period: ContributionPeriod, *, pay: bool,
              workers: Sequence[WorkerPay] = (), head_count: int | None = None, gross_payroll: int | None = None) -> None:
        """Declare ``period`` ten days before its deadline and, if ``pay``, pay it three days before."""
        deadline = period.payment_deadline(self.due_day)
        file_declaration(employer_number, period, uow=self.uow_factory(), clock=self._at(deadline - timedelta(days=10)),
                         rulebook=self.rulebook, workers=workers, head_count=head_count, gross_payroll=gross_payroll)
        if not pay:
            return
        paying = self._at(deadline - timedelta(days=3))
        reference = issue_payment_reference(employer_number, period, uow=self.uow_factory(), clock=paying,
                                            rulebook=self.rulebook, channel="web")
        record_payment(reference=reference.code, amount=reference.amount, provider="ibbank",
                       transaction_id=f"DEMO-{employer_number}-{period}", channel=PaymentChannel.BANK,
                       paid_at=paying.now(), uow=self.uow_factory(), clock=paying, rulebook=self.rulebook,
                       account_label="Compte courant")


def _insured_history(uow: UnitOfWork, latest: ContributionPeriod) -> None:
    """190 months from older records plus 60 declared months with rising pay: 250 months."""
    start = latest.plus_months(-59)
    uow.insured_persons.add_employment(Employment(DEMO_INSURED.number, DEMO_UP_TO_DATE_EMPLOYER.number, start))
    uow.insured_persons.add_declared_pay([
        DeclaredPay(DEMO_INSURED.number, start.plus_months(i), DEMO_UP_TO_DATE_EMPLOYER.number, 150_000 + 1_000 * (i // 12))
        for i in range(60)])
