"""Employer journey: a payment reference for the whole overdue balance or one period."""
from __future__ import annotations

from typing import Any

from core.domain.errors import NothingToPayError
from core.domain.payment_references import PaymentReference, display_reference
from core.domain.outbox import OutboundMessage, sms_message
from core.domain.periods import ContributionPeriod
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Item, Menu, Option, Pick, Transition, Values


def _scope(ctx: Ctx) -> Values:
    summary = ctx.view(ctx.backend.account_summary, ctx.holder_number)
    ctx.data["pay_periods"] = [
        {"period": str(p.period), "amount": p.outstanding, "contributions": p.principal_outstanding,
         "surcharges": p.surcharges_outstanding, "overdue": p.deadline < summary.as_of}
        for p in summary.unpaid_periods]
    return {"overdue": fmt.money(summary.overdue), "periods": len(summary.unpaid_periods)}


def _whole_balance(ctx: Ctx) -> Transition:
    overdue = [p for p in ctx.data["pay_periods"] if p["overdue"]]
    if not overdue:
        # Nothing late: the employer may still pay a period before its deadline.
        return Goto("pay.period") if ctx.data["pay_periods"] else End("pay.nothing_due")
    return Goto("pay.confirm", {
        "pay_scope": None, "pay_amount": sum(p["amount"] for p in overdue),
        "pay_breakdown": {"contributions": sum(p["contributions"] for p in overdue),
                          "surcharges": sum(p["surcharges"] for p in overdue)}})


def _period_items(ctx: Ctx) -> list[Item]:
    return [Item(p["period"], {"period": ContributionPeriod.parse(p["period"]).label, "amount": fmt.money(p["amount"])})
            for p in ctx.data.get("pay_periods", [])]


def _pick_period(ctx: Ctx, value: str) -> Transition:
    period = next(p for p in ctx.data["pay_periods"] if p["period"] == value)
    return Goto("pay.confirm", {"pay_scope": value, "pay_amount": period["amount"],
                                "pay_breakdown": {"contributions": period["contributions"],
                                                  "surcharges": period["surcharges"]}})


def _confirm_values(ctx: Ctx) -> Values:
    scope = ctx.data.get("pay_scope")
    return {"amount": fmt.money(ctx.data["pay_amount"]),
            "contributions": fmt.money(ctx.data["pay_breakdown"]["contributions"]),
            "surcharges": fmt.money(ctx.data["pay_breakdown"]["surcharges"]),
            "scope": ContributionPeriod.parse(scope).label if scope else ctx.say("pay.all_periods")}


def reference_values(ctx: Ctx, reference: PaymentReference) -> dict[str, Any]:
    """Display values of an issued reference."""
    return {"reference": display_reference(reference.code), "amount": fmt.money(reference.amount),
            "expires": fmt.day(ctx.local(reference.expires_at)), "company": ctx.data.get("holder_name", "")}


def _issue(ctx: Ctx) -> Transition:
    scope = ctx.data.get("pay_scope")
    period = ContributionPeriod.parse(scope) if scope else None

    def text_it(reference: PaymentReference) -> list[OutboundMessage]:
        # Queued with the reference itself: even if the hop outlives its deadline, the SMS goes.
        body = ctx.say("sms.reference_issued", reference_values(ctx, reference))
        return [sms_message(ctx.msisdn.e164, body, "payment_reference", f"reference:{reference.code}:{ctx.msisdn}",
                            ctx.backend.clock.now(), essential=True)]

    try:
        reference = ctx.call(ctx.backend.issue_reference, ctx.holder_number, period, text_it,
                             late=lambda _reference: None)
    except NothingToPayError:
        return End("pay.nothing_due")
    return End("pay.issued", reference_values(ctx, reference))


SCREENS = (
    Menu("pay.scope", "pay.scope", (
        Option("1", "pay.whole_balance", _whole_balance, leads_to=("pay.confirm", "pay.period", "pay.nothing_due")),
        Option("2", "pay.one_period", Goto("pay.period")),
    ), load=_scope),
    Pick("pay.period", "pay.period", _period_items, "pay.period_line", _pick_period, leads_to=("pay.confirm",),
         empty=End("pay.nothing_due"), page_size=3),
    Menu("pay.confirm", "pay.confirm", (
        Option("1", "common.confirm", _issue, leads_to=("pay.issued", "pay.nothing_due")),
    ), load=_confirm_values),
    Final("pay.issued", "pay.issued"),
    Final("pay.nothing_due", "pay.nothing_due"),
)
PROTECTED = ("pay.scope", "pay.period", "pay.confirm")
