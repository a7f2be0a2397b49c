"""What every provider's Flask blueprint does before and around its routes: the secret, and malformed requests."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Blueprint, abort, current_app, request

from gateway.base import MalformedRequestError

logger = logging.getLogger(__name__)
TEXT: Final = {"Content-Type": "text/plain; charset=utf-8"}
# (config, query arguments, payload fields) -> whether the request carries the provider's secret
Allowed = Callable[[Mapping[str, Any], Mapping[str, str], Mapping[str, Any]], bool]


def guard(blueprint: Blueprint, title: str, allowed: Allowed, before: Callable[[], None] | None = None) -> None:
    """Refuse every request of ``blueprint`` without the provider's secret (403), then run ``before``; answer a
    ``MalformedRequestError`` with a 400 naming the field at fault, in plain text."""
    def check_secret() -> None:
        if not allowed(current_app.config, request.args, {}):
            logger.warning("refused a %s callback on %s: wrong or missing secret", title, request.path)
            abort(403)
        if before is not None:
            before()

    def malformed(error: MalformedRequestError) -> tuple[str, int, dict[str, str]]:
        logger.warning("malformed %s callback on %s: %s", title, request.path, error.reason)
        return f"bad request: {error.reason}", 400, TEXT

    blueprint.before_request(check_secret)
    blueprint.register_error_handler(MalformedRequestError, malformed)
