"""Quitus social, individual attestation and claim requests, plus "my requests" and activity history."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import InsuredPersonNotFoundError, QuitusNotEligibleError, RequestNotFoundError
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.requests import (
    ClaimCategory,
    QuitusEligibility,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    new_tracking_number,
    quitus_eligibility,
)
from core.ports import Clock, UnitOfWork
from core.services.accounts import bring_surcharges_up_to_date, get_employer

Random = Callable[[int], int]


def quitus_status(employer_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook) -> QuitusEligibility:
    """Whether the employer can get a quitus social today, surcharges included."""
    with uow:
        employer = get_employer(uow, employer_number)
        account = bring_surcharges_up_to_date(uow, employer, clock=clock, rulebook=rulebook)
        uow.commit()
    return quitus_eligibility(account, clock.today())


def request_quitus(
    employer_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook, channel: str = "ussd",
    randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File a quitus request; ``QuitusNotEligibleError`` (with the overdue amount) when something is overdue."""
    with uow:
        employer = get_employer(uow, employer_number)
        account = bring_surcharges_up_to_date(uow, employer, clock=clock, rulebook=rulebook)
        eligibility = quitus_eligibility(account, clock.today())
        if not eligibility.eligible:
            uow.commit()
            raise QuitusNotEligibleError(employer_number=employer_number, overdue_amount=eligibility.overdue_amount)
        request = _file(uow, RequestKind.QUITUS, HolderKind.EMPLOYER, employer_number, None, clock, channel, randbelow)
        uow.commit()
        return request


def request_attestation(
    insured_number: str, *, uow: UnitOfWork, clock: Clock, channel: str = "ussd", randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File an individual attestation request for an insured person."""
    with uow:
        if uow.insured_persons.get(insured_number) is None:
            raise InsuredPersonNotFoundError(insured_number=insured_number)
        request = _file(uow, RequestKind.ATTESTATION, HolderKind.INSURED, insured_number, None, clock, channel,
                        randbelow)
        uow.commit()
        return request


def file_claim(
    holder_kind: HolderKind, holder_number: str, category: ClaimCategory, *, uow: UnitOfWork, clock: Clock,
    channel: str = "ussd", randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File a claim (reclamation); CNSS calls the holder back."""
    with uow:
        _ensure_holder(uow, holder_kind, holder_number)
        request = _file(uow, RequestKind.CLAIM, holder_kind, holder_number, category, clock, channel, randbelow)
        uow.commit()
        return request


def list_requests(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork, limit: int = 5) -> list[ServiceRequest]:
    """The holder's latest requests, newest first."""
    with uow:
        return uow.requests.list_for(holder_kind, holder_number, limit)


def list_activity(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork, limit: int = 5) -> list[ActivityEntry]:
    """The holder's latest activity, newest first."""
    with uow:
        return uow.activity.list_for(holder_kind, holder_number, limit)


def update_request_status(tracking_number: str, status: RequestStatus, *, uow: UnitOfWork, clock: Clock) -> ServiceRequest:
    """Move a request along (back-office use)."""
    with uow:
        request = uow.requests.get(tracking_number)
        if request is None:
            raise RequestNotFoundError(tracking_number=tracking_number)
        updated = request.with_status(status, clock.now())
        uow.requests.update(updated)
        uow.commit()
        return updated


def _ensure_holder(uow: UnitOfWork, holder_kind: HolderKind, holder_number: str) -> None:
    if holder_kind is HolderKind.EMPLOYER:
        get_employer(uow, holder_number)
    elif uow.insured_persons.get(holder_number) is None:
        raise InsuredPersonNotFoundError(insured_number=holder_number)


def _file(
    uow: UnitOfWork, kind: RequestKind, holder_kind: HolderKind, holder_number: str, category: ClaimCategory | None,
    clock: Clock, channel: str, randbelow: Random,
) -> ServiceRequest:
    now = clock.now()
    tracking = new_tracking_number(kind, randbelow)
    while uow.requests.get(tracking) is not None:
        tracking = new_tracking_number(kind, randbelow)
    request = ServiceRequest(tracking, kind, holder_kind, holder_number, RequestStatus.RECEIVED, now, now, channel,
                             category)
    uow.requests.add(request)
    uow.activity.append(ActivityEntry(holder_kind, holder_number, ActivityKind.REQUEST_FILED, now,
                                      {"tracking_number": tracking, "kind": kind.value}))
    return request
