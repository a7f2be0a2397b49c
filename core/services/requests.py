"""Requests of every kind: filing, quitus, status changes told by SMS, "my requests" and activity history."""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import InsuredPersonNotFoundError, InvalidPhoneNumberError, QuitusNotEligibleError, \
    RequestNotFoundError
from core.domain.msisdn import Msisdn
from core.domain.outbox import sms_message
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.requests import (
    ATTESTATION,
    CLAIM,
    QUITUS,
    ClaimCategory,
    QuitusEligibility,
    RequestKind,
    RequestNotAllowedError,
    RequestStatus,
    ServiceRequest,
    clean_note,
    kind_named,
    new_tracking_number,
    quitus_eligibility,
)
from core.ports import Clock, RequestWording, UnitOfWork
from core.services.accounts import current_account, get_employer

Random = Callable[[int], int]
STATUS_SMS_PURPOSE = "request_status"


def file_request(
    kind: RequestKind | str, holder_kind: HolderKind, holder_number: str, details: Mapping[str, object], *,
    uow: UnitOfWork, clock: Clock, msisdn: Msisdn | None = None, channel: str = "ussd",
    randbelow: Random = secrets.randbelow, wording: RequestWording | None = None, own_service: bool = False,
) -> ServiceRequest:
    """File a request of ``kind`` with its form's ``details`` (checked against the kind's fields), in one
    unit of work with its activity entry. ``msisdn``: the phone that asked, told of status changes.
    ``wording``: also queue the "received" status SMS (e.g. the documents to bring) with the request;
    ``own_service``: the kind's own service (``by_form=False``) has checked what it must.

    Raises ``UnknownRequestKindError``, ``RequestNotAllowedError`` (this holder kind may not file it, or
    the kind has a service of its own), ``InvalidRequestDetailsError`` (field and reason), and
    ``EmployerNotFoundError``/``InsuredPersonNotFoundError``/``InvalidPhoneNumberError`` for the holder.
    """
    spec = kind_named(kind) if isinstance(kind, str) else kind
    if not spec.by_form and not own_service:
        raise RequestNotAllowedError(kind=spec.value, holder_kind=holder_kind.value)
    checked = spec.validate(details, clock.today())
    with uow:
        _ensure_holder(uow, spec, holder_kind, holder_number)
        request = _file(uow, spec, holder_kind, holder_number, checked, msisdn, clock, channel, randbelow)
        if wording is not None:
            _tell(uow, request, wording.status_sms(request), request.created_at)
        uow.commit()
        return request


def quitus_status(employer_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook) -> QuitusEligibility:
    """Whether the employer can get a quitus social today, surcharges included."""
    with uow:
        _, account = current_account(uow, employer_number, clock=clock, rulebook=rulebook)
        uow.commit()
    return quitus_eligibility(account, clock.today())


def request_quitus(
    employer_number: str, *, uow: UnitOfWork, clock: Clock, rulebook: RuleBook, channel: str = "ussd",
    msisdn: Msisdn | None = None, randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File a quitus request; ``QuitusNotEligibleError`` (with the overdue amount) when something is overdue."""
    with uow:
        _, account = current_account(uow, employer_number, clock=clock, rulebook=rulebook)
        eligibility = quitus_eligibility(account, clock.today())
        if not eligibility.eligible:
            uow.commit()
            raise QuitusNotEligibleError(employer_number=employer_number, overdue_amount=eligibility.overdue_amount)
        request = _file(uow, QUITUS, HolderKind.EMPLOYER, employer_number, {}, msisdn, clock, channel, randbelow)
        uow.commit()
        return request


def request_attestation(
    insured_number: str, *, uow: UnitOfWork, clock: Clock, channel: str = "ussd", msisdn: Msisdn | None = None,
    randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File an individual attestation request for an insured person."""
    return file_request(ATTESTATION, HolderKind.INSURED, insured_number, {}, uow=uow, clock=clock, msisdn=msisdn,
                        channel=channel, randbelow=randbelow)


def file_claim(
    holder_kind: HolderKind, holder_number: str, category: ClaimCategory, *, uow: UnitOfWork, clock: Clock,
    channel: str = "ussd", msisdn: Msisdn | None = None, randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File a claim (reclamation); CNSS calls the holder back."""
    return file_request(CLAIM, holder_kind, holder_number, {"category": category.value}, uow=uow, clock=clock,
                        msisdn=msisdn, channel=channel, randbelow=randbelow)


def list_requests(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork, limit: int = 5) -> list[ServiceRequest]:
    """The holder's latest requests, newest first."""
    with uow:
        return uow.requests.list_for(holder_kind, holder_number, limit)


def list_activity(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork, limit: int = 5) -> list[ActivityEntry]:
    """The holder's latest activity, newest first."""
    with uow:
        return uow.activity.list_for(holder_kind, holder_number, limit)


def change_status(
    tracking_number: str, status: RequestStatus, note: str | None = None, *, uow: UnitOfWork, clock: Clock,
    wording: RequestWording,
) -> ServiceRequest:
    """Move a request to ``status`` with staff's ``note`` (back office): recorded with an activity entry, and
    an SMS queued (once per tracking number, status and phone) to the phone that asked or, when none, to
    the holder's registered phones. ``RequestNotFoundError``; ``InvalidRequestDetailsError`` for a long note.
    """
    cleaned = clean_note(note)
    with uow:
        request = uow.requests.get(tracking_number)
        if request is None:
            raise RequestNotFoundError(tracking_number=tracking_number)
        now = clock.now()
        updated = request.with_status(status, now, cleaned, clock.business_day(now))
        uow.requests.update(updated)
        uow.activity.append(ActivityEntry(request.holder_kind, request.holder_number,
                                          ActivityKind.REQUEST_STATUS_CHANGED, now,
                                          {"tracking_number": tracking_number, "kind": request.kind.value,
                                           "status": status.value}))
        _tell(uow, updated, wording.status_sms(updated), now)
        for field_name in updated.kind.tells:  # e.g. the worker a registration names
            told, own_text = updated.details.get(field_name), wording.field_sms(updated, field_name)
            if isinstance(told, str) and told and own_text:
                uow.outbox.add(sms_message(told, own_text, STATUS_SMS_PURPOSE,
                                           f"request-status:{tracking_number}:{status.value}:{told}", now,
                                           essential=True))
        uow.commit()
        return updated


def update_request_status(tracking_number: str, status: RequestStatus, *, uow: UnitOfWork, clock: Clock,
                          wording: RequestWording) -> ServiceRequest:
    """Former name of :func:`change_status`, without a note."""
    return change_status(tracking_number, status, None, uow=uow, clock=clock, wording=wording)


def _tell(uow: UnitOfWork, request: ServiceRequest, text: str, now: datetime) -> None:
    """Queue ``text`` (once per tracking number, status and phone) to the phones told of this request."""
    for phone in _phones_to_tell(uow, request):
        uow.outbox.add(sms_message(phone.e164, text, STATUS_SMS_PURPOSE,
                                   f"request-status:{request.tracking_number}:{request.status.value}:{phone.e164}",
                                   now, essential=True))


def _phones_to_tell(uow: UnitOfWork, request: ServiceRequest) -> tuple[Msisdn, ...]:
    if request.msisdn is not None:
        return (request.msisdn,)
    if request.holder_kind is HolderKind.PHONE:
        return (Msisdn(request.holder_number),)
    if request.holder_kind is HolderKind.EMPLOYER:
        employer = uow.employers.get(request.holder_number)
        return tuple(p for p in employer.phones if p.is_mobile) if employer else ()
    person = uow.insured_persons.get(request.holder_number)
    return tuple(p for p in person.phones if p.is_mobile) if person else ()


def _ensure_holder(uow: UnitOfWork, kind: RequestKind, holder_kind: HolderKind, holder_number: str) -> None:
    if holder_kind not in kind.filers:
        raise RequestNotAllowedError(kind=kind.value, holder_kind=holder_kind.value)
    if holder_kind is HolderKind.EMPLOYER:
        get_employer(uow, holder_number)
    elif holder_kind is HolderKind.INSURED:
        if uow.insured_persons.get(holder_number) is None:
            raise InsuredPersonNotFoundError(insured_number=holder_number)
    elif Msisdn.parse(holder_number).e164 != holder_number:
        raise InvalidPhoneNumberError(reason="not_e164")


def _file(
    uow: UnitOfWork, kind: RequestKind, holder_kind: HolderKind, holder_number: str, details: Mapping[str, str | int],
    msisdn: Msisdn | None, clock: Clock, channel: str, randbelow: Random,
) -> ServiceRequest:
    now = clock.now()
    tracking = new_tracking_number(kind, randbelow)
    while uow.requests.get(tracking) is not None:
        tracking = new_tracking_number(kind, randbelow)
    request = ServiceRequest(tracking, kind, holder_kind, holder_number, RequestStatus.RECEIVED, now, now, channel,
                             dict(details), None, msisdn)
    uow.requests.add(request)
    uow.activity.append(ActivityEntry(holder_kind, holder_number, ActivityKind.REQUEST_FILED, now,
                                      {"tracking_number": tracking, "kind": kind.value}))
    return request
