"""Engine rules that no transcript can reach: undeclared edges, protected screens, undeclared error lines."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.domain.msisdn import Msisdn
from menus.context import Ctx
from menus.dsl import Final, Goto, InvalidInput, Menu, Option, Prompt
from menus.engine import Engine, ProgrammingError
from menus.registry import Registry
from menus.state import SessionState
from menus.validators import digits


class _Scratch:
    def put_value(self, name: str, value: str, ttl: int) -> None: ...
    def get_value(self, name: str) -> str | None: return None
    def delete_value(self, name: str) -> None: ...


def _ctx(screen: str = "", authenticated: bool = False) -> Ctx:
    state = SessionState("s1", "+22890112233", screen, authenticated=authenticated)
    return Ctx(state, Msisdn("+22890112233"), None, ThreadPoolExecutor(1), 1e12, _Scratch())  # type: ignore[arg-type]


def _engine(*screens: Any, protected: tuple[str, ...] = ()) -> Engine:
    return Engine(Registry(screens, ("public.home",), protected), strict=True)


def test_an_undeclared_transition_is_a_programming_error_in_strict_mode() -> None:
    engine = _engine(Menu("public.home", "public.home", (Option("1", "common.confirm", lambda ctx: Goto("x.secret")),)),
                     Menu("x.secret", "public.home"))
    ctx = _ctx()
    engine.start(ctx, Goto("public.home"), ())
    with pytest.raises(ProgrammingError, match="not declared"):
        engine.advance(ctx, ("1",))


def test_a_protected_screen_cannot_be_entered_without_the_pin() -> None:
    engine = _engine(Menu("public.home", "public.home", (Option("1", "common.confirm", Goto("x.account")),)),
                     Menu("x.account", "public.home"), protected=("x.account",))
    ctx = _ctx()
    engine.start(ctx, Goto("public.home"), ())
    with pytest.raises(ProgrammingError, match="authenticated"):
        engine.advance(ctx, ("1",))
    ok = _ctx(authenticated=True)
    engine.start(ok, Goto("public.home"), ())
    assert engine.advance(ok, ("1",)).screen_id == "x.account"


def test_an_error_line_the_screen_did_not_declare_is_refused() -> None:
    def parse(ctx: Ctx, text: str) -> str:
        raise InvalidInput("ref.invalid")

    engine = _engine(Prompt("public.home", "public.home", parse, lambda ctx, v: Goto("public.home")))
    ctx = _ctx()
    engine.start(ctx, Goto("public.home"), ())
    with pytest.raises(ProgrammingError, match="undeclared line"):
        engine.advance(ctx, ("x",))


def test_home_and_back_keys_do_nothing_on_a_screen_without_navigation() -> None:
    engine = Engine(Registry([Prompt("auth.pin", "auth.new_pin", digits(4, "auth.pin_format"),
                                     lambda ctx, v: Goto("auth.pin"), back=False, heads=("auth.pin_format",)),
                              Final("common.too_many_errors", "common.too_many_errors")], ("auth.pin",)))
    ctx = _ctx()
    ctx.state.data["home"] = "employer.home"
    engine.start(ctx, Goto("auth.pin", {"holder_name": "X"}), ())
    reply = engine.advance(ctx, ("00",))
    assert ctx.state.screen == "auth.pin" and not reply.final, "00 must not skip the PIN"
    assert reply.text.startswith("Le PIN a 4 chiffres."), "it is just a wrong PIN format"
