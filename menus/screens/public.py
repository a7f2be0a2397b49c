"""The public menu for unregistered phones: rates and deadlines, simulator, registration, hotline."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.domain.pension import PensionEstimate
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import Goto, InvalidInput, Menu, Option, Prompt, Transition, Values
from menus.pension_values import HOTLINE, estimate_values
from menus.pension_values import RESULT_SCREENS as RESULT_SCREENS
from menus.validators import amount, number_between


def _rates(ctx: Ctx) -> Values:
    rules = ctx.backend.rulebook
    today = ctx.backend.clock.today()
    rates = rules.contribution_rates.at(today)
    surcharge = rules.surcharges.at(today)
    employer = rates.family_benefits_bp + rates.occupational_risk_default_bp + rates.pension_employer_bp

    def pct(bp: int) -> str:
        return fmt.basis_points(bp, ctx.language)

    return {
        "employer_rate": pct(employer + rates.amu_employer_bp),
        "employee_rate": pct(rates.pension_employee_bp + rates.amu_employee_bp),
        "smig": fmt.money(rules.smig.at(today)), "due_day": surcharge.due_day,
        "flat": pct(surcharge.flat_bp), "monthly": pct(surcharge.monthly_bp),
    }


def show_estimate(ctx: Ctx, estimate: PensionEstimate) -> Transition:
    """Go to the result screen of an estimate's outcome."""
    return Goto(RESULT_SCREENS[estimate.outcome], {"estimate": estimate_values(estimate, ctx.language)})


def _estimate(ctx: Ctx) -> Values:
    return dict(ctx.data.get("estimate", {}))


def _typed_estimate(ctx: Ctx, pay: int) -> Transition:
    estimate = ctx.call(ctx.backend.simulate_typed_pension, ctx.data["sim_age"], ctx.data["sim_months"], pay,
                        ctx.data["sim_current_age"])
    return show_estimate(ctx, estimate)


AgesOf = Callable[[Ctx], range]


def age_bounds(ages_of: AgesOf) -> Callable[[Ctx], Values]:
    """Loader showing the first and last departure age offered (none already passed)."""

    def load(ctx: Ctx) -> Values:
        ages = ages_of(ctx)
        return {"min": ages[0], "max": ages[-1]}

    return load


def departure_age(ages_of: AgesOf) -> Callable[[Ctx, str], int]:
    """A departure age typed on the keypad, among the ages offered to this person."""

    def parse(ctx: Ctx, text: str) -> int:
        ages = ages_of(ctx)
        if not text.isascii() or not text.isdigit() or len(text) > 3 or int(text) not in ages:
            raise InvalidInput(NUMBER_ERROR, min=ages[0], max=ages[-1])
        return int(text)

    return parse


def _typed_ages(ctx: Ctx) -> range:
    return ctx.backend.typed_pension_ages(int(ctx.data["sim_current_age"]))


def set_language(language: str) -> Any:
    """An action switching the caller's language (remembered for the phone)."""

    def action(ctx: Ctx) -> Transition:
        ctx.state.language = language
        ctx.state.new_language = language
        return Goto(str(ctx.data.get("home", "public.home")), reset=True, notice="settings.language_set")

    return action


_RESULTS = tuple(sorted(RESULT_SCREENS.values()))
NUMBER_ERROR = "common.number_range"
HOME_NOTICES = ("auth.pin_set", "auth.pin_changed", "settings.language_set")
_HOMES = ("public.home", "employer.home", "insured.home")
CURRENT_AGES = range(15, 100)  # the age a caller of the public simulator may type

SCREENS = (
    Menu("public.home", "public.home", heads=HOME_NOTICES, options=(
        Option("1", "public.rates_option", Goto("public.rates")),
        Option("2", "public.simulator_option", Goto("sim.current_age")),
        Option("3", "enrol.option", Goto("enrol.menu")),
        Option("4", "public.contact_option", Goto("public.contact")),
        Option("5", "public.language_option", Goto("settings.language")),
    )),
    Menu("public.rates", "public.rates", (Option("1", "public.deadlines_option", Goto("public.deadlines")),),
         load=_rates),
    Menu("public.deadlines", "public.deadlines", load=_rates),
    Menu("public.register", "public.register", load=lambda ctx: {"hotline": HOTLINE}),
    Menu("public.contact", "public.contact", load=lambda ctx: {"hotline": HOTLINE}),
    Prompt("sim.current_age", "sim.current_age", number_between(CURRENT_AGES[0], CURRENT_AGES[-1]),
           lambda ctx, age: Goto("sim.age", {"sim_current_age": age}), leads_to=("sim.age",), heads=(NUMBER_ERROR,)),
    Prompt("sim.age", "sim.age", departure_age(_typed_ages), lambda ctx, age: Goto("sim.months", {"sim_age": age}),
           load=age_bounds(_typed_ages), leads_to=("sim.months",), heads=(NUMBER_ERROR,)),
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
