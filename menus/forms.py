"""Request forms as screens: one screen per field of a request kind, a confirmation, then filing and its END.

A screen module declares a kind's screens with ``form_screens(KIND)`` and opens the form from a menu with
``Option(key, label, start(KIND))``. Screen ids and text keys, for a kind ``k`` with fields ``f1..fn``:

- ``k.f1`` .. ``k.fn``: one prompt per field (a numbered pick for a choice field; each choice ``c`` is
  labelled by the text ``k.c``, shown with ``form.choice_line``);
- ``k.confirm``: the summary, its placeholders named after the fields (display values: dates
  dd/mm/yyyy, amounts ``150 000 FCFA``, choices by label), and option ``common.confirm``;
- ``k.filed``: the END with ``{tracking}``; when the catalogue has no ``k.filed`` text it is
  ``form.filed_documents`` (with ``{documents}`` = the text ``documents.k``) or ``form.filed``.

Typed values are checked by the kind's own fields (``core.domain.requests.Field.check``), so the core
and the screens never disagree; an invalid value re-asks with its reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from core.domain.parties import HolderKind
from core.domain.requests import Field, FieldType, InvalidRequestDetailsError, RequestKind, ServiceRequest, Value
from menus import format as fmt
from menus import texts
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Item, Menu, Option, Pick, Prompt, Screen, Transition, Values
from menus.labels import documents_key

VALUES = "form_values"  # ctx.data key of the values typed so far, by field name
CHECK_AGAIN = "form.check_again"  # notice when the core refuses a value at filing (e.g. a date past midnight)
CHOICE_LINE = "form.choice_line"
CHOICES_PER_PAGE = 3
SKIP = "1"  # typed at an optional field's prompt to leave it out (no phone, date or amount is "1")
EndValues = Callable[[Ctx, ServiceRequest], Values]

# The error line of each field type (values: low, high, earliest, latest).
ERRORS: dict[FieldType, tuple[str, ...]] = {
    FieldType.TEXT: ("form.text_invalid",),
    FieldType.NAME: ("form.name_invalid",),
    FieldType.DATE: ("form.date_format", "form.date_too_early", "form.date_too_late"),
    FieldType.AMOUNT: ("form.amount_range",),
    FieldType.COUNT: ("form.count_range",),
    FieldType.CHOICE: (),
    FieldType.INSURED_NUMBER: ("form.insured_number_invalid",),
    FieldType.PHONE: ("form.phone_invalid",),
    FieldType.EMAIL: ("form.email_invalid",),
}


def screen_id(kind: RequestKind, name: str) -> str:
    """The id (and text key) of a field's screen, or of ``confirm``/``filed``."""
    return f"{kind.value}.{name}"


def first_screen(kind: RequestKind) -> str:
    """Where the form starts: its first field, or the confirmation when it has none."""
    return screen_id(kind, kind.fields[0].name if kind.fields else "confirm")


def start(kind: RequestKind) -> Goto:
    """The transition opening a fresh form (for a menu ``Option``)."""
    return Goto(first_screen(kind), {VALUES: {}})


def protected(kind: RequestKind) -> tuple[str, ...]:
    """Screen ids to list in a module's ``PROTECTED``: all of them unless a phone without account may file."""
    if HolderKind.PHONE in kind.filers:
        return ()
    return tuple(screen_id(kind, f.name) for f in kind.fields) + (screen_id(kind, "confirm"),)


def form_screens(kind: RequestKind, *, end_values: EndValues | None = None) -> tuple[Screen, ...]:
    """Every screen of ``kind``'s form; ``end_values`` adds values to the END screen."""
    steps = [screen_id(kind, f.name) for f in kind.fields] + [screen_id(kind, "confirm")]
    screens: list[Screen] = [_field_screen(kind, spec, steps[i + 1]) for i, spec in enumerate(kind.fields)]
    filed = screen_id(kind, "filed")
    screens.append(Menu(steps[-1], steps[-1], (
        Option("1", "common.confirm", _filer(kind, end_values), leads_to=tuple(steps[:-1]) + (filed,)),
    ), load=lambda ctx: confirm_values(ctx, kind)))
    screens.append(Final(filed, _filed_text(kind)))
    return tuple(screens)


def confirm_values(ctx: Ctx, kind: RequestKind) -> dict[str, str]:
    """The confirmation's values: the fields as shown, and what the kind derives from them (a deadline as
    dd/mm/yyyy, a flag as the text ``k.<name>`` when set, else blank)."""
    values = ctx.data.get(VALUES, {})
    shown = display_values(ctx.language, kind, values)
    shown.update({name: "" for name in kind.derived})
    if kind.derive is not None and all(f.name in values or f.optional for f in kind.fields):
        typed = {name: value for name, value in values.items() if value != ""}
        for name, value in kind.derive(typed, ctx.backend.clock.today()).items():
            if isinstance(value, bool):
                shown[name] = ctx.say(screen_id(kind, name)) if value else ""
            else:
                shown[name] = _day(date.fromisoformat(str(value))) if _ISO_DAY.match(str(value)) else str(value)
    return shown


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def display_values(language: str, kind: RequestKind, values: Mapping[str, Any]) -> dict[str, str]:
    """Each field's value as shown on screens and in SMS (blank when missing)."""
    return {spec.name: show(language, kind, spec, values.get(spec.name)) for spec in kind.fields}


def show(language: str, kind: RequestKind, spec: Field, value: Any) -> str:
    """One value as shown: dd/mm/yyyy, ``150 000 FCFA``, a choice's label, or as stored."""
    if value is None:
        return ""
    if spec.type is FieldType.DATE:
        return _day(date.fromisoformat(str(value)))
    if spec.type is FieldType.AMOUNT:
        return fmt.money(int(value))
    if spec.type is FieldType.CHOICE:
        return texts.render(screen_id(kind, str(value)), language)
    return str(value)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _filed_text(kind: RequestKind) -> str:
    own = screen_id(kind, "filed")
    if own in texts.CATALOGUES["fr"]:
        return own
    return "form.filed_documents" if documents_key(kind.value) in texts.CATALOGUES["fr"] else "form.filed"


def _field_screen(kind: RequestKind, spec: Field, following: str) -> Screen:
    sid = screen_id(kind, spec.name)

    def then(ctx: Ctx, value: Value) -> Transition:
        return Goto(following, {VALUES: {**ctx.data.get(VALUES, {}), spec.name: value}})

    if spec.type is FieldType.CHOICE:
        def items(ctx: Ctx) -> list[Item]:
            return [Item(c, {"choice": ctx.say(screen_id(kind, c))}) for c in spec.choices]

        return Pick(sid, sid, items, CHOICE_LINE, then, leads_to=(following,), page_size=CHOICES_PER_PAGE,
                    heads=(CHECK_AGAIN,))
    return Prompt(sid, sid, lambda ctx, text: parse(spec, text, ctx.backend.clock.today()), then,
                  leads_to=(following,), heads=(*ERRORS[spec.type], CHECK_AGAIN))


def parse(spec: Field, text: str, today: date) -> Value:
    """A value typed on the keypad, in its stored form; ``InvalidInput`` with the reason otherwise."""
    raw: object = text
    if spec.optional and text.strip() == SKIP:
        return ""
    if spec.type is FieldType.DATE:
        raw = _iso_day(text)
    elif spec.type in (FieldType.AMOUNT, FieldType.COUNT):
        digits = text.replace(" ", "")
        raw = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 12 else None
    try:
        return spec.check(raw, today)
    except InvalidRequestDetailsError as refused:
        raise _invalid(spec, refused.reason, today) from None


def _iso_day(text: str) -> str | None:
    """``15/03/1990``, ``15-03-1990``, ``15.03.1990`` or ``15031990`` as ``1990-03-15``; None otherwise."""
    digits = "".join(ch for ch in text if ch.isdigit())
    separated = text.strip().replace("-", "/").replace(".", "/").split("/")
    if len(separated) == 3 and all(p.isascii() and p.isdigit() for p in separated):
        day, month, year = separated
    elif len(digits) == 8 and digits == text.strip():
        day, month, year = digits[:2], digits[2:4], digits[4:]
    else:
        return None
    if len(year) != 4 or not 1 <= len(day) <= 2 or not 1 <= len(month) <= 2:
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _invalid(spec: Field, reason: str, today: date) -> InvalidInput:
    if spec.type is FieldType.DATE:
        key = {"too_early": "form.date_too_early", "too_late": "form.date_too_late"}.get(reason, "form.date_format")
        return InvalidInput(key, earliest=_day(today - timedelta(days=spec.past_days)),
                            latest=_day(today + timedelta(days=spec.future_days)))
    if spec.type is FieldType.AMOUNT:
        return InvalidInput("form.amount_range", low=fmt.money(spec.low), high=fmt.money(spec.high))
    return InvalidInput(ERRORS[spec.type][0], low=spec.low, high=spec.high)


def _holder(ctx: Ctx) -> tuple[HolderKind, str]:
    """Who files: the account logged in, or else the phone itself (a request before any account)."""
    if ctx.state.authenticated and ctx.state.holder_kind is not None:
        return ctx.holder_kind, ctx.holder_number
    return HolderKind.PHONE, ctx.msisdn.e164


def _filer(kind: RequestKind, end_values: EndValues | None) -> Callable[[Ctx], Transition]:
    def file(ctx: Ctx) -> Transition:
        holder_kind, holder_number = _holder(ctx)
        try:
            request = ctx.call(ctx.backend.file_request, kind, holder_kind, holder_number,
                               dict(ctx.data.get(VALUES, {})), ctx.msisdn)
        except InvalidRequestDetailsError as refused:
            if refused.field not in {f.name for f in kind.fields}:
                raise
            return Goto(screen_id(kind, refused.field), notice=CHECK_AGAIN)
        values: dict[str, Any] = {"tracking": request.tracking_number}
        if documents_key(kind.value) in texts.CATALOGUES["fr"]:
            values["documents"] = ctx.say(documents_key(kind.value))
        if end_values is not None:
            values.update(end_values(ctx, request))
        return End(screen_id(kind, "filed"), values)

    return file
