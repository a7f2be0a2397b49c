"""START / DEMARRER: non-essential SMS to this phone again, for any phone."""
from __future__ import annotations

from core.services.sms_subscriptions import OptChange
from gateway.sms_keywords.keyword import Asked, Keyword


def answer(asked: Asked) -> str:
    """The confirmation."""
    return asked.say("sms.kw_start")


KEYWORD = Keyword("start", answer, words=(("START", "fr"), ("DEMARRER", "fr")), needs_account=False,
                  opt=OptChange.IN)
