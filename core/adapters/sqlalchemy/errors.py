"""Translate database uniqueness violations into the core's ``DuplicateRecordError``."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from core.ports import DuplicateRecordError

P = ParamSpec("P")
R = TypeVar("R")


def duplicates_as_domain(write: Callable[P, R]) -> Callable[P, R]:
    """Decorate a repository write so a unique-constraint hit raises ``DuplicateRecordError``."""

    @wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return write(*args, **kwargs)
        except IntegrityError as exc:
            raise DuplicateRecordError(str(exc.orig)) from exc

    return wrapper
