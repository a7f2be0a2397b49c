"""Insured-person journeys: individual account, own pension simulation, attestation request."""
from __future__ import annotations

from core.domain.individual_accounts import IndividualAccount
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Menu, Option, Prompt, Transition, Values
from menus.screens.public import HOME_NOTICES, MAX_AGE, MIN_AGE, NUMBER_ERROR, RESULT_SCREENS, show_estimate
from menus.validators import number_between


def _home(ctx: Ctx) -> Values:
    return {"name": ctx.data.get("holder_name", "")}


def _account(ctx: Ctx) -> Values:
    account: IndividualAccount = ctx.call(ctx.backend.individual_account, ctx.holder_number)
    recent = account.pay_by_period()[:2]
    lines = [ctx.say("insured.pay_line", {"period": p.label, "pay": fmt.money(pay)}) for p, pay in recent]
    return {"months": account.insured_months, "number": account.last_employer_number or "-",
            **fmt.line_values(lines, 2)}


def _simulate(ctx: Ctx, age: int) -> Transition:
    return show_estimate(ctx, ctx.call(ctx.backend.simulate_own_pension, ctx.holder_number, age))


def _attest(ctx: Ctx) -> Transition:
    request = ctx.call(ctx.backend.request_attestation, ctx.holder_number)
    return End("attestation.requested", {"tracking": request.tracking_number})


SCREENS = (
    Menu("insured.home", "insured.home", (
        Option("1", "insured.account_option", Goto("insured.account")),
        Option("2", "insured.simulator_option", Goto("sim.own_age")),
        Option("3", "insured.attestation_option", Goto("attestation.confirm")),
        Option("4", "insured.claim_option", Goto("claim.category")),
        Option("5", "insured.requests_option", Goto("requests.menu")),
        Option("6", "insured.settings_option", Goto("settings.home")),
    ), load=_home, back=False, heads=HOME_NOTICES),
    Menu("insured.account", "insured.account", load=_account),
    Prompt("sim.own_age", "sim.own_age", number_between(MIN_AGE, MAX_AGE), _simulate,
           load=lambda ctx: {"min": MIN_AGE, "max": MAX_AGE}, leads_to=tuple(sorted(RESULT_SCREENS.values())),
           heads=(NUMBER_ERROR,)),
    Menu("attestation.confirm", "attestation.confirm", (
        Option("1", "common.confirm", _attest, leads_to=("attestation.requested",)),
    )),
    Final("attestation.requested", "attestation.requested"),
)
PROTECTED = ("insured.home", "insured.account", "sim.own_age", "attestation.confirm")
