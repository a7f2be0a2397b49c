"""Enrolment before any account: domestic and small-business employers, voluntary and self-employed insurance."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from core.domain.parameters import VoluntaryRule
from core.domain.parties import HolderKind
from core.domain.requests import (
    BUSINESS_EMPLOYER,
    DOMESTIC_EMPLOYER,
    SELF_EMPLOYED,
    VOLUNTARY_INSURANCE,
    InvalidRequestDetailsError,
    RequestKind,
)
from core.domain.voluntary import EARLIEST_LEAVING, NotEligibleError, Rhythm, apply_by, check_income
from core.services.enrolment import quote
from menus import format as fmt
from menus import forms
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Item, Menu, Option, Pick, Prompt, Screen, Transition, Values
from menus.labels import kind_key, status_key
from menus.request_texts import CatalogueRequestWording

TOO_FEW_MONTHS, TOO_LATE = "enrol.too_few_months", "enrol.too_late"
FIELD_ERRORS = ("form.count_range", "form.date_format", "form.date_too_early", "form.date_too_late",
                "form.amount_range", forms.CHECK_AGAIN)


def _rule(ctx: Ctx) -> VoluntaryRule:
    return ctx.backend.rulebook.voluntary.at(ctx.backend.clock.today())


def _smig(ctx: Ctx) -> int:
    return ctx.backend.rulebook.smig.at(ctx.backend.clock.today())


def _step(kind: RequestKind, name: str) -> str:
    """The screen after field ``name``: the next field, or the confirmation."""
    names = [f.name for f in kind.fields]
    position = names.index(name) + 1
    return forms.screen_id(kind, names[position] if position < len(names) else "confirm")


def _keep(kind: RequestKind, name: str, ctx: Ctx, value: Any) -> Goto:
    return Goto(_step(kind, name), {forms.VALUES: {**ctx.data.get(forms.VALUES, {}), name: value}})


def _insured_months(ctx: Ctx, months: int) -> Transition:
    needed = _rule(ctx).min_insured_months
    if months < needed:
        return End(TOO_FEW_MONTHS, {"min": needed})
    return _keep(VOLUNTARY_INSURANCE, "insured_months", ctx, months)


def _leaving_day(ctx: Ctx, text: str) -> str:
    """The day the person left insured employment: in the past, not before 1960."""
    today = ctx.backend.clock.today()
    spec = replace(VOLUNTARY_INSURANCE.field("left_on"), past_days=(today - EARLIEST_LEAVING).days)
    return str(forms.parse(spec, text, today))


def _left_on(ctx: Ctx, left_on: str) -> Transition:
    rule = _rule(ctx)
    if ctx.backend.clock.today() > apply_by(date.fromisoformat(left_on), rule):
        return End(TOO_LATE, {"months": rule.months_to_apply})
    return _keep(VOLUNTARY_INSURANCE, "left_on", ctx, left_on)


def _income(kind: RequestKind) -> Callable[[Ctx, str], int]:
    def parse(ctx: Ctx, text: str) -> int:
        """A monthly income from the SMIG in force up to the typo bound; one error line for both."""
        rule, smig = _rule(ctx), _smig(ctx)
        try:
            income = int(forms.parse(kind.field("income"), text, ctx.backend.clock.today()))
            check_income(income, smig, rule)
        except (InvalidInput, NotEligibleError):
            raise InvalidInput("form.amount_range", low=fmt.money(smig), high=fmt.money(rule.max_income)) from None
        return income

    return parse


def _quote(kind: RequestKind) -> Callable[[Ctx], Values]:
    def load(ctx: Ctx) -> Values:
        values = ctx.data.get(forms.VALUES, {})
        contribution = quote(kind, int(values["income"]), Rhythm(values["rhythm"]), rulebook=ctx.backend.rulebook,
                             day=ctx.backend.clock.today())
        return {**forms.display_values(ctx.language, kind, values), "amount": fmt.money(contribution.amount),
                "rate": fmt.percent(contribution.rate, ctx.language)}

    return load


def _file(kind: RequestKind) -> Callable[[Ctx], Transition]:
    def file(ctx: Ctx) -> Transition:
        try:
            request = ctx.call(ctx.backend.file_enrolment, kind, dict(ctx.data.get(forms.VALUES, {})), ctx.msisdn,
                               CatalogueRequestWording(ctx.language))
        except InvalidRequestDetailsError as refused:
            return Goto(forms.screen_id(kind, refused.field), notice=forms.CHECK_AGAIN)
        except NotEligibleError as refused:
            rule = _rule(ctx)
            if refused.reason == "insured_months":
                return End(TOO_FEW_MONTHS, {"min": rule.min_insured_months})
            if refused.reason == "too_late":
                return End(TOO_LATE, {"months": rule.months_to_apply})
            field = "left_on" if refused.reason == "left_on" else "income"
            return Goto(forms.screen_id(kind, field), notice=forms.CHECK_AGAIN)
        return End(forms.screen_id(kind, "filed"), {"tracking": request.tracking_number})

    return file


def _confirm(kind: RequestKind, load: Callable[[Ctx], Values]) -> Menu:
    sid = forms.screen_id(kind, "confirm")
    fields = tuple(forms.screen_id(kind, f.name) for f in kind.fields)
    return Menu(sid, sid, (Option("1", "common.confirm", _file(kind),
                                  leads_to=(*fields, forms.screen_id(kind, "filed"), TOO_FEW_MONTHS, TOO_LATE)),),
                load=load)


def _prompt(kind: RequestKind, name: str, parse: Callable[[Ctx, str], Any], then: Callable[[Ctx, Any], Transition],
            *, ends: tuple[str, ...] = (), load: Callable[[Ctx], Values] | None = None) -> Prompt:
    sid = forms.screen_id(kind, name)
    return Prompt(sid, sid, parse, then, leads_to=(_step(kind, name), *ends), load=load, heads=FIELD_ERRORS)


def _with(kind: RequestKind, *own: Screen) -> tuple[Screen, ...]:
    """The kind's generic form screens, with ``own`` screens in place of those of the same id."""
    ids = {screen.id for screen in own}
    return (*(s for s in forms.form_screens(kind) if s.id not in ids), *own)


def _smig_value(ctx: Ctx) -> Values:
    return {"smig": fmt.money(_smig(ctx))}


def _insured_months_parse(ctx: Ctx, text: str) -> int:
    return int(forms.parse(VOLUNTARY_INSURANCE.field("insured_months"), text, ctx.backend.clock.today()))


def _income_prompt(kind: RequestKind) -> Prompt:
    return _prompt(kind, "income", _income(kind), lambda ctx, v: _keep(kind, "income", ctx, v), load=_smig_value)


def _requests(ctx: Ctx) -> list[Item]:
    found = ctx.call(ctx.backend.requests_of, HolderKind.PHONE, ctx.msisdn.e164)
    return [Item(r.tracking_number, {"tracking": r.tracking_number, "status": ctx.say(status_key(r.status.value))})
            for r in found]


def _detail(ctx: Ctx, tracking: str) -> Transition:
    found = ctx.call(ctx.backend.requests_of, HolderKind.PHONE, ctx.msisdn.e164)
    request = next(r for r in found if r.tracking_number == tracking)
    return Goto("enrol.request", {"request_view": {
        "tracking": request.tracking_number, "kind": ctx.say(kind_key(request.kind.value)),
        "status": ctx.say(status_key(request.status.value)), "date": fmt.short_day(ctx.local(request.created_at)),
        "note": request.note or ""}})


SCREENS = (
    Menu("enrol.menu", "enrol.menu", (
        Option("1", "enrol.domestic_option", forms.start(DOMESTIC_EMPLOYER)),
        Option("2", "enrol.business_option", forms.start(BUSINESS_EMPLOYER)),
        Option("3", "enrol.voluntary_option", forms.start(VOLUNTARY_INSURANCE)),
        Option("4", "enrol.self_employed_option", forms.start(SELF_EMPLOYED)),
        Option("5", "enrol.requests_option", Goto("enrol.requests")),
        Option("6", "enrol.register_option", Goto("public.register")),
    )),
    *forms.form_screens(DOMESTIC_EMPLOYER),
    *_with(BUSINESS_EMPLOYER, _confirm(BUSINESS_EMPLOYER,
                                       lambda ctx: forms.display_values(ctx.language, BUSINESS_EMPLOYER,
                                                                        ctx.data.get(forms.VALUES, {})))),
    *_with(VOLUNTARY_INSURANCE,
           _prompt(VOLUNTARY_INSURANCE, "insured_months", _insured_months_parse, _insured_months,
                   ends=(TOO_FEW_MONTHS,)),
           _prompt(VOLUNTARY_INSURANCE, "left_on", _leaving_day, _left_on, ends=(TOO_LATE,)),
           _income_prompt(VOLUNTARY_INSURANCE),
           _confirm(VOLUNTARY_INSURANCE, _quote(VOLUNTARY_INSURANCE))),
    *_with(SELF_EMPLOYED, _income_prompt(SELF_EMPLOYED), _confirm(SELF_EMPLOYED, _quote(SELF_EMPLOYED))),
    Final(TOO_FEW_MONTHS, TOO_FEW_MONTHS),
    Final(TOO_LATE, TOO_LATE),
    Pick("enrol.requests", "enrol.requests", _requests, "requests.line", _detail, leads_to=("enrol.request",),
         empty=End("requests.none"), page_size=3),
    Menu("enrol.request", "requests.detail", load=lambda ctx: dict(ctx.data["request_view"])),
)
