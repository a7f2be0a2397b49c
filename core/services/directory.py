"""Who is calling: the employers and insured persons registered on a phone."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, InsuredPerson, PhoneAccount
from core.domain.pins import PinPolicy
from core.ports import Clock, PhoneRegistrations, UnitOfWork
from core.services.credentials import CredentialStatus, account_status

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PhoneHolders:
    """Accounts reachable from one phone (an accountant may hold several employers), as whole records."""

    employers: tuple[Employer, ...]
    insured_persons: tuple[InsuredPerson, ...]

    @property
    def is_registered(self) -> bool:
        """True when the phone belongs to at least one account."""
        return bool(self.employers or self.insured_persons)


@dataclass(frozen=True, slots=True)
class CallerAccounts:
    """Who is calling, as a session's first screen needs it: the phone's accounts, and the PIN state of the
    only one (None when the phone holds none or several: the state is read when one is chosen)."""

    accounts: tuple[PhoneAccount, ...]
    sole_credential: CredentialStatus | None = None


def holders_of(msisdn: Msisdn, *, uow: UnitOfWork) -> PhoneHolders:
    """The employers and insured persons registered on a phone, with all their attributes (SMS keywords)."""
    with uow:
        return PhoneHolders(tuple(uow.employers.list_by_phone(msisdn)),
                            tuple(uow.insured_persons.list_by_phone(msisdn)))


def caller_accounts(msisdn: Msisdn, *, uow: UnitOfWork, clock: Clock,
                    policy: PinPolicy = PinPolicy()) -> CallerAccounts:
    """Who is calling: the accounts on a phone and, when there is only one, its PIN state, in one query.

    The first hop of every login asks this, for a phone it has mostly never seen (new phone, new lookup).
    """
    with uow:
        accounts = tuple(uow.phones.accounts_on(msisdn))
    sole = account_status(accounts[0], clock=clock, policy=policy) if len(accounts) == 1 else None
    return CallerAccounts(accounts, sole)


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
