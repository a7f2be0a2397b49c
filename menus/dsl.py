"""Screens declared as data, and transitions as typed values."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from menus.context import Ctx

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Goto:
    """Move to a screen, keeping ``data``; ``reset`` forgets the back history (after login),
    ``history`` replaces it (resuming a dropped session), ``notice`` shows a line on top; ``form_done``:
    the form was submitted, nothing is left worth resuming after a drop."""

    screen: str
    data: Values = field(default_factory=dict)
    reset: bool = False
    notice: str | None = None
    history: tuple[str, ...] | None = None
    form_done: bool = False


@dataclass(frozen=True, slots=True)
class Stay:
    """Show the same screen again with an error line (counts as a failed attempt)."""

    error: str
    values: Values = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Back:
    """Return to the previous screen."""


@dataclass(frozen=True, slots=True)
class Home:
    """Return to the caller's main menu."""


@dataclass(frozen=True, slots=True)
class End:
    """Close the session on a final screen."""

    screen: str
    values: Values = field(default_factory=dict)


Transition = Union[Goto, Stay, Back, Home, End]
Action = Union[Transition, Callable[["Ctx"], Transition]]
Loader = Callable[["Ctx"], Values]


class InvalidInput(Exception):
    """Raised by a ``parse`` function: the text key of the error line, and its values."""

    def __init__(self, error: str, **values: Any) -> None:
        super().__init__(error)
        self.error = error
        self.values = values


@dataclass(frozen=True, slots=True)
class Option:
    """A numbered choice of a menu; ``leads_to`` declares where a callable action may go."""

    key: str
    label: str
    then: Action
    leads_to: tuple[str, ...] = ()
    when: Callable[[Ctx], bool] | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One row of a paginated list: the value kept, and the values of its line template."""

    value: str
    values: Values


@dataclass(frozen=True, slots=True)
class Menu:
    """A title (with loaded values) and numbered options; an info screen has no options.

    ``heads`` lists the notices (and, on prompts, the errors) that may show above the
    title, so the screen-budget check can count the longest of them.
    """

    id: str
    title: str
    options: tuple[Option, ...] = ()
    load: Loader | None = None
    back: bool = True
    heads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prompt:
    """Asks for typed input; ``parse`` returns a value or raises ``InvalidInput``.

    A ``secret`` prompt (PIN, code) is never answered from a dial string, and
    its input is never stored.
    """

    id: str
    title: str
    parse: Callable[[Ctx, str], Any]
    then: Callable[[Ctx, Any], Transition]
    leads_to: tuple[str, ...] = ()
    load: Loader | None = None
    back: bool = True
    secret: bool = False
    heads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pick:
    """A paginated list; ``item`` is the line template of each row."""

    id: str
    title: str
    items: Callable[[Ctx], Sequence[Item]]
    item: str
    then: Callable[[Ctx, str], Transition]
    leads_to: tuple[str, ...] = ()
    empty: End | None = None
    page_size: int = 4
    load: Loader | None = None
    back: bool = True
    heads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Final:
    """A closing message (END)."""

    id: str
    title: str


Screen = Union[Menu, Prompt, Pick, Final]

# Every menu and list may say this above itself.
CHOICE_ERROR = "common.invalid_choice"


def head_lines(screen: Screen) -> tuple[str, ...]:
    """Error and notice keys this screen may show above its title (declared in ``heads``)."""
    if isinstance(screen, Final):
        return ()
    implicit = (CHOICE_ERROR,) if isinstance(screen, (Menu, Pick)) else ()
    return implicit + screen.heads


def targets(screen: Screen) -> tuple[str, ...]:
    """Every screen id this screen may lead to, static or declared."""
    found: list[str] = []
    if isinstance(screen, Menu):
        for option in screen.options:
            found += _transition_targets(option.then) + list(option.leads_to)
    elif isinstance(screen, (Prompt, Pick)):
        found += list(screen.leads_to)
        if isinstance(screen, Pick) and screen.empty is not None:
            found.append(screen.empty.screen)
    return tuple(dict.fromkeys(found))


def _transition_targets(action: Action) -> list[str]:
    if isinstance(action, (Goto, End)):
        return [action.screen]
    return []
