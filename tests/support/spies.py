"""Calls to a real object's method, recorded while the real method still answers them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def calls_to(monkeypatch: pytest.MonkeyPatch, target: object, name: str,
             record: Callable[..., Any] = lambda *args: args) -> list[Any]:
    """The calls made to ``target.name`` from now on (``record(*args)`` of each), passed on to the real method."""
    real, seen = getattr(target, name), []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(record(*args))
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, spy)
    return seen
