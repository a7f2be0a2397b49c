"""QUITUS <number>: anyone (a procurement officer) checks a quitus social: employer, validity date, status."""
from __future__ import annotations

from collections.abc import Sequence

from core.services.quitus_verification import QuitusValidity
from gateway.sms_keywords.keyword import Asked, Keyword, joined
from menus.pension_values import HOTLINE

_TEXTS = {QuitusValidity.VALID: "sms.kw_quitus_valid", QuitusValidity.EXPIRED: "sms.kw_quitus_expired"}
_FILLERS = frozenset({"N", "NO", "NUM", "NUMERO", "NUMBER"})  # "QUITUS n° QS...", "QUITUS numero QS..."


def read_number(rest: Sequence[str]) -> str:
    """The words after the keyword glued, a leading "n°" or "numero" dropped (``n° QS 4821 3907`` -> ``QS48213907``)."""
    return joined(rest[1:] if rest[:1] and rest[0] in _FILLERS else rest)


def answer(asked: Asked) -> str:
    """Malformed, unknown and not-issued numbers all get the same "unknown" answer."""
    check = asked.backend.verify_quitus(asked.argument)
    if check.validity is QuitusValidity.UNKNOWN or check.valid_until is None:
        return asked.say("sms.kw_quitus_unknown", {"hotline": HOTLINE})
    return asked.say(_TEXTS[check.validity], {"tracking": check.quitus_number, "holder": check.employer_name,
                                              "expires": check.valid_until.strftime("%d/%m/%Y")})


KEYWORD = Keyword("quitus", answer, words=(("QUITUS", "fr"),), read_argument=read_number, needs_account=False)
