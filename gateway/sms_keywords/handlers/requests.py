"""DEMANDES / REQUESTS: the latest requests of each account on the phone, with their status."""
from __future__ import annotations

from typing import Final

from core.domain.parties import HolderKind
from gateway.sms_keywords.keyword import Asked, Keyword
from menus import format as fmt
from menus.labels import kind_key, status_key

REQUESTS_SHOWN: Final = 3


def answer(asked: Asked) -> str:
    """One block per account: its latest requests, or that it has none."""
    holders = asked.holders
    accounts = [(HolderKind.EMPLOYER, e.employer_number, e.company_name) for e in holders.employers]
    accounts += [(HolderKind.INSURED, p.insured_number, p.full_name) for p in holders.insured_persons]
    blocks = []
    for kind, number, name in accounts:
        found = asked.backend.requests_of(kind, number, REQUESTS_SHOWN)
        if not found:
            blocks.append(asked.say("sms.kw_requests_none", {"holder": name, "number": number}))
            continue
        lines = [asked.say("sms.kw_requests_head", {"holder": name, "number": number})]
        lines += [asked.say("sms.kw_request_line", {
            "kind": asked.say(kind_key(r.kind.value)), "tracking": r.tracking_number,
            "date": fmt.short_day(asked.backend.clock.local(r.created_at)),
            "status": asked.say(status_key(r.status.value))}) for r in found]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


KEYWORD = Keyword("requests", answer, words=(("DEMANDES", "fr"), ("DEMANDE", "fr"), ("REQUESTS", "en"),
                                             ("REQUEST", "en")))
