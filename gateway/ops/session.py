"""The console's session cookie contents, CSRF tokens checked on every POST, and the security headers of /ops."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Final

from flask import abort, request, session
from werkzeug.wrappers import Response

from gateway.ops import blueprint

# staff id, session version, CSRF token, signed-in and last-seen instants (epoch seconds)
SESSION_KEYS: Final = ("staff", "v", "at", "seen")
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def ensure_csrf() -> str:
    """This session's CSRF token (made on first use; the hidden ``csrf_token`` field of every form)."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def new_session(staff_id: int, session_version: int, now: datetime) -> None:
    """Start a signed-in session: whatever the browser held before is dropped, and a new CSRF token made."""
    session.clear()
    session.permanent = True  # the cookie expires with PERMANENT_SESSION_LIFETIME
    session.update(staff=staff_id, v=session_version, at=now.timestamp(), seen=now.timestamp(),
                   csrf=secrets.token_urlsafe(32))


def session_is_fresh(now: datetime, lifetime: timedelta, idle: timedelta) -> bool:
    """False when the sign-in is older than ``lifetime`` or unused for ``idle``; otherwise marks it used now."""
    at, seen, instant = session.get("at"), session.get("seen"), now.timestamp()
    if not isinstance(at, (int, float)) or not isinstance(seen, (int, float)):
        return False
    if instant - at > lifetime.total_seconds() or instant - seen > idle.total_seconds():
        return False
    session["seen"] = instant
    return True


@blueprint.before_request
def _refuse_unprintable() -> None:
    """Console input is typed by staff: a NUL, another control character (line breaks and tabs aside) or a lone
    surrogate in the path, a query or a form is a 400, before any of it reaches the database (PostgreSQL
    refuses NUL in text, where SQLite would store it)."""
    fields = [request.path, *request.args.values()]
    if request.method in UNSAFE_METHODS:
        fields += request.form.values()
    if not all(value.translate(_LINE_BREAKS).isprintable() for value in fields):
        abort(400)


_LINE_BREAKS: Final = str.maketrans("", "", "\r\n\t")


@blueprint.before_request
def _check_csrf() -> None:
    """Every form posted under /ops carries the session's token (403 otherwise), compared in constant time."""
    if request.method not in UNSAFE_METHODS:
        return
    expected, given = session.get("csrf"), request.form.get("csrf_token", "")
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(403, "CSRF token missing or wrong / jeton CSRF absent ou faux")


@blueprint.after_request
def _security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response
