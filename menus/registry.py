"""The registry of screens: lookup by id, declared edges, and the entry points."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from menus.dsl import Screen, targets


class Registry:
    """Screens by id; built once at start-up."""

    def __init__(self, screens: Iterable[Screen], roots: Iterable[str], protected: Iterable[str] = ()) -> None:
        self._screens: dict[str, Screen] = {}
        for screen in screens:
            if screen.id in self._screens:
                raise ValueError(f"screen {screen.id} declared twice")
            self._screens[screen.id] = screen
        self.roots = tuple(roots)
        self.protected = frozenset(protected)  # reachable only once the PIN is verified
        self._targets = {screen.id: frozenset(targets(screen)) for screen in self._screens.values()}

    def __getitem__(self, screen_id: str) -> Screen:
        return self._screens[screen_id]

    def __iter__(self) -> Iterator[Screen]:
        return iter(self._screens.values())

    def __contains__(self, screen_id: object) -> bool:
        return screen_id in self._screens

    def targets_of(self, screen: Screen) -> frozenset[str]:
        """Screens ``screen`` may lead to."""
        return self._targets[screen.id]
