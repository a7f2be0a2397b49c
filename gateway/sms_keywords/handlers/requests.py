"""DEMANDES / REQUESTS: the latest requests of each account on the phone, and of the phone itself, with their status."""
from __future__ import annotations

from typing import Final

from core.domain.parties import HolderKind
from core.domain.requests import ServiceRequest
from gateway.sms_keywords.keyword import Asked, Keyword
from menus import format as fmt
from menus.labels import kind_key, status_key
from menus.pension_values import HOTLINE

REQUESTS_SHOWN: Final = 3


def answer(asked: Asked) -> str:
    """One block per account, then one for requests made from the phone before it had any account
    (pre-registrations, enrolments); a phone with neither is told how to register."""
    holders = asked.backend.holders(asked.phone)
    accounts = [(HolderKind.EMPLOYER, e.employer_number, e.company_name) for e in holders.employers]
    accounts += [(HolderKind.INSURED, p.insured_number, p.full_name) for p in holders.insured_persons]
    blocks = []
    for kind, number, name in accounts:
        found = asked.backend.requests_of(kind, number, REQUESTS_SHOWN)
        if not found:
            blocks.append(asked.say("sms.kw_requests_none", {"holder": name, "number": number}))
            continue
        blocks.append("\n".join([asked.say("sms.kw_requests_head", {"holder": name, "number": number}),
                                 *_lines(asked, found)]))
    from_phone = asked.backend.requests_of(HolderKind.PHONE, asked.phone.e164, REQUESTS_SHOWN)
    if from_phone:
        blocks.append("\n".join([asked.say("sms.kw_requests_phone_head"), *_lines(asked, from_phone)]))
    if not blocks:
        return asked.say("sms.kw_register", {"hotline": HOTLINE})
    return "\n".join(blocks)


def _lines(asked: Asked, found: list[ServiceRequest]) -> list[str]:
    return [asked.say("sms.kw_request_line", {
        "kind": asked.say(kind_key(r.kind.value)), "tracking": r.tracking_number,
        "date": fmt.short_day(asked.backend.clock.local(r.created_at)),
        "status": asked.say(status_key(r.status.value))}) for r in found]


KEYWORD = Keyword("requests", answer, words=(("DEMANDES", "fr"), ("DEMANDE", "fr"), ("REQUESTS", "en"),
                                             ("REQUEST", "en")), needs_account=False)
