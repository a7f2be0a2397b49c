"""Staff sign-in for the console: accounts, roles (viewer < agent < admin), session cookies, CSRF."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

ROLES = ("viewer", "agent", "admin")  # each role may do what the ones before it may
View = TypeVar("View", bound=Callable[..., Any])


def staff_required(role: str = "viewer") -> Callable[[View], View]:
    """Only signed-in staff holding ``role`` or a higher one reach the view (others: the sign-in page, or 403).

    Skeleton: the real check is being written; until then every request is refused.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            from flask import abort

            abort(403)

        return guarded  # type: ignore[return-value]

    return decorate
