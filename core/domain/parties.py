"""Employers and insured persons, identified by opaque digit numbers, reached on registered phones."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from core.domain.errors import InvalidIdentifierError
from core.domain.msisdn import Msisdn
from core.domain.periods import Periodicity

# ASSUMPTION (rules 4.1): identifiers are opaque digit strings of configurable length.
DEFAULT_IDENTIFIER_DIGITS = (5, 13)


class HolderKind(enum.Enum):
    """Who holds an account, a phone or a request."""

    EMPLOYER = "employer"
    INSURED = "insured"
    PHONE = "phone"  # a request made before any account exists, held by the phone (E.164) that asked


def parse_identifier(raw: str, kind: HolderKind, digits: tuple[int, int] = DEFAULT_IDENTIFIER_DIGITS) -> str:
    """Validate an employer or insured number typed on a keypad."""
    number = (raw or "").strip()
    low, high = digits
    if not number.isascii() or not number.isdigit() or not low <= len(number) <= high:
        raise InvalidIdentifierError(kind=kind.value, raw=raw)
    return number


@dataclass(frozen=True, slots=True)
class Employer:
    """An employer (raison sociale) with its registered phones and contribution attributes."""

    employer_number: str
    company_name: str
    phones: tuple[Msisdn, ...] = ()
    periodicity: Periodicity = Periodicity.MONTHLY
    occupational_risk_bp: int = 200
    email: str | None = None


@dataclass(frozen=True, slots=True)
class InsuredPerson:
    """An insured person; ``prior_insured_months`` are validated months from before digital records."""

    insured_number: str
    full_name: str
    date_of_birth: date
    phones: tuple[Msisdn, ...] = ()
    prior_insured_months: int = 0

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)


@dataclass(frozen=True, slots=True)
class PhoneAccount:
    """One account registered on a phone as a caller's first screen needs it: who, and the state of its PIN.

    ``pin_set`` is False before the account's PIN is activated; ``locked_until`` and ``lockouts`` are
    the credential's (``PinPolicy`` tells a lock or a block from them). No PIN hash travels with it.
    """

    kind: HolderKind
    number: str
    name: str
    pin_set: bool = False
    locked_until: datetime | None = None
    lockouts: int = 0
