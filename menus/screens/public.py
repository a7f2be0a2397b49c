"""The public menu for unregistered phones: rates and deadlines, simulator, registration, hotline."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from core.domain.pension import PensionEstimate, PensionOutcome
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import Goto, Menu, Option, Prompt, Transition, Values
from menus.validators import amount, number_between

HOTLINE = "8323"
RESULT_SCREENS = {
    PensionOutcome.NORMAL_PENSION: "sim.result_pension",
    PensionOutcome.EARLY_PENSION: "sim.result_early",
    PensionOutcome.OLD_AGE_ALLOWANCE: "sim.result_allowance",
    PensionOutcome.NOT_YET_ELIGIBLE: "sim.result_not_yet",
    PensionOutcome.NOT_ELIGIBLE: "sim.result_none",
}
MIN_AGE, MAX_AGE = 55, 65


def _rates(ctx: Ctx) -> Values:
    rules = ctx.backend.rulebook
    today = ctx.backend.clock.today()
    rates = rules.contribution_rates.at(today)
    surcharge = rules.surcharges.at(today)
    employer = rates.family_benefits_bp + rates.occupational_risk_default_bp + rates.pension_employer_bp

    def pct(bp: int) -> str:
        return fmt.percent(Fraction(bp, 10_000), ctx.language)

    return {
        "employer_rate": pct(employer + rates.amu_employer_bp),
        "employee_rate": pct(rates.pension_employee_bp + rates.amu_employee_bp),
        "smig": fmt.money(rules.smig.at(today)), "due_day": surcharge.due_day,
        "flat": pct(surcharge.flat_bp), "monthly": pct(surcharge.monthly_bp),
    }


def estimate_values(estimate: PensionEstimate, language: str) -> dict[str, Any]:
    """Display values of an estimate, kept in the session for the result screen."""
    return {
        "age": estimate.departure_age, "months": estimate.insured_months, "pay": fmt.money(estimate.reference_pay),
        "amount": fmt.money(estimate.monthly_amount or 0), "lump": fmt.money(estimate.lump_sum or 0),
        "rate": fmt.percent(estimate.rate, language) if estimate.rate is not None else "",
        "reduction": fmt.percent(estimate.reduction, language), "min": estimate.earliest_age or "",
    }


def show_estimate(ctx: Ctx, estimate: PensionEstimate) -> Transition:
    """Go to the result screen of an estimate's outcome."""
    return Goto(RESULT_SCREENS[estimate.outcome], {"estimate": estimate_values(estimate, ctx.language)})


def _estimate(ctx: Ctx) -> Values:
    return dict(ctx.data.get("estimate", {}))


def _typed_estimate(ctx: Ctx, pay: int) -> Transition:
    estimate = ctx.call(ctx.backend.simulate_typed_pension, ctx.data["sim_age"], ctx.data["sim_months"], pay)
    return show_estimate(ctx, estimate)


def set_language(language: str) -> Any:
    """An action switching the caller's language (remembered for the phone)."""

    def action(ctx: Ctx) -> Transition:
        ctx.state.language = language
        ctx.data["_language"] = language
        return Goto(str(ctx.data.get("home", "public.home")), reset=True, notice="settings.language_set")

    return action


_RESULTS = tuple(sorted(RESULT_SCREENS.values()))
NUMBER_ERROR = "common.number_range"
HOME_NOTICES = ("auth.pin_set", "auth.pin_changed", "settings.language_set")
_HOMES = ("public.home", "employer.home", "insured.home")

SCREENS = (
    Menu("public.home", "public.home", heads=HOME_NOTICES, options=(
        Option("1", "public.rates_option", Goto("public.rates")),
        Option("2", "public.simulator_option", Goto("sim.age")),
        Option("3", "public.register_option", Goto("public.register")),
        Option("4", "public.contact_option", Goto("public.contact")),
        Option("5", "public.language_option", Goto("settings.language")),
    )),
    Menu("public.rates", "public.rates", (Option("1", "public.deadlines_option", Goto("public.deadlines")),),
         load=_rates),
    Menu("public.deadlines", "public.deadlines", load=_rates),
    Menu("public.register", "public.register", load=lambda ctx: {"hotline": HOTLINE}),
    Menu("public.contact", "public.contact", load=lambda ctx: {"hotline": HOTLINE}),
    Prompt("sim.age", "sim.age", number_between(MIN_AGE, MAX_AGE), lambda ctx, age: Goto("sim.months", {"sim_age": age}),
           load=lambda ctx: {"min": MIN_AGE, "max": MAX_AGE}, leads_to=("sim.months",), heads=(NUMBER_ERROR,)),
    Prompt("sim.months", "sim.months", number_between(0, 600), lambda ctx, m: Goto("sim.pay", {"sim_months": m}),
           leads_to=("sim.pay",), heads=(NUMBER_ERROR,)),
    Prompt("sim.pay", "sim.pay", amount(1, 100_000_000), _typed_estimate, leads_to=_RESULTS,
           heads=("common.amount_range",)),
    *(Menu(screen_id, screen_id, load=_estimate) for screen_id in _RESULTS),
    Menu("settings.language", "settings.language", (
        Option("1", "settings.french", set_language("fr"), leads_to=_HOMES),
        Option("2", "settings.english", set_language("en"), leads_to=_HOMES),
    )),
)
