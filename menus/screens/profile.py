"""Profile change requests (phone, e-mail, address) for employers and insured persons; staff apply them.

A new phone is first confirmed by a one-time code texted to that phone: only the code's seal is kept,
in the session store, for 10 minutes and 3 tries, and the texts are rate-limited per phone like
activation codes.
"""
from __future__ import annotations

from core.domain.msisdn import Msisdn
from core.domain.requests import ADDRESS_CHANGE, EMAIL_CHANGE, PHONE_CHANGE
from core.domain.requests import Value
from menus import forms
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Menu, Option, Prompt, Transition
from menus.one_time_codes import CODE_DIGITS, CodeCheck, check_code, new_code
from menus.validators import digits

NEW_PHONE = PHONE_CHANGE.field("new_phone")
ASK_PHONE, CONFIRM_PHONE, FILED_PHONE = (forms.screen_id(PHONE_CHANGE, name)
                                         for name in ("new_phone", "confirm", "filed"))


def _code_key(ctx: Ctx) -> str:
    return f"phone_change:{ctx.state.holder_kind}:{ctx.state.holder_number}"


def _new_phone(ctx: Ctx, text: str) -> Value:
    phone = forms.parse(NEW_PHONE, text, ctx.backend.clock.today())
    if phone == ctx.msisdn.e164:
        raise InvalidInput("profile.same_phone")
    return phone


def _typed_phone(ctx: Ctx) -> str:
    return str(ctx.data.get(forms.VALUES, {}).get("new_phone", ""))


def _send_code(ctx: Ctx) -> Transition:
    """Text a one-time code to the new phone (never to the caller's); only its seal is kept."""
    phone = Msisdn(_typed_phone(ctx))
    if not ctx.backend.limits.activation_sms(phone):
        return End("profile.code_limited")
    code = new_code(ctx, _code_key(ctx), phone=phone.e164)
    ctx.backend.sms.send(phone, ctx.say("sms.profile_code", {"code": code}), purpose="phone_code", essential=True)
    return Goto("profile.phone_code")


def _check_code(ctx: Ctx, code: str) -> Transition:
    check, record = check_code(ctx, _code_key(ctx), code)
    if check is CodeCheck.EXPIRED:
        return End("profile.code_expired")
    if check is CodeCheck.BLOCKED:
        return End("profile.code_blocked")
    request = ctx.call(ctx.backend.file_request, PHONE_CHANGE, ctx.holder_kind, ctx.holder_number,
                       {"new_phone": record["phone"]}, ctx.msisdn)
    return End(FILED_PHONE, {"tracking": request.tracking_number})


def _then_confirm(_ctx: Ctx, phone: Value) -> Transition:
    return Goto(CONFIRM_PHONE, {forms.VALUES: {"new_phone": phone}})


SCREENS = (
    Menu("profile.home", "profile.home", (
        Option("1", "profile.phone_option", forms.start(PHONE_CHANGE)),
        Option("2", "profile.email_option", forms.start(EMAIL_CHANGE)),
        Option("3", "profile.address_option", forms.start(ADDRESS_CHANGE)),
    )),
    Prompt(ASK_PHONE, ASK_PHONE, _new_phone, _then_confirm, leads_to=(CONFIRM_PHONE,),
           heads=("form.phone_invalid", "profile.same_phone")),
    Menu(CONFIRM_PHONE, CONFIRM_PHONE, (
        Option("1", "profile.send_code_option", _send_code, leads_to=("profile.phone_code", "profile.code_limited")),
    ), load=lambda ctx: {"new_phone": _typed_phone(ctx)}),
    Prompt("profile.phone_code", "profile.phone_code", digits(CODE_DIGITS, "auth.code_format"), _check_code,
           secret=True, load=lambda ctx: {"code_length": CODE_DIGITS, "new_phone": _typed_phone(ctx)},
           heads=("auth.code_format", "auth.code_wrong"),
           leads_to=(FILED_PHONE, "profile.code_expired", "profile.code_blocked")),
    Final(FILED_PHONE, FILED_PHONE),
    Final("profile.code_expired", "profile.code_expired"),
    Final("profile.code_blocked", "profile.code_blocked"),
    Final("profile.code_limited", "profile.code_limited"),
    *forms.form_screens(EMAIL_CHANGE),
    *forms.form_screens(ADDRESS_CHANGE),
)
PROTECTED = ("profile.home", ASK_PHONE, CONFIRM_PHONE, "profile.phone_code", *forms.protected(EMAIL_CHANGE),
             *forms.protected(ADDRESS_CHANGE))
