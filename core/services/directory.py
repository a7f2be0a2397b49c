"""Who is calling: the employers and insured persons registered on a phone."""
from __future__ import annotations

from dataclasses import dataclass

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, InsuredPerson
from core.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class PhoneHolders:
    """Accounts reachable from one phone (an accountant may hold several employers)."""

    employers: tuple[Employer, ...]
    insured_persons: tuple[InsuredPerson, ...]

    @property
    def is_registered(self) -> bool:
        """True when the phone belongs to at least one account."""
        return bool(self.employers or self.insured_persons)


def holders_of(msisdn: Msisdn, *, uow: UnitOfWork) -> PhoneHolders:
    """Look the phone up among registered employer and insured phones."""
    with uow:
        return PhoneHolders(tuple(uow.employers.list_by_phone(msisdn)),
                            tuple(uow.insured_persons.list_by_phone(msisdn)))
