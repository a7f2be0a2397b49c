"""PENSION <age> / RETRAITE <age>: an indicative pension estimate from each insured person's own account."""
from __future__ import annotations

from collections.abc import Sequence

from gateway.sms_keywords.keyword import Asked, Keyword
from menus.pension_values import RESULT_SCREENS, estimate_values


def read_age(rest: Sequence[str]) -> str:
    """The first number after the keyword (``Pension à 62 ans`` -> ``62``); the words as typed when none."""
    return next((token for token in rest if token.isdigit()), " ".join(rest))


def answer(asked: Asked) -> str:
    """One estimate per insured person on the phone, at the age asked if that person may still leave at it.

    An age outside every person's departure ages (one already passed, or past the simulator's last)
    gets the usage line with the ages that can be asked.
    """
    persons = asked.holders.insured_persons
    if not persons:
        return asked.say("sms.kw_insured_only")
    ages = {person.insured_number: asked.backend.pension_ages(person.insured_number) for person in persons}
    argument = asked.argument
    age = int(argument) if argument.isdigit() and len(argument) <= 3 else None
    if age is None or not any(age in offered for offered in ages.values()):
        return asked.say("sms.kw_pension_usage", {"min": min(offered[0] for offered in ages.values()),
                                                  "max": max(offered[-1] for offered in ages.values())})
    blocks = []
    for person in persons:
        if age in ages[person.insured_number]:
            estimate = asked.backend.simulate_own_pension(person.insured_number, age)
            blocks.append(asked.say("sms.kw_pension_head", {"holder": person.full_name}) + "\n"
                          + asked.say(RESULT_SCREENS[estimate.outcome], estimate_values(estimate, asked.language)))
    return "\n".join(blocks)

KEYWORD = Keyword("pension", answer, words=(("PENSION", "fr"), ("RETRAITE", "fr")), read_argument=read_age)
