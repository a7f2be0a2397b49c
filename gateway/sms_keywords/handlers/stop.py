"""STOP / ARRET: no more non-essential SMS to this phone (receipts and codes still go), for any phone."""
from __future__ import annotations

from core.services.sms_subscriptions import OptChange
from gateway.sms_keywords.keyword import Asked, Keyword


def answer(asked: Asked) -> str:
    """The confirmation, itself essential so an opted-out phone gets it."""
    return asked.say("sms.kw_stop")


KEYWORD = Keyword("stop", answer, words=(("STOP", "fr"), ("ARRET", "fr"), ("ARRETER", "fr")), needs_account=False,
                  opt=OptChange.OUT)
