"""Verify a quitus social by its number: whose it is, until when it is valid, and whether it still is."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.domain.parameters import RuleBook
from core.domain.requests import ISSUED
from core.ports import Clock, UnitOfWork

QUITUS_PREFIX = "QS"
# A quitus is issued once its request reaches one of these statuses ("validated": the newer name of "ready").
ISSUED_STATUSES = frozenset(status.value for status in ISSUED)
_NUMBER = re.compile(r"(?:QS)?([0-9]{8})")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


class QuitusValidity(enum.Enum):
    """What a procurement officer is told about a quitus number."""

    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # malformed, not found, not a quitus, or not issued: the same answer for all


@dataclass(frozen=True, slots=True)
class QuitusCheck:
    """The answer about one quitus number; the employer and the dates only when it was issued."""

    validity: QuitusValidity
    quitus_number: str = ""
    employer_name: str = ""
    issued_on: date | None = None
    valid_until: date | None = None  # the last day it is valid


UNKNOWN = QuitusCheck(QuitusValidity.UNKNOWN)


def parse_quitus_number(text: str) -> str | None:
    """``QS`` and 8 digits, spaces, dashes and a missing prefix tolerated; None when it cannot be one."""
    match = _NUMBER.fullmatch(_NOT_ALNUM.sub("", text.upper()))
    return f"{QUITUS_PREFIX}{match.group(1)}" if match else None


def verify_quitus(text: str, today: date, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook) -> QuitusCheck:
    """Check a quitus number typed by anyone.

    A quitus is the tracking number of a quitus request CNSS has issued; it is valid for
    ``quitus_validity_days`` (the value in force on the day it was issued) counting that day.
    The day of issue is the one recorded when the request first became ready or validated
    (``details["issued_on"]``), so later status changes do not extend it.
    """
    number = parse_quitus_number(text)
    if number is None:
        return UNKNOWN
    with uow:
        request = uow.requests.get(number)
        if request is None or request.kind.value != "quitus" or request.status.value not in ISSUED_STATUSES:
            return UNKNOWN
        employer = uow.employers.get(request.holder_number)
    if employer is None:
        return UNKNOWN
    recorded = request.details.get("issued_on")
    issued_on = date.fromisoformat(recorded) if isinstance(recorded, str) else clock.business_day(request.updated_at)
    days = rulebook.services.at(issued_on).quitus_validity_days
    valid_until = issued_on + timedelta(days=days - 1)
    validity = QuitusValidity.VALID if today <= valid_until else QuitusValidity.EXPIRED
    return QuitusCheck(validity, number, employer.company_name, issued_on, valid_until)
