"""The reply to an incoming SMS, queued once with its opt-out or opt-in, within the sender's reply limit."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.domain.errors import InvalidPhoneNumberError
from core.domain.inbound import InboundSms
from core.domain.msisdn import Msisdn
from core.ports import UnitOfWorkFactory
from core.services.sms_subscriptions import OptChange, change_subscription, queue_reply, reply_key, reply_queued
from gateway.sms_keywords.keyword import NO_HOLDERS, Asked, Keyword
from gateway.sms_keywords.parsing import parse_keyword
from menus.backend import ScreenBackend
from menus.pension_values import HOTLINE
from menus.texts import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)


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


def reply_to(message: InboundSms, backend: ScreenBackend) -> KeywordReply | None:
    """The reply to an incoming SMS, for the phone that sent it; None when the sender is not a phone.

    A keyword that needs an account answers only a phone registered to one (the others are told how
    to register); anything unrecognised gets the help text.
    """
    try:
        phone = Msisdn.parse(message.sender)
    except InvalidPhoneNumberError:
        return None
    query = parse_keyword(message.text)
    keyword = query.keyword
    holders = backend.holders(phone) if keyword.needs_account else NO_HOLDERS
    asked = Asked(query, phone, backend, holders)
    if keyword.needs_account and not holders.is_registered:
        text = asked.say("sms.kw_register", {"hotline": HOTLINE})
    else:
        text = keyword.answer(asked)
    return KeywordReply(phone.e164, text, keyword.essential, keyword, query.language, keyword.opt)


def answer_keyword(message: InboundSms, backend: ScreenBackend, uow_factory: UnitOfWorkFactory) -> KeywordReply | None:
    """Queue the reply to an incoming SMS, with its opt-out or opt-in, in one transaction.

    Safe to run again for a message the provider delivers twice: the reply's idempotency key
    ``reply:<provider message id>`` lets one reply (and one opt change) through. None when
    nothing was queued (a repeat, a sender that is not a phone, or one over its reply limit:
    then STOP and START still take effect, silently).
    """
    key = reply_key(message.provider_message_id)
    if reply_queued(key, uow=uow_factory()):
        return None
    try:
        phone = Msisdn.parse(message.sender)
    except InvalidPhoneNumberError:
        return None
    if not backend.limits.keyword_reply(phone):
        keyword = parse_keyword(message.text).keyword
        logger.warning("SMS %s: keyword %s not answered, reply limit reached for msisdn=%s",
                       message.provider_message_id, keyword.value, phone.masked)
        change_subscription(phone, keyword.opt, uow=uow_factory(), clock=backend.clock)
        return None
    reply = reply_to(message, backend)
    if reply is None:
        return None
    if not queue_reply(phone, reply.text, idempotency_key=key, essential=reply.essential, opt=reply.opt,
                       uow=uow_factory(), clock=backend.clock):
        return None  # a concurrent repeat queued it first
    return reply
