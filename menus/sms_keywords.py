"""SMS keywords (SOLDE, REF, DEMANDES, PENSION, AIDE, STOP, START): parsing, the reply, and opting out."""
from __future__ import annotations

import enum
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from core.domain.errors import InvalidPaymentReferenceError, InvalidPhoneNumberError, PaymentReferenceNotFoundError
from core.domain.inbound import InboundSms
from core.domain.msisdn import Msisdn
from core.domain.outbox import sms_message
from core.domain.parties import HolderKind
from core.domain.payment_references import display_reference, parse_reference_code
from core.services.directory import PhoneHolders
from menus import format as fmt
from menus.backend import Backend
from menus.screens.employer import STATUS_KEYS as REFERENCE_STATUS_KEYS
from menus.screens.public import HOTLINE, MAX_AGE, MIN_AGE, RESULT_SCREENS, estimate_values
from menus.screens.requests import KIND_KEYS, STATUS_KEYS as REQUEST_STATUS_KEYS
from menus.texts import DEFAULT_LANGUAGE, render

logger = logging.getLogger(__name__)

PURPOSE: Final = "keyword_reply"
REQUESTS_SHOWN: Final = 3


class Keyword(enum.Enum):
    """What an incoming SMS asks for."""

    BALANCE = "balance"
    REFERENCE = "reference"
    REQUESTS = "requests"
    PENSION = "pension"
    HELP = "help"
    STOP = "stop"
    START = "start"
    UNKNOWN = "unknown"


class OptChange(enum.Enum):
    """The effect of a keyword on the phone's SMS subscription."""

    NONE = "none"
    OUT = "out"  # no more non-essential SMS
    IN = "in"  # non-essential SMS again


# First word (accents dropped, upper case) -> keyword and reply language: French first, English synonyms.
# Words that read the same in both languages answer in French (the default; SMS has no language memory).
WORDS: Final[Mapping[str, tuple[Keyword, str]]] = {
    "SOLDE": (Keyword.BALANCE, "fr"), "COMPTE": (Keyword.BALANCE, "fr"),
    "BALANCE": (Keyword.BALANCE, "en"), "ACCOUNT": (Keyword.BALANCE, "en"),
    "REF": (Keyword.REFERENCE, "fr"), "REFERENCE": (Keyword.REFERENCE, "fr"),
    "DEMANDES": (Keyword.REQUESTS, "fr"), "DEMANDE": (Keyword.REQUESTS, "fr"),
    "REQUESTS": (Keyword.REQUESTS, "en"), "REQUEST": (Keyword.REQUESTS, "en"),
    "PENSION": (Keyword.PENSION, "fr"), "RETRAITE": (Keyword.PENSION, "fr"),
    "AIDE": (Keyword.HELP, "fr"), "INFO": (Keyword.HELP, "fr"), "INFOS": (Keyword.HELP, "fr"),
    "HELP": (Keyword.HELP, "en"),
    "STOP": (Keyword.STOP, "fr"), "ARRET": (Keyword.STOP, "fr"), "ARRETER": (Keyword.STOP, "fr"),
    "START": (Keyword.START, "fr"), "DEMARRER": (Keyword.START, "fr"),
}
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_LETTERS_DIGITS = re.compile(r"(?<=[A-Z])(?=[0-9])|(?<=[0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class KeywordQuery:
    """A parsed SMS: the keyword, its argument (digits of a reference, an age) and the reply language."""

    keyword: Keyword
    argument: str = ""
    language: str = DEFAULT_LANGUAGE


def words(text: str) -> list[str]:
    """Upper-case ASCII words: accents dropped, punctuation as spaces, ``REF4821`` split into ``REF 4821``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    return _LETTERS_DIGITS.sub(" ", _NOT_WORD.sub(" ", plain)).split()


def parse_keyword(text: str) -> KeywordQuery:
    """Read the first word as a keyword (an optional leading ``CNSS`` is skipped); the rest is its argument."""
    tokens = words(text)
    if tokens[:1] == ["CNSS"]:
        tokens = tokens[1:]
    if not tokens or tokens[0] not in WORDS:
        return KeywordQuery(Keyword.UNKNOWN)
    keyword, language = WORDS[tokens[0]]
    rest = tokens[1:]
    argument = ""
    if keyword is Keyword.REFERENCE:
        digits = [token for token in rest if token.isdigit()]
        argument = "".join(digits or rest)
    elif keyword is Keyword.PENSION:
        argument = next((token for token in rest if token.isdigit()), " ".join(rest))
    return KeywordQuery(keyword, argument, language)


@dataclass(frozen=True, slots=True)
class KeywordReply:
    """The SMS to send back to the phone that asked, and the opt-out change the keyword makes.

    ``essential`` replies go even to a phone that opted out: every keyword is a request from that
    phone (STOP's confirmation included); only the help text sent for an unrecognised message is not.
    """

    recipient: str
    text: str
    essential: bool
    keyword: Keyword
    language: str = DEFAULT_LANGUAGE
    opt: OptChange = OptChange.NONE


class _Answer:
    """Words the reply of one query in its language."""

    def __init__(self, query: KeywordQuery, backend: Backend) -> None:
        self.query, self.backend, self.language = query, backend, query.language

    def say(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        return render(key, self.language, values)

    def balance(self, holders: PhoneHolders) -> str:
        blocks = []
        for employer in holders.employers:
            summary = self.backend.account_summary(employer.employer_number)
            blocks.append(self.say("sms.kw_employer_balance", {
                "holder": employer.company_name, "number": employer.employer_number,
                "balance": fmt.money(summary.balance), "overdue": fmt.money(summary.overdue),
                "surcharges": fmt.money(summary.surcharges_outstanding)}))
        for person in holders.insured_persons:
            account = self.backend.individual_account(person.insured_number)
            values: dict[str, Any] = {"holder": person.full_name, "number": person.insured_number,
                                      "months": account.insured_months}
            recent = account.pay_by_period()[:1]
            if recent:
                (period, pay), = recent
                blocks.append(self.say("sms.kw_insured_balance", {**values, "period": period.label,
                                                                  "pay": fmt.money(pay)}))
            else:
                blocks.append(self.say("sms.kw_insured_no_pay", values))
        return "\n".join(blocks)

    def reference(self, holders: PhoneHolders) -> str:
        if not holders.employers:
            return self.say("sms.kw_employer_only")
        if not self.query.argument:
            return self.say("sms.kw_ref_usage")
        try:
            code = parse_reference_code(self.query.argument)
        except InvalidPaymentReferenceError:
            return self.say("sms.kw_ref_invalid")
        try:
            view = self.backend.follow_reference(code)
        except PaymentReferenceNotFoundError:
            return self.say("sms.kw_ref_unknown")
        if view.reference.employer_number not in {e.employer_number for e in holders.employers}:
            return self.say("sms.kw_ref_unknown")  # another employer's reference: the same answer as unknown
        reference = view.reference
        status_key = "status.being_confirmed" if view.being_confirmed else REFERENCE_STATUS_KEYS[view.status.value]
        return self.say("sms.kw_ref_status", {
            "holder": view.company_name, "reference": display_reference(reference.code),
            "scope": reference.period.label if reference.period else self.say("pay.all_periods"),
            "amount": fmt.money(reference.amount), "status": self.say(status_key),
            "expires": fmt.day(self.backend.clock.local(reference.expires_at))})

    def requests(self, holders: PhoneHolders) -> str:
        accounts = [(HolderKind.EMPLOYER, e.employer_number, e.company_name) for e in holders.employers]
        accounts += [(HolderKind.INSURED, p.insured_number, p.full_name) for p in holders.insured_persons]
        blocks = []
        for kind, number, name in accounts:
            found = self.backend.requests_of(kind, number, REQUESTS_SHOWN)
            if not found:
                blocks.append(self.say("sms.kw_requests_none", {"holder": name, "number": number}))
                continue
            lines = [self.say("sms.kw_requests_head", {"holder": name, "number": number})]
            lines += [self.say("sms.kw_request_line", {
                "kind": self.say(KIND_KEYS[r.kind.value]), "tracking": r.tracking_number,
                "date": fmt.short_day(self.backend.clock.local(r.created_at)),
                "status": self.say(REQUEST_STATUS_KEYS[r.status.value])}) for r in found]
            blocks.append("\n".join(lines))
        return "\n".join(blocks)

    def pension(self, holders: PhoneHolders) -> str:
        if not holders.insured_persons:
            return self.say("sms.kw_insured_only")
        argument = self.query.argument
        if not (argument.isdigit() and MIN_AGE <= int(argument) <= MAX_AGE):
            return self.say("sms.kw_pension_usage", {"min": MIN_AGE, "max": MAX_AGE})
        blocks = []
        for person in holders.insured_persons:
            estimate = self.backend.simulate_own_pension(person.insured_number, int(argument))
            blocks.append(self.say("sms.kw_pension_head", {"holder": person.full_name}) + "\n"
                          + self.say(RESULT_SCREENS[estimate.outcome], estimate_values(estimate, self.language)))
        return "\n".join(blocks)


def reply_to(message: InboundSms, backend: Backend) -> KeywordReply | None:
    """The reply to an incoming SMS, for the phone that sent it; None when the sender is not a phone.

    STOP, START and AIDE work for any phone; the other keywords need an account registered on
    the phone (otherwise: how to register). Anything unrecognised gets the help text.
    """
    try:
        phone = Msisdn.parse(message.sender)
    except InvalidPhoneNumberError:
        return None
    query = parse_keyword(message.text)
    answer = _Answer(query, backend)

    def reply(text: str, *, essential: bool = True, opt: OptChange = OptChange.NONE) -> KeywordReply:
        return KeywordReply(phone.e164, text, essential, query.keyword, query.language, opt)

    if query.keyword is Keyword.STOP:
        return reply(answer.say("sms.kw_stop"), opt=OptChange.OUT)
    if query.keyword is Keyword.START:
        return reply(answer.say("sms.kw_start"), opt=OptChange.IN)
    if query.keyword is Keyword.HELP:
        return reply(answer.say("sms.kw_help", {"hotline": HOTLINE}))
    holders = backend.holders(phone)
    if not holders.is_registered:
        return reply(answer.say("sms.kw_register", {"hotline": HOTLINE}),
                     essential=query.keyword is not Keyword.UNKNOWN)
    if query.keyword is Keyword.BALANCE:
        return reply(answer.balance(holders))
    if query.keyword is Keyword.REFERENCE:
        return reply(answer.reference(holders))
    if query.keyword is Keyword.REQUESTS:
        return reply(answer.requests(holders))
    if query.keyword is Keyword.PENSION:
        return reply(answer.pension(holders))
    return reply(answer.say("sms.kw_help", {"hotline": HOTLINE}), essential=False)


def reply_key(message: InboundSms) -> str:
    """Idempotency key of the reply to one incoming message."""
    return f"reply:{message.provider_message_id}"


def answer_keyword(message: InboundSms, backend: Backend) -> KeywordReply | None:
    """Queue the reply to an incoming SMS, with its opt-out or opt-in, in one transaction.

    Safe to run again for a message the provider delivers twice: the reply's idempotency key
    ``reply:<provider message id>`` lets one reply (and one opt change) through. None when
    nothing was queued (a repeat, a sender that is not a phone, or one over its reply limit:
    then STOP and START still take effect, silently).
    """
    key = reply_key(message)
    with backend.uow_factory() as uow:
        if uow.outbox.get(key) is not None:
            return None
    try:
        phone = Msisdn.parse(message.sender)
    except InvalidPhoneNumberError:
        return None
    if not backend.limits.keyword_reply(phone):
        _opt_change_only(message, phone, backend)
        return None
    reply = reply_to(message, backend)
    if reply is None:
        return None
    now = backend.clock.now()
    with backend.uow_factory() as uow:
        if not uow.outbox.add(sms_message(reply.recipient, reply.text, PURPOSE, key, now, essential=reply.essential)):
            return None  # a concurrent repeat queued it first: leave without committing
        if reply.opt is OptChange.OUT:
            uow.opt_outs.opt_out(reply.recipient, now)
        elif reply.opt is OptChange.IN:
            uow.opt_outs.opt_in(reply.recipient)
        uow.commit()
    return reply


def _opt_change_only(message: InboundSms, phone: Msisdn, backend: Backend) -> None:
    """A sender over its reply limit: no reply, but STOP (or START) still changes its subscription."""
    keyword = parse_keyword(message.text).keyword
    logger.warning("SMS %s: keyword %s not answered, reply limit reached for msisdn=%s",
                   message.provider_message_id, keyword.value, phone.masked)
    if keyword not in (Keyword.STOP, Keyword.START):
        return
    with backend.uow_factory() as uow:
        if keyword is Keyword.STOP:
            uow.opt_outs.opt_out(phone.e164, backend.clock.now())
        else:
            uow.opt_outs.opt_in(phone.e164)
        uow.commit()
