"""Requests: the employer's "Demandes" menu, the claim form, "my requests" with status and note, activity history."""
from __future__ import annotations

from core.domain.activity import ActivityEntry
from core.domain.requests import CLAIM
from menus import format as fmt
from menus import forms
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Item, Menu, Option, Pick, Transition, Values
from menus.labels import activity_key, kind_key, status_key
from menus.screens.employer_requests import OPTIONS as EMPLOYER_REQUEST_OPTIONS
from menus.screens.quitus import check_quitus

QUITUS_OUTCOMES = ("quitus.eligible", "quitus.not_eligible")


def _requests(ctx: Ctx) -> list[Item]:
    found = ctx.call(ctx.backend.requests_of, ctx.holder_kind, ctx.holder_number)
    return [Item(r.tracking_number, {"tracking": r.tracking_number, "status": ctx.say(status_key(r.status.value))})
            for r in found]


def _detail(ctx: Ctx, tracking: str) -> Transition:
    found = ctx.call(ctx.backend.requests_of, ctx.holder_kind, ctx.holder_number)
    request = next(r for r in found if r.tracking_number == tracking)
    return Goto("requests.detail", {"request_view": {
        "tracking": request.tracking_number, "kind": ctx.say(kind_key(request.kind.value)),
        "status": ctx.say(status_key(request.status.value)), "date": fmt.short_day(ctx.local(request.created_at)),
        "note": " ".join(filter(None, (ctx.say("requests.late") if request.details.get("late") else "",
                                       request.note or "")))}})


def _activity_line(ctx: Ctx, entry: ActivityEntry) -> str:
    status = entry.details.get("status")
    return ctx.say(activity_key(entry.kind.value), {
        "date": fmt.short_day(ctx.local(entry.occurred_at)), "tracking": entry.details.get("tracking_number", ""),
        "status": ctx.say(status_key(status)) if status else ""})


def _activity(ctx: Ctx) -> Values:
    events = ctx.call(ctx.backend.activity_of, ctx.holder_kind, ctx.holder_number, 3)
    return {"count": len(events), **fmt.line_values([_activity_line(ctx, e) for e in events], 3)}


CLAIM_SCREENS = forms.form_screens(CLAIM)

SCREENS = (
    # The employer's requests; new kinds of request add their option here (keys 5 to 9 free).
    Menu("requests.employer", "requests.employer", (
        Option("1", "requests.quitus_option", check_quitus, leads_to=QUITUS_OUTCOMES),
        Option("2", "requests.claim_option", forms.start(CLAIM)),
        Option("3", "requests.list_option", Goto("requests.list")),
        Option("4", "requests.activity_option", Goto("activity.list")),
        *EMPLOYER_REQUEST_OPTIONS,
    )),
    *CLAIM_SCREENS,
    Pick("requests.list", "requests.list", _requests, "requests.line", _detail, leads_to=("requests.detail",),
         empty=End("requests.none"), page_size=3),
    Menu("requests.menu", "requests.menu", (
        Option("1", "requests.list_option", Goto("requests.list")),
        Option("2", "requests.activity_option", Goto("activity.list")),
        # The insured person's new requests (menus/screens/insured_requests.py).
        Option("3", "requests.benefits_option", Goto("insured.benefits")),
        Option("4", "requests.declarations_option", Goto("insured.declarations")),
    )),
    Menu("requests.detail", "requests.detail", load=lambda ctx: dict(ctx.data["request_view"])),
    Final("requests.none", "requests.none"),
    Menu("activity.list", "activity.list", load=_activity),
)
PROTECTED = ("requests.employer", *forms.protected(CLAIM), "requests.menu", "requests.list", "requests.detail",
             "activity.list")
