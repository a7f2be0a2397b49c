"""The conversation engine: applies inputs to the session state and renders the current screen."""
from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from menus import nav, texts
from menus.context import Ctx
from menus.dsl import (
    Back,
    End,
    Final,
    Goto,
    Home,
    InvalidInput,
    Menu,
    Pick,
    Prompt,
    Screen,
    Stay,
    Transition,
    head_lines,
)
from menus.hop import Reply
from menus.registry import Registry
from menus.state import SessionState

logger = logging.getLogger(__name__)

MAX_SCREEN = 160


class ProgrammingError(Exception):
    """A screen led somewhere it did not declare (caught by the tests and menus-check)."""


@dataclass
class Engine:
    """Runs screens from a registry; pure apart from the backend calls screens make through ``Ctx``."""

    registry: Registry
    max_attempts: int = 3
    strict: bool = False

    def start(self, ctx: Ctx, entry: Transition, dialled: tuple[str, ...]) -> Reply:
        """Open a session on ``entry``, then follow a chained dial as far as no secret screen stops it."""
        ctx.state.pending_inputs = list(dialled)
        ended = self._go(ctx, entry, origin=None)
        return ended or self._drain(ctx)

    def advance(self, ctx: Ctx, typed: tuple[str, ...]) -> Reply:
        """Apply what the subscriber typed, then any dialled inputs still pending."""
        for text in typed:
            ended = self._input(ctx, text)
            if ended:
                return ended
        return self._drain(ctx)

    def _drain(self, ctx: Ctx) -> Reply:
        while ctx.state.pending_inputs:
            screen = self.registry[ctx.state.screen]
            if isinstance(screen, Prompt) and screen.secret:
                break  # a PIN or a code is never taken from the dial string
            ended = self._input(ctx, ctx.state.pending_inputs.pop(0))
            if ended:
                return ended
        return self.render(ctx)

    def _input(self, ctx: Ctx, text: str) -> Reply | None:
        state = ctx.state
        screen = self.registry[state.screen]
        text = text.strip()
        if text == nav.HOME and screen_has_back(screen) and state.screen != self.home_of(ctx):
            return self._go(ctx, Home(), origin=screen)
        if text == nav.BACK and screen_has_back(screen) and state.history:
            return self._go(ctx, Back(), origin=screen)
        if text == nav.MORE and isinstance(screen, Pick) and state.more:
            state.page += 1
            return None
        try:
            transition = self._dispatch(ctx, screen, text)
        except InvalidInput as invalid:
            transition = Stay(invalid.error, invalid.values)
        return self._go(ctx, transition, origin=screen)

    def _dispatch(self, ctx: Ctx, screen: Screen, text: str) -> Transition:
        if isinstance(screen, Menu):
            option = next((o for o in screen.options if o.key == text and (o.when is None or o.when(ctx))), None)
            if option is None:
                raise InvalidInput("common.invalid_choice")
            return option.then(ctx) if callable(option.then) else option.then
        if isinstance(screen, Prompt):
            return screen.then(ctx, screen.parse(ctx, text))
        if isinstance(screen, Pick):
            values = ctx.state.page_values
            if not text.isdigit() or not 1 <= int(text) <= len(values):
                raise InvalidInput("common.invalid_choice")
            return screen.then(ctx, values[int(text) - 1])
        raise ProgrammingError(f"input on final screen {screen.id}")

    def home_of(self, ctx: Ctx) -> str:
        """The caller's main menu."""
        return str(ctx.state.data.get("home", "public.home"))

    def _go(self, ctx: Ctx, transition: Transition, origin: Screen | None) -> Reply | None:
        state = ctx.state
        if origin is not None and isinstance(transition, (Goto, End)) and self.strict:
            declared = self.registry.targets_of(origin)
            if transition.screen not in declared and "*" not in declared:
                raise ProgrammingError(f"{origin.id} -> {transition.screen} is not declared")
        if isinstance(transition, Goto):
            if isinstance(origin, (Prompt, Pick)):
                state.form = True  # the subscriber has typed or picked something worth resuming
            if transition.history is not None:
                state.history = list(transition.history)
            elif transition.reset:
                state.history = []
            elif state.screen and state.screen != transition.screen and origin is not None:
                state.history.append(state.screen)
            state.data.update(transition.data)
            if transition.form_done:
                state.form = False
            self._enter(state, transition.screen, self.home_of(ctx))
            state.notice = transition.notice
            return None
        if isinstance(transition, Stay):
            state.attempts += 1
            if state.attempts >= self.max_attempts:
                return self.final(ctx, "common.too_many_errors", {})
            state.error = [transition.error, dict(transition.values)]
            return None
        if isinstance(transition, Back):
            self._enter(state, state.history.pop() if state.history else self.home_of(ctx), self.home_of(ctx))
            return None
        if isinstance(transition, Home):
            state.history = []
            self._enter(state, self.home_of(ctx), self.home_of(ctx))
            return None
        return self.final(ctx, transition.screen, transition.values)

    def _enter(self, state: SessionState, screen_id: str, home: str) -> None:
        if screen_id in self.registry.protected and not state.authenticated:
            raise ProgrammingError(f"{screen_id} needs an authenticated session")
        state.screen, state.page, state.attempts = screen_id, 0, 0
        state.error = None
        if screen_id == home:
            state.form = False

    def _check_head(self, screen: Screen, key: str) -> None:
        if self.strict and key not in head_lines(screen):
            raise ProgrammingError(f"{screen.id} shows undeclared line {key}")

    def final(self, ctx: Ctx, screen_id: str, values: Mapping[str, Any]) -> Reply:
        """Close the session on a final screen."""
        screen = self.registry[screen_id]
        if not isinstance(screen, Final):
            raise ProgrammingError(f"{screen_id} is not a final screen")
        ctx.state.screen = screen_id
        return Reply(_fit(ctx.say(screen.title, values)), True, screen_id)

    def render(self, ctx: Ctx) -> Reply:
        """The current screen with its error or notice line and navigation."""
        state = ctx.state
        screen = self.registry[state.screen]
        if isinstance(screen, Final):
            return self.final(ctx, screen.id, {})
        head: list[str] = []
        notice, error = state.notice, state.error
        state.notice = state.error = None
        for key, values in ((notice, {}), *(((error[0], error[1]),) if error else ())):
            if key:
                self._check_head(screen, key)
                head.append(ctx.say(key, values))
        values = dict(screen.load(ctx)) if screen.load else {}
        lines = [ctx.say(screen.title, values)]
        more = False
        if isinstance(screen, Menu):
            lines += [f"{o.key} {ctx.say(o.label, values)}" for o in screen.options if o.when is None or o.when(ctx)]
        elif isinstance(screen, Pick):
            items = list(screen.items(ctx))
            if not items and screen.empty is not None:
                return self.final(ctx, screen.empty.screen, screen.empty.values)
            page = items[state.page * screen.page_size:(state.page + 1) * screen.page_size]
            more = len(items) > (state.page + 1) * screen.page_size
            state.page_values = [item.value for item in page]
            state.more = more
            lines += [f"{i} {ctx.say(screen.item, item.values)}" for i, item in enumerate(page, start=1)]
        footer = self.nav_line(ctx, screen, more)
        text = "\n".join(head + lines + ([footer] if footer else []))
        return Reply(_fit(text), False, screen.id, error[0] if error else None)

    def nav_line(self, ctx: Ctx, screen: Screen, more: bool) -> str:
        """``98 Suite 0 Retour 00 Accueil`` as far as each applies."""
        back = screen_has_back(screen) and bool(ctx.state.history)
        home = screen_has_back(screen) and screen.id != self.home_of(ctx)
        return compose_nav(ctx.language, more=more, back=back, home=home)


@functools.cache  # eight lines per language
def compose_nav(language: str, *, more: bool, back: bool, home: bool) -> str:
    """The navigation line, shared by the engine and the screen-budget lint."""
    parts = [(more, nav.MORE, "nav.more"), (back, nav.BACK, "nav.back"), (home, nav.HOME, "nav.home")]
    return " ".join(f"{key} {texts.render(label, language)}" for shown, key, label in parts if shown)


def screen_has_back(screen: Screen) -> bool:
    """Whether the engine's back/home keys apply on this screen."""
    return not isinstance(screen, Final) and screen.back


def _fit(text: str) -> str:
    """Guard against a screen over budget at run time (the lint should make this dead)."""
    if len(text) > MAX_SCREEN:
        logger.error("screen over %s characters (%s); cut", MAX_SCREEN, len(text))
        return text[: MAX_SCREEN - 1] + "."
    return text
