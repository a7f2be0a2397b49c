"""My account: change PIN and language (both kinds of account holders)."""
from __future__ import annotations

from menus.context import Ctx
from menus.dsl import Goto, Menu, Option, Transition


def _change_pin(ctx: Ctx) -> Transition:
    ctx.state.pin_flow = "change"
    return Goto("auth.pin")


SCREENS = (
    Menu("settings.home", "settings.home", (
        Option("1", "settings.change_pin", _change_pin, leads_to=("auth.pin",)),
        Option("2", "settings.language_option", Goto("settings.language")),
    )),
)
PROTECTED = ("settings.home",)
