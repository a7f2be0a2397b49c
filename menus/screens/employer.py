"""Employer home, contributor account (with statement by SMS) and following a reference."""
from __future__ import annotations

from core.domain.accounts import EntryKind
from core.domain.errors import InvalidPaymentReferenceError, PaymentReferenceNotFoundError
from core.domain.payment_references import display_reference, parse_reference_code
from core.services.accounts import AccountSummary
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Menu, Option, Prompt, Transition, Values
from menus.labels import reference_status_key
from menus.screens.public import HOME_NOTICES


def _home(ctx: Ctx) -> Values:
    return {"company": ctx.data.get("holder_name", "")}


def _summary(ctx: Ctx) -> Values:
    summary: AccountSummary = ctx.view(ctx.backend.account_summary, ctx.holder_number)
    return {"balance": fmt.money(summary.balance), "overdue": fmt.money(summary.overdue),
            "surcharges": fmt.money(summary.surcharges_outstanding)}


def _payments(ctx: Ctx) -> Values:
    summary: AccountSummary = ctx.view(ctx.backend.account_summary, ctx.holder_number)
    lines = [ctx.say("account.payment_line", {"date": p.value_date.strftime("%d/%m"), "amount": fmt.money(p.amount)})
             for p in summary.last_payments[:3]]
    return {"count": len(summary.last_payments), **fmt.line_values(lines, 3)}


def statement_text(ctx: Ctx, summary: AccountSummary) -> str:
    """The full statement as SMS text: one line per movement, newest first."""
    labels = {EntryKind.CONTRIBUTION_DUE: "sms.line_due", EntryKind.SURCHARGE: "sms.line_surcharge",
              EntryKind.PAYMENT: "sms.line_payment", EntryKind.WRITE_OFF: "sms.line_write_off"}
    head = ctx.say("sms.statement_head", {"company": ctx.data.get("holder_name", ""),
                                          "balance": fmt.money(summary.balance),
                                          "overdue": fmt.money(summary.overdue)})
    lines = [ctx.say(labels[e.kind], {"date": e.value_date.strftime("%d/%m"), "amount": fmt.money(e.amount),
                                      "period": e.period.label if e.period else ""})
             for e in summary.statement]
    return "\n".join([head, *lines])


def _send_statement(ctx: Ctx) -> Transition:
    summary = ctx.view(ctx.backend.account_summary, ctx.holder_number)
    ctx.backend.sms.send(ctx.msisdn, statement_text(ctx, summary), purpose="statement")
    return End("account.statement_sent")


def _follow(ctx: Ctx, code: str) -> Transition:
    try:
        view = ctx.call(ctx.backend.follow_reference, code)
    except PaymentReferenceNotFoundError as exc:
        raise InvalidInput("ref.not_found") from exc
    if view.reference.employer_number != ctx.holder_number:
        raise InvalidInput("ref.not_found")  # never show another employer's reference
    return Goto("ref.status", {"ref_view": {
        "reference": display_reference(view.reference.code), "amount": fmt.money(view.reference.amount),
        "status": ctx.say(reference_status_key(view.status.value, view.being_confirmed)),
        "expires": fmt.day(ctx.local(view.reference.expires_at)),
        "scope": view.reference.period.label if view.reference.period else ctx.say("pay.all_periods")}})


def _parse_reference(_ctx: Ctx, text: str) -> str:
    try:
        return parse_reference_code(text)
    except InvalidPaymentReferenceError as exc:
        raise InvalidInput("ref.invalid") from exc


SCREENS = (
    Menu("employer.home", "employer.home", (
        Option("1", "employer.pay_option", Goto("pay.scope")),
        Option("2", "employer.account_option", Goto("account.summary")),
        Option("3", "employer.follow_option", Goto("ref.enter")),
        Option("4", "employer.declare_option", Goto("decl.period")),
        Option("5", "employer.requests_option", Goto("requests.employer")),
        Option("6", "employer.settings_option", Goto("settings.home")),
    ), load=_home, back=False, heads=HOME_NOTICES),
    Menu("account.summary", "account.summary", (
        Option("1", "account.payments_option", Goto("account.payments")),
        Option("2", "account.statement_option", _send_statement, leads_to=("account.statement_sent",)),
    ), load=_summary),
    Menu("account.payments", "account.payments", load=_payments),
    Final("account.statement_sent", "account.statement_sent"),
    Prompt("ref.enter", "ref.enter", _parse_reference, _follow, leads_to=("ref.status",),
           heads=("ref.invalid", "ref.not_found")),
    Menu("ref.status", "ref.status", load=lambda ctx: dict(ctx.data["ref_view"])),
)
PROTECTED = ("employer.home", "account.summary", "account.payments", "ref.enter", "ref.status")
