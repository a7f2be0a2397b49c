"""Enrolment before any account: domestic and small-business employers, voluntary and self-employed insurance."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Final

from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook
from core.domain.parties import HolderKind
from core.domain.requests import (
    BUSINESS_EMPLOYER,
    DOMESTIC_EMPLOYER,
    SELF_EMPLOYED,
    VOLUNTARY_INSURANCE,
    RequestKind,
    RequestNotAllowedError,
    ServiceRequest,
)
from core.domain.voluntary import Contribution, Rhythm, Scheme, check_income, check_voluntary, contribution
from core.ports import Clock, RequestWording, UnitOfWork
from core.services.requests import Random, file_request

ENROLMENTS: Final = (DOMESTIC_EMPLOYER, BUSINESS_EMPLOYER, VOLUNTARY_INSURANCE, SELF_EMPLOYED)
# Kinds whose filing is told at once by SMS (the "received" text lists the documents to bring and where).
TOLD_AT_FILING: Final = (BUSINESS_EMPLOYER,)
SCHEMES: Final = {VOLUNTARY_INSURANCE.value: Scheme.VOLUNTARY, SELF_EMPLOYED.value: Scheme.SELF_EMPLOYED}


def file_enrolment(
    kind: RequestKind, details: Mapping[str, object], msisdn: Msisdn, *, uow: UnitOfWork, clock: Clock,
    rulebook: RuleBook, wording: RequestWording, channel: str = "ussd", randbelow: Random = secrets.randbelow,
) -> ServiceRequest:
    """File a pre-registration or an enrolment for the phone that asked (holder kind "phone").

    Voluntary insurance and self-employed enrolment are checked first (``NotEligibleError`` with the
    reason: months insured, too late after leaving, income below the SMIG); a small business hears by SMS,
    queued with the request, which documents to bring. ``InvalidRequestDetailsError`` for a bad field.
    """
    if kind not in ENROLMENTS:
        raise RequestNotAllowedError(kind=kind.value, holder_kind=HolderKind.PHONE.value)
    today = clock.today()
    checked = kind.validate(details, today)
    if kind.value in SCHEMES:
        rule = rulebook.voluntary.at(today)
        if kind is VOLUNTARY_INSURANCE:
            check_voluntary(int(checked["insured_months"]), date.fromisoformat(str(checked["left_on"])), today, rule)
        check_income(int(checked["income"]), rulebook.smig.at(today), rule)
    return file_request(kind, HolderKind.PHONE, msisdn.e164, checked, uow=uow, clock=clock, msisdn=msisdn,
                        channel=channel, randbelow=randbelow, own_service=True,
                        wording=wording if kind in TOLD_AT_FILING else None)


def quote(kind: RequestKind, income: int, rhythm: Rhythm, *, rulebook: RuleBook, day: date) -> Contribution:
    """What a voluntary or self-employed contributor would pay for ``income`` every ``rhythm``, on ``day``."""
    return contribution(SCHEMES[kind.value], income, rhythm, smig=rulebook.smig.at(day),
                        rule=rulebook.voluntary.at(day))
