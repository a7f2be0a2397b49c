"""Claims (reclamations), "my requests" with details, and the activity history, for both account kinds."""
from __future__ import annotations

from core.domain.requests import ClaimCategory
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, Item, Menu, Option, Pick, Transition, Values

CATEGORY_KEYS = {category: f"claim.{category.value}" for category in ClaimCategory}
KIND_KEYS = {"quitus": "kind.quitus", "attestation": "kind.attestation", "claim": "kind.claim"}
STATUS_KEYS = {"received": "status.received", "in_progress": "status.in_progress", "ready": "status.ready",
               "rejected": "status.rejected", "closed": "status.closed"}
ACTIVITY_KEYS = {"declaration_filed": "activity.declaration_filed", "reference_issued": "activity.reference_issued",
                 "payment_received": "activity.payment_received", "request_filed": "activity.request_filed",
                 "pin_changed": "activity.pin_changed"}


def _categories(ctx: Ctx) -> list[Item]:
    return [Item(c.value, {"category": ctx.say(CATEGORY_KEYS[c])}) for c in ClaimCategory]


def _confirm_values(ctx: Ctx) -> Values:
    return {"category": ctx.say(CATEGORY_KEYS[ClaimCategory(ctx.data["claim_category"])])}


def _file(ctx: Ctx) -> Transition:
    request = ctx.call(ctx.backend.file_claim, ctx.holder_kind, ctx.holder_number,
                       ClaimCategory(ctx.data["claim_category"]))
    return End("claim.filed", {"tracking": request.tracking_number})


def _requests(ctx: Ctx) -> list[Item]:
    found = ctx.call(ctx.backend.requests_of, ctx.holder_kind, ctx.holder_number)
    return [Item(r.tracking_number, {"tracking": r.tracking_number, "status": ctx.say(STATUS_KEYS[r.status.value])})
            for r in found]


def _detail(ctx: Ctx, tracking: str) -> Transition:
    found = ctx.call(ctx.backend.requests_of, ctx.holder_kind, ctx.holder_number)
    request = next(r for r in found if r.tracking_number == tracking)
    return Goto("requests.detail", {"request_view": {
        "tracking": request.tracking_number, "kind": ctx.say(KIND_KEYS[request.kind.value]),
        "status": ctx.say(STATUS_KEYS[request.status.value]), "date": fmt.short_day(ctx.local(request.created_at))}})


def _activity(ctx: Ctx) -> Values:
    events = ctx.call(ctx.backend.activity_of, ctx.holder_kind, ctx.holder_number, 3)
    lines = [ctx.say(ACTIVITY_KEYS[e.kind.value], {"date": fmt.short_day(ctx.local(e.occurred_at))}) for e in events]
    return {"count": len(events), **fmt.line_values(lines, 3)}


SCREENS = (
    Pick("claim.category", "claim.category", _categories, "claim.category_line",
         lambda ctx, value: Goto("claim.confirm", {"claim_category": value}), leads_to=("claim.confirm",), page_size=3),
    Menu("claim.confirm", "claim.confirm", (
        Option("1", "common.confirm", _file, leads_to=("claim.filed",)),
    ), load=_confirm_values),
    Final("claim.filed", "claim.filed"),
    Pick("requests.list", "requests.list", _requests, "requests.line", _detail, leads_to=("requests.detail",),
         empty=End("requests.none"), page_size=3),
    Menu("requests.menu", "requests.menu", (
        Option("1", "requests.list_option", Goto("requests.list")),
        Option("2", "requests.activity_option", Goto("activity.list")),
    )),
    Menu("requests.detail", "requests.detail", load=lambda ctx: dict(ctx.data["request_view"])),
    Final("requests.none", "requests.none"),
    Menu("activity.list", "activity.list", load=_activity),
)
PROTECTED = ("claim.category", "claim.confirm", "requests.menu", "requests.list", "requests.detail", "activity.list")
