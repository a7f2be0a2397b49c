"""REF <12 digits>: status, amount and expiry of a payment reference of one of the phone's employers."""
from __future__ import annotations

from collections.abc import Sequence

from core.domain.errors import InvalidPaymentReferenceError, PaymentReferenceNotFoundError
from core.domain.payment_references import display_reference, parse_reference_code
from gateway.sms_keywords.keyword import Asked, Keyword
from menus import format as fmt
from menus.labels import reference_status_key


def read_digits(rest: Sequence[str]) -> str:
    """The digits after the keyword, glued (``4821 3390 7715``); the words as typed when there are none."""
    digits = [token for token in rest if token.isdigit()]
    return "".join(digits or rest)


def answer(asked: Asked) -> str:
    """Another employer's reference gets the same answer as an unknown one."""
    employers = {e.employer_number for e in asked.holders.employers}
    if not employers:
        return asked.say("sms.kw_employer_only")
    if not asked.argument:
        return asked.say("sms.kw_ref_usage")
    try:
        code = parse_reference_code(asked.argument)
    except InvalidPaymentReferenceError:
        return asked.say("sms.kw_ref_invalid")
    try:
        view = asked.backend.follow_reference(code)
    except PaymentReferenceNotFoundError:
        return asked.say("sms.kw_ref_unknown")
    reference = view.reference
    if reference.employer_number not in employers:
        return asked.say("sms.kw_ref_unknown")
    return asked.say("sms.kw_ref_status", {
        "holder": view.company_name, "reference": display_reference(reference.code),
        "scope": reference.period.label if reference.period else asked.say("pay.all_periods"),
        "amount": fmt.money(reference.amount),
        "status": asked.say(reference_status_key(view.status.value, view.being_confirmed)),
        "expires": fmt.day(asked.backend.clock.local(reference.expires_at))})


KEYWORD = Keyword("reference", answer, words=(("REF", "fr"), ("REFERENCE", "fr")), read_argument=read_digits)
