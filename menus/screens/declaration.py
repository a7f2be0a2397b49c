"""Employer journey: monthly declaration, its entry (like last month, or an estimate at first) and its filing."""
from __future__ import annotations

from core.domain.contributions import ContributionAssessment
from core.domain.errors import DeclarationAlreadyFiledError, InvalidDeclarationError
from core.domain.periods import ContributionPeriod
from core.services.declarations import DeclarationStart
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Menu, Option, Prompt, Transition, Values
from menus.validators import amount, month_year, number_between


def _period(ctx: Ctx, period: ContributionPeriod) -> Transition:
    if period in ctx.call(ctx.backend.declared_periods, ctx.holder_number):
        raise InvalidInput("decl.already_filed", period=period.label)
    if period > ContributionPeriod.containing(ctx.backend.clock.today()):
        raise InvalidInput("decl.future_period")
    start: DeclarationStart = ctx.call(ctx.backend.declaration_start, ctx.holder_number)
    data = {"decl_period": str(period), "decl_page": 0, "decl_may_estimate": not start.has_declarations,
            "decl_workers": [{"n": w.insured_number, "name": w.name, "pay": w.gross_pay} for w in start.workers]}
    return Goto("decl.workers" if start.workers else "decl.first", data)


def _first_values(ctx: Ctx) -> Values:
    return {"period": ContributionPeriod.parse(ctx.data["decl_period"]).label}


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


def filed(ctx: Ctx, period: ContributionPeriod, assessment: ContributionAssessment, *, estimate: bool) -> Transition:
    """Text the filing (an estimate says so) and offer the payment reference of the period."""
    due_day = ctx.backend.rulebook.surcharges.at(ctx.backend.clock.today()).due_day
    values = {"period": period.label, "head_count": assessment.head_count, "pay": fmt.money(assessment.gross_payroll),
              "amount": fmt.money(assessment.amount_due),
              "date": period.payment_deadline(due_day).strftime("%d/%m")}
    ctx.sms("sms.decl_estimate" if estimate else "sms.decl_filed", values, purpose="declaration",
            idempotency_key=f"declaration:{ctx.holder_number}:{period}")
    # Filed: nothing left worth resuming after a drop, no way back to the form.
    return Goto("decl.filed_estimate" if estimate else "decl.filed", {"decl_filed": values}, reset=True,
                form_done=True)


def _record(ctx: Ctx) -> Transition:
    period = ContributionPeriod.parse(ctx.data["decl_period"])
    try:
        assessment = ctx.call(ctx.backend.file_declaration, ctx.holder_number, period, ctx.data["decl_head_count"],
                              ctx.data["decl_payroll"])
    except DeclarationAlreadyFiledError:
        return End("decl.duplicate", {"period": period.label})
    return filed(ctx, period, assessment, estimate=True)


def _offer_reference(ctx: Ctx) -> Transition:
    period = ContributionPeriod.parse(ctx.data["decl_period"])
    summary = ctx.view(ctx.backend.account_summary, ctx.holder_number)
    unpaid = next((p for p in summary.unpaid_periods if p.period == period), None)
    if unpaid is None:
        return End("pay.nothing_due")
    return Goto("pay.confirm", {"pay_scope": str(period), "pay_amount": unpaid.outstanding,
                                "pay_breakdown": {"contributions": unpaid.principal_outstanding,
                                                  "surcharges": unpaid.surcharges_outstanding}})


def _may_estimate(ctx: Ctx) -> bool:
    return bool(ctx.data.get("decl_may_estimate"))


FILED = ("decl.filed", "decl.filed_estimate")

SCREENS = (
    Prompt("decl.period", "decl.period", month_year, _period, leads_to=("decl.workers", "decl.first"),
           heads=("decl.period_format", "decl.already_filed", "decl.future_period")),
    Menu("decl.first", "decl.first", (
        Option("1", "decl.per_worker_option", Goto("decl.add_number")),
        Option("2", "decl.estimate_option", Goto("decl.head_count"), when=_may_estimate),
    ), load=_first_values),
    Prompt("decl.head_count", "decl.head_count", number_between(1, 999),
           lambda ctx, n: Goto("decl.payroll", {"decl_head_count": n}), leads_to=("decl.payroll",),
           heads=("common.number_range",)),
    Prompt("decl.payroll", "decl.payroll", amount(0, 999_999_999_999), _payroll, leads_to=("decl.confirm",),
           heads=("common.amount_range", "decl.invalid")),
    Menu("decl.confirm", "decl.confirm", (
        Option("1", "common.confirm", _record, leads_to=("decl.filed_estimate", "decl.duplicate")),
    ), load=_confirm_values),
    *(Menu(screen_id, screen_id, (
        Option("1", "decl.reference_option", _offer_reference, leads_to=("pay.confirm", "pay.nothing_due")),
    ), load=lambda ctx: dict(ctx.data["decl_filed"])) for screen_id in FILED),
    Final("decl.duplicate", "decl.duplicate"),
)
PROTECTED = ("decl.period", "decl.first", "decl.head_count", "decl.payroll", "decl.confirm", *FILED)
