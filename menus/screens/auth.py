"""Who is calling: account choice, PIN, lockout, first-use activation and PIN setting, resume."""
from __future__ import annotations

from datetime import datetime

from core.domain.errors import InvalidPinError
from core.domain.parties import HolderKind
from core.domain.pins import seal, sealed_matches, validate_new_pin
from core.services.credentials import CredentialStatus
from menus import format as fmt
from menus.caller_cache import caller_accounts
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Item, Menu, Option, Pick, Prompt, Transition
from menus.one_time_codes import CODE_DIGITS, CodeCheck, check_code, new_code
from menus.state import SessionState
from menus.validators import digits

HOMES = {HolderKind.EMPLOYER.value: "employer.home", HolderKind.INSURED.value: "insured.home"}
# Where choosing an account leads: its PIN, activation, or why neither.
ACCOUNT_CHOSEN = ("auth.pin", "auth.activation_code", "auth.locked", "auth.locked_day", "auth.blocked",
                  "auth.code_limited")


def entry(ctx: Ctx, checkpoint: SessionState | None) -> Transition:
    """First screen of a session: resume offer, account choice, PIN, or the public menu."""
    if checkpoint is not None and checkpoint.session_id != ctx.state.session_id:
        return Goto("session.resume")  # the checkpoint stays in the store (read again with each hop) while deciding
    return start_fresh(ctx)


def start_fresh(ctx: Ctx) -> Transition:
    """Look the phone up among registered employers and insured persons (cached for a minute per phone)."""
    accounts = caller_accounts(ctx)
    if not accounts:
        ctx.data["home"] = "public.home"
        return Goto("public.home", reset=True)
    ctx.data["accounts"] = accounts  # what the account choice shows; only a phone with several keeps it
    if len(accounts) == 1:
        chosen = choose_account(ctx, "0", ctx.caller_status)
        del ctx.data["accounts"]  # bound: no choice to come back to, nothing to keep in the session
        return chosen
    return Goto("auth.pick_account", reset=True)


def choose_account(ctx: Ctx, index: str, status: CredentialStatus | None = None) -> Transition:
    """Bind the session to one account, then ask its PIN (or activate it first).

    ``status``: the account's PIN state when it was read with the phone's accounts this hop.
    """
    account = ctx.data["accounts"][int(index)]
    ctx.state.holder_kind, ctx.state.holder_number = account["kind"], account["number"]
    ctx.data["holder_name"] = account["name"]
    ctx.data["home"] = HOMES[account["kind"]]
    if status is None:
        status = ctx.call(ctx.backend.credential_status, HolderKind(account["kind"]), account["number"])
    if status.blocked:
        return End("auth.blocked")
    if status.locked_until is not None:
        return _locked(ctx, status.locked_until)
    if not status.has_pin:
        if send_activation_code(ctx) or ctx.scratch.get_value(_activation_key(ctx)) is not None:
            return Goto("auth.activation_code")  # a code texted now, or one still valid from a moment ago
        return End("auth.code_limited")
    return Goto("auth.pin")


def _locked(ctx: Ctx, until: datetime) -> End:
    """The lock screen: the hour it ends, with the day when that is not today."""
    local_until = ctx.local(until)
    if local_until.date() == ctx.local(ctx.backend.clock.now()).date():
        return End("auth.locked", {"until": fmt.hour(local_until)})
    return End("auth.locked_day", {"expires": fmt.day(local_until), "until": fmt.hour(local_until)})


def _account_items(ctx: Ctx) -> list[Item]:
    return [Item(str(i), {"short_name": a["name"], "number": a["number"]})
            for i, a in enumerate(ctx.data["accounts"])]


def _check_pin(ctx: Ctx, pin: str) -> Transition:
    check = ctx.call(ctx.backend.check_pin, ctx.holder_kind, ctx.holder_number, pin)
    if check.blocked:
        return End("auth.blocked")
    if check.locked_until is not None:
        return _locked(ctx, check.locked_until)
    if not check.ok:
        raise InvalidInput("auth.pin_wrong", left=check.attempts_left)
    if ctx.state.pin_flow == "change":
        return Goto("auth.new_pin")
    ctx.state.authenticated = True
    return _after_login(ctx)


def _after_login(ctx: Ctx, notice: str | None = None) -> Transition:
    state = ctx.state
    if state.resume_screen is not None:
        screen, history, state.resume_screen, state.resume_history = state.resume_screen, state.resume_history, None, []
        return Goto(screen, history=tuple(history))
    return Goto(ctx.data["home"], reset=True, notice=notice)


def send_activation_code(ctx: Ctx) -> bool:
    """Text a one-time code to the registered phone; only its hash is kept, for 10 minutes.

    False, with nothing texted or stored, when the phone's activation SMS limit is reached
    (or the limiter is down: it fails closed).
    """
    if not ctx.backend.limits.activation_sms(ctx.msisdn):
        return False
    code = new_code(ctx, _activation_key(ctx))
    ctx.sms("sms.activation_code", {"code": code}, purpose="activation_code", essential=True)
    return True


def _activation_key(ctx: Ctx) -> str:
    return f"activation:{ctx.state.holder_kind}:{ctx.state.holder_number}"


def _check_activation(ctx: Ctx, code: str) -> Transition:
    check, _record = check_code(ctx, _activation_key(ctx), code)
    if check is CodeCheck.EXPIRED:
        return End("auth.code_expired")
    if check is CodeCheck.BLOCKED:
        return End("auth.code_blocked")
    ctx.state.pin_flow = "activation"
    return Goto("auth.new_pin")


def _new_pin(ctx: Ctx, pin: str) -> Transition:
    try:
        validate_new_pin(pin)
    except InvalidPinError as exc:
        raise InvalidInput("auth.pin_too_simple" if exc.data["reason"] == "too_simple" else "auth.pin_format") from exc
    ctx.state.pin_candidate = seal(ctx.backend.seal_key, pin)
    return Goto("auth.confirm_pin")


def _confirm_pin(ctx: Ctx, pin: str) -> Transition:
    candidate, ctx.state.pin_candidate = ctx.state.pin_candidate, None
    if not candidate or not sealed_matches(ctx.backend.seal_key, candidate, pin):
        return Goto("auth.new_pin", notice="auth.pin_mismatch")
    ctx.call(ctx.backend.set_pin, ctx.holder_kind, ctx.holder_number, pin)
    flow, ctx.state.pin_flow = ctx.state.pin_flow, None
    ctx.state.authenticated = True
    return _after_login(ctx, notice="auth.pin_changed" if flow == "change" else "auth.pin_set")


def _resume(ctx: Ctx) -> Transition:
    checkpoint = ctx.checkpoint
    if checkpoint is None:
        return start_fresh(ctx)  # the dropped form expired while the caller was deciding
    state = ctx.state
    state.holder_kind, state.holder_number = checkpoint.holder_kind, checkpoint.holder_number
    state.data.update(checkpoint.data)
    state.pin_flow, state.form = checkpoint.pin_flow, checkpoint.form
    if checkpoint.authenticated:
        # the PIN is asked again before the form comes back
        state.resume_screen, state.resume_history = checkpoint.screen, list(checkpoint.history)
        return Goto("auth.pin", reset=True)
    return Goto(checkpoint.screen, history=tuple(checkpoint.history))


SCREENS = (
    Menu("session.resume", "session.resume", (
        Option("1", "session.resume_yes", _resume, leads_to=("auth.pin", "*")),
        Option("2", "session.resume_no", start_fresh, leads_to=("public.home", "auth.pick_account", *ACCOUNT_CHOSEN)),
    ), back=False),
    Pick("auth.pick_account", "auth.pick_account", _account_items, "auth.account_line", choose_account,
         leads_to=ACCOUNT_CHOSEN, back=False, page_size=3),
    Prompt("auth.pin", "auth.pin", digits(4, "auth.pin_format"), _check_pin, secret=True, back=False,
           heads=("auth.pin_format", "auth.pin_wrong"),
           load=lambda ctx: {"name": ctx.data.get("holder_name", "")},
           leads_to=("employer.home", "insured.home", "auth.locked", "auth.locked_day", "auth.blocked", "auth.new_pin",
                     "*")),
    Prompt("auth.activation_code", "auth.activation_code", digits(CODE_DIGITS, "auth.code_format"),
           _check_activation, secret=True, back=False, load=lambda ctx: {"code_length": CODE_DIGITS},
           heads=("auth.code_format", "auth.code_wrong"),
           leads_to=("auth.new_pin", "auth.code_expired", "auth.code_blocked")),
    Prompt("auth.new_pin", "auth.new_pin", digits(4, "auth.pin_format"), _new_pin, secret=True, back=False,
           leads_to=("auth.confirm_pin",), heads=("auth.pin_format", "auth.pin_too_simple", "auth.pin_mismatch")),
    Prompt("auth.confirm_pin", "auth.confirm_pin", digits(4, "auth.pin_format"), _confirm_pin, secret=True,
           back=False, heads=("auth.pin_format",), leads_to=("auth.new_pin", "employer.home", "insured.home", "*")),
    Final("auth.locked", "auth.locked"),
    Final("auth.locked_day", "auth.locked_day"),
    Final("auth.blocked", "auth.blocked"),
    Final("auth.code_limited", "auth.code_limited"),
    Final("session.too_many", "session.too_many"),
    Final("auth.code_expired", "auth.code_expired"),
    Final("auth.code_blocked", "auth.code_blocked"),
)
