"""The HTTP edge every route shares: request ids, provider network allow-list, and errors never as HTML pages."""
from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import traceback
from collections.abc import Callable, Sequence
from typing import Final

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import logs
from gateway.incidents import register_incident
from gateway.metrics import HTTP_ERROR, STORAGE_ERROR, count_error
from menus.hop import new_error_id

logger = logging.getLogger(__name__)
_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")
RETRY_AFTER_S: Final = "30"
# Callbacks whose callers are providers; the allow-list applies to them only.
PROVIDER_PREFIXES: Final = ("/gateway/",)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def install(app: Flask) -> None:
    """Wire the shared edge behaviour into ``app``."""
    proxies: int = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        # Only then is X-Forwarded-For believed, and only its last ``proxies`` hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    app.before_request(_open_request)
    app.after_request(_tag_response)
    app.teardown_request(_close_request)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SQLAlchemyError, _storage_unavailable)
    app.register_error_handler(OSError, _storage_unavailable)  # connection refused, reset, socket timeouts
    app.register_error_handler(TimeoutError, _storage_unavailable)  # a storage deadline overrun
    app.register_error_handler(Exception, _internal_error)


def request_id_for(given: str) -> str:
    """The request id of a request: the caller's ``X-Request-Id`` when it is a safe token, else a new one."""
    return given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)


def _open_request() -> Response | tuple[Response | str, int, dict[str, str]] | None:
    logs.request_id.set(request_id_for(request.headers.get("X-Request-Id", "")))
    logs.session_ref.set(None)
    networks: Sequence[Network] = current_app.config.get("AT_ALLOWED_NETWORKS") or ()
    if networks and request.path.startswith(PROVIDER_PREFIXES) and not caller_allowed(request.remote_addr, networks):
        logger.warning("refused a provider callback on %s from outside the allowed networks", request.path)
        return "forbidden", 403, {"Content-Type": "text/plain; charset=utf-8"}
    return None


def caller_allowed(address: str | None, networks: Sequence[Network]) -> bool:
    """True when ``address`` lies in one of ``networks`` (an unparseable address never does)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _tag_response(response: Response) -> Response:
    rid = logs.request_id.get()
    if rid:
        response.headers["X-Request-Id"] = rid
    return response


def _close_request(_error: BaseException | None) -> None:
    logs.request_id.set(None)
    logs.session_ref.set(None)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/readyz")


def _reply(status: int, error: str, detail: str, **extra: str) -> tuple[Response | str, int, dict[str, str]]:
    """The error answer in the caller's protocol: JSON under /api/ and for the probes, plain text elsewhere."""
    headers = {"Retry-After": RETRY_AFTER_S} if status == 503 else {}
    if _wants_json():
        return jsonify(error=error, detail=detail, **extra), status, headers
    return plain_text(detail, **extra), status, {"Content-Type": "text/plain; charset=utf-8", **headers}


def plain_text(detail: str, **extra: str) -> str:
    """An error's plain-text body for the providers: ``detail (name value, ...)``."""
    return f"{detail} ({', '.join(f'{k} {v}' for k, v in extra.items())})" if extra else detail


# Codes whose JSON name is part of a published contract (the bank API's OpenAPI document).
_ERROR_NAMES: Final = {413: "payload_too_large"}


def _http_error(error: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
    status = error.code or 500
    name = _ERROR_NAMES.get(status) or re.sub(r"[^a-z]+", "_", (error.name or "error").lower()).strip("_")
    return _reply(status, name, error.description or error.name or "error")


def _frames(error: BaseException) -> str:
    """The stack frames of an error, never its message: the text of a database or parsing error may quote
    the request's values (phone numbers, amounts, what was typed)."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


def _storage_unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    """Storage down or too slow: 503 with ``Retry-After`` (providers and banks retry), nothing half-written."""
    error_id = new_error_id()
    logger.error("storage unavailable on %s error_id=%s: %s", request.path, error_id, type(error).__name__)
    count_error(STORAGE_ERROR)
    register_incident(error_id, type(error).__name__)
    if _wants_json():
        return _reply(503, "unavailable", "not recorded; retry later", error_id=error_id)
    return _reply(503, "unavailable", f"temporarily unavailable, retry later (error {error_id})")


def report_unexpected(error: BaseException, where: str, register: Callable[[str, str], None]) -> str:
    """Log an unexpected error by its stack frames, count it, ``register(error_id, kind)`` it; its error id."""
    error_id = new_error_id()
    logger.error("unexpected %s on %s error_id=%s\n%s", type(error).__name__, where, error_id, _frames(error))
    count_error(HTTP_ERROR)
    register(error_id, type(error).__name__)
    return error_id


def _internal_error(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    if isinstance(error, OSError):
        return _storage_unavailable(error)
    error_id = report_unexpected(error, request.path, register_incident)
    return _reply(500, "internal_error", "internal error", error_id=error_id)
