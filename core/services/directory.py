"""Who is calling: the employers and insured persons registered on a phone."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind, InsuredPerson
from core.domain.pins import PinPolicy
from core.ports import Clock, PhoneRegistrations, UnitOfWork
from core.services.credentials import CredentialStatus, status_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PhoneHolders:
    """Accounts reachable from one phone (an accountant may hold several employers)."""

    employers: tuple[Employer, ...]
    insured_persons: tuple[InsuredPerson, ...]
    sole_credential: CredentialStatus | None = None  # the PIN state of the only account, read with it (or None)

    @property
    def is_registered(self) -> bool:
        """True when the phone belongs to at least one account."""
        return bool(self.employers or self.insured_persons)


def holders_of(msisdn: Msisdn, *, uow: UnitOfWork, clock: Clock, policy: PinPolicy = PinPolicy()) -> PhoneHolders:
    """Look the phone up among registered employer and insured phones.

    A phone with a single account also gets that account's PIN state from the same unit of work (the first
    hop of a login needs both: one transaction instead of two).
    """
    with uow:
        employers = tuple(uow.employers.list_by_phone(msisdn))
        insured_persons = tuple(uow.insured_persons.list_by_phone(msisdn))
        sole = None
        if len(employers) + len(insured_persons) == 1:
            kind, number = ((HolderKind.EMPLOYER, employers[0].employer_number) if employers
                            else (HolderKind.INSURED, insured_persons[0].insured_number))
            sole = status_of(uow.credentials.get(kind, number), clock=clock, policy=policy)
        return PhoneHolders(employers, insured_persons, sole)


def registered_phones(*, uow: UnitOfWork) -> list[str]:
    """Every phone registered on an account (E.164), for the session store's registry of phones."""
    with uow:
        return uow.phones.all_msisdns()


def phones_changed(msisdns: Iterable[Msisdn], registrations: PhoneRegistrations | None) -> None:
    """Tell ``registrations`` (the caller cache) that these phones' accounts changed, after the commit.

    A cache that cannot be told is logged, not raised: the change is committed, and the cached entry
    expires within its short TTL anyway.
    """
    if registrations is None:
        return
    for msisdn in dict.fromkeys(msisdns):
        try:
            registrations.phone_changed(msisdn)
        except Exception as exc:  # noqa: BLE001 - a cache outage must not undo a committed registration
            log.warning("could not invalidate the caller cache of %s: %s", msisdn.masked, type(exc).__name__)
