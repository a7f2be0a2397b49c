"""Employer journey: quitus social eligibility (with the reason when refused) and request."""
from __future__ import annotations

from core.domain.errors import QuitusNotEligibleError
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Menu, Option, Transition


def check_quitus(ctx: Ctx) -> Transition:
    """Route to the eligible or the not-eligible screen."""
    eligibility = ctx.call(ctx.backend.quitus_status, ctx.holder_number)
    if eligibility.eligible:
        return Goto("quitus.eligible")
    return Goto("quitus.not_eligible", {"quitus_view": {"overdue": fmt.money(eligibility.overdue_amount),
                                                        "periods": eligibility.unpaid_periods}})


def _request(ctx: Ctx) -> Transition:
    try:
        request = ctx.call(ctx.backend.request_quitus, ctx.holder_number)
    except QuitusNotEligibleError as refused:
        return End("quitus.refused", {"overdue": fmt.money(int(str(refused.data["overdue_amount"])))})
    return End("quitus.requested", {"tracking": request.tracking_number})


SCREENS = (
    Menu("quitus.eligible", "quitus.eligible", (
        Option("1", "quitus.request_option", _request, leads_to=("quitus.requested", "quitus.refused")),
    )),
    Menu("quitus.not_eligible", "quitus.not_eligible", (
        Option("1", "quitus.pay_option", Goto("pay.scope")),
    ), load=lambda ctx: dict(ctx.data["quitus_view"])),
    Final("quitus.requested", "quitus.requested"),
    Final("quitus.refused", "quitus.refused"),
)
PROTECTED = ("quitus.eligible", "quitus.not_eligible")
