"""Insured-person journeys: individual account, own pension simulation, attestation request."""
from __future__ import annotations

from core.domain.individual_accounts import IndividualAccount
from core.domain.requests import CLAIM
from menus import format as fmt
from menus import forms
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Menu, Option, Prompt, Transition, Values
from menus.screens.public import HOME_NOTICES, NUMBER_ERROR, RESULT_SCREENS, age_bounds, departure_age, show_estimate


def _home(ctx: Ctx) -> Values:
    return {"name": ctx.data.get("holder_name", "")}


def _account(ctx: Ctx) -> Values:
    account: IndividualAccount = ctx.call(ctx.backend.individual_account, ctx.holder_number)
    recent = account.pay_by_period()[:2]
    lines = [ctx.say("insured.pay_line", {"period": p.label, "pay": fmt.money(pay)}) for p, pay in recent]
    return {"months": account.insured_months,
            "company": account.last_employer_name or account.last_employer_number or "-",
            **fmt.line_values(lines, 2)}


def _own_ages(ctx: Ctx) -> range:
    return ctx.call(ctx.backend.pension_ages, ctx.holder_number)


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
        Option("4", "insured.claim_option", forms.start(CLAIM)),
        Option("5", "insured.requests_option", Goto("requests.menu")),
        Option("6", "insured.settings_option", Goto("settings.home")),
        Option("7", "insured.profile_option", Goto("profile.home")),
    ), load=_home, back=False, heads=HOME_NOTICES),
    Menu("insured.account", "insured.account", load=_account),
    Prompt("sim.own_age", "sim.own_age", departure_age(_own_ages), _simulate,
           load=age_bounds(_own_ages), leads_to=tuple(sorted(RESULT_SCREENS.values())),
           heads=(NUMBER_ERROR,)),
    Menu("attestation.confirm", "attestation.confirm", (
        Option("1", "common.confirm", _attest, leads_to=("attestation.requested",)),
    )),
    Final("attestation.requested", "attestation.requested"),
)
PROTECTED = ("insured.home", "insured.account", "sim.own_age", "attestation.confirm")
