"""Employer journey: monthly declaration for a small employer (period, head count, payroll, confirm)."""
from __future__ import annotations

from core.domain.contributions import ContributionAssessment
from core.domain.errors import DeclarationAlreadyFiledError, InvalidDeclarationError
from core.domain.periods import ContributionPeriod
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Menu, Option, Prompt, Transition, Values
from menus.validators import amount, month_year, number_between


def _period(ctx: Ctx, period: ContributionPeriod) -> Transition:
    if period in ctx.call(ctx.backend.declared_periods, ctx.holder_number):
        raise InvalidInput("decl.already_filed", period=period.label)
    if period > ContributionPeriod.containing(ctx.backend.clock.today()):
        raise InvalidInput("decl.future_period")
    return Goto("decl.head_count", {"decl_period": str(period)})


def _payroll(ctx: Ctx, payroll: int) -> Transition:
    try:
        assessment: ContributionAssessment = ctx.call(
            ctx.backend.preview_declaration, ctx.holder_number, ContributionPeriod.parse(ctx.data["decl_period"]),
            ctx.data["decl_head_count"], payroll)
    except InvalidDeclarationError as exc:
        raise InvalidInput("decl.invalid") from exc
    return Goto("decl.confirm", {"decl_payroll": payroll, "decl_amount": assessment.amount_due,
                                 "decl_cnss": assessment.cnss_amount, "decl_amu": assessment.amu_amount})


def _confirm_values(ctx: Ctx) -> Values:
    return {"period": ContributionPeriod.parse(ctx.data["decl_period"]).label,
            "head_count": ctx.data["decl_head_count"], "pay": fmt.money(ctx.data["decl_payroll"]),
            "amount": fmt.money(ctx.data["decl_amount"]), "cnss": fmt.money(ctx.data["decl_cnss"]),
            "amu": fmt.money(ctx.data["decl_amu"])}


def _record(ctx: Ctx) -> Transition:
    period = ContributionPeriod.parse(ctx.data["decl_period"])
    try:
        assessment = ctx.call(ctx.backend.file_declaration, ctx.holder_number, period, ctx.data["decl_head_count"],
                              ctx.data["decl_payroll"])
    except DeclarationAlreadyFiledError:
        return End("decl.duplicate", {"period": period.label})
    return End("decl.recorded", {"period": period.label, "amount": fmt.money(assessment.amount_due)})


SCREENS = (
    Prompt("decl.period", "decl.period", month_year, _period, leads_to=("decl.head_count",),
           heads=("decl.period_format", "decl.already_filed", "decl.future_period")),
    Prompt("decl.head_count", "decl.head_count", number_between(1, 99_999),
           lambda ctx, n: Goto("decl.payroll", {"decl_head_count": n}), leads_to=("decl.payroll",),
           heads=("common.number_range",)),
    Prompt("decl.payroll", "decl.payroll", amount(0, 999_999_999_999), _payroll, leads_to=("decl.confirm",),
           heads=("common.amount_range", "decl.invalid")),
    Menu("decl.confirm", "decl.confirm", (
        Option("1", "common.confirm", _record, leads_to=("decl.recorded", "decl.duplicate")),
    ), load=_confirm_values),
    Final("decl.recorded", "decl.recorded"),
    Final("decl.duplicate", "decl.duplicate"),
)
PROTECTED = ("decl.period", "decl.head_count", "decl.payroll", "decl.confirm")
