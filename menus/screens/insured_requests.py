"""Insured persons' benefit requests (pensions, prenatal and maternity) and declarations (child, spouse, disease)."""
from __future__ import annotations

from core.domain.individual_accounts import IndividualAccount
from core.domain.requests import (
    CHILD_DECLARATION,
    INVALIDITY_PENSION,
    MATERNITY_ALLOWANCE,
    OCCUPATIONAL_DISEASE,
    OLD_AGE_PENSION,
    PRENATAL_ALLOWANCE,
    SPOUSE_DECLARATION,
)
from menus import forms
from menus.context import Ctx
from menus.dsl import Goto, Menu, Option, Transition, Values
from menus.labels import kind_key

BENEFITS = (OLD_AGE_PENSION, INVALIDITY_PENSION, PRENATAL_ALLOWANCE, MATERNITY_ALLOWANCE)
DECLARATIONS = (CHILD_DECLARATION, SPOUSE_DECLARATION, OCCUPATIONAL_DISEASE)
ENOUGH_MONTHS, FEW_MONTHS = "old_age_pension.enough_months", "old_age_pension.few_months"
_ACCOUNT = "pension_months"  # ctx.data key: months of insurance and the pension's minimum, as shown


def _pension_months(ctx: Ctx) -> Transition:
    """Months of insurance from the individual account against the pension's minimum: a hint, never a refusal."""
    account: IndividualAccount = ctx.call(ctx.backend.individual_account, ctx.holder_number)
    minimum = ctx.backend.rulebook.pensions.at(ctx.backend.clock.today()).min_months
    months = account.insured_months
    return Goto(ENOUGH_MONTHS if months >= minimum else FEW_MONTHS,
                {_ACCOUNT: {"months": months, "min": minimum}})


def _shown_months(ctx: Ctx) -> Values:
    return dict(ctx.data.get(_ACCOUNT, {}))


def _pension_hint(screen_id: str) -> Menu:
    return Menu(screen_id, screen_id, (Option("1", "insured.continue", forms.start(OLD_AGE_PENSION)),),
                load=_shown_months)


SCREENS = (
    Menu("insured.benefits", "insured.benefits", (
        Option("1", kind_key(OLD_AGE_PENSION.value), _pension_months, leads_to=(ENOUGH_MONTHS, FEW_MONTHS)),
        Option("2", kind_key(INVALIDITY_PENSION.value), forms.start(INVALIDITY_PENSION)),
        Option("3", kind_key(PRENATAL_ALLOWANCE.value), forms.start(PRENATAL_ALLOWANCE)),
        Option("4", kind_key(MATERNITY_ALLOWANCE.value), forms.start(MATERNITY_ALLOWANCE)),
    )),
    _pension_hint(ENOUGH_MONTHS),
    _pension_hint(FEW_MONTHS),
    Menu("insured.declarations", "insured.declarations", (
        Option("1", "insured.child_option", forms.start(CHILD_DECLARATION)),
        Option("2", "insured.spouse_option", forms.start(SPOUSE_DECLARATION)),
        Option("3", "insured.disease_option", forms.start(OCCUPATIONAL_DISEASE)),
    )),
    *(screen for kind in (*BENEFITS, *DECLARATIONS) for screen in forms.form_screens(kind)),
)
PROTECTED = ("insured.benefits", ENOUGH_MONTHS, FEW_MONTHS, "insured.declarations",
             *(screen_id for kind in (*BENEFITS, *DECLARATIONS) for screen_id in forms.protected(kind)))
