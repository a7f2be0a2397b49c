"""Staff sign-in for the console: accounts, roles (viewer < agent < admin), session cookies, CSRF."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from werkzeug.wrappers import Response

from config import PRODUCTION
from core.domain.staff import SignInPolicy, StaffMember, StaffPasswordHasher, StaffRole
from core.services import staff as staff_service
from gateway.ops import blueprint
from gateway.ops.session import SESSION_KEYS, ensure_csrf, new_session, session_is_fresh
from gateway.runtime import runtime

ROLES = ("viewer", "agent", "admin")  # each role may do what the ones before it may
View = TypeVar("View", bound=Callable[..., Any])
REFUSED = "Identifiant ou mot de passe incorrect, ou compte verrouillé. / Wrong username or password, or locked."


@dataclass(frozen=True, slots=True)
class OpsSettings:
    """The console's password hasher, sign-in lock and session lengths (from the app's settings)."""

    hasher: StaffPasswordHasher
    policy: SignInPolicy
    lifetime: timedelta
    idle: timedelta


def ops_settings(app: Flask | None = None) -> OpsSettings:
    """The console settings of ``app`` (default: the current app)."""
    return (app or current_app).extensions["ops"]  # type: ignore[no-any-return]


class ConsoleOnlySessions(SecureCookieSessionInterface):
    """Signed cookie sessions for the console's paths only: every other request (USSD hops, bank calls) gets the
    null session, so it pays for no cookie signature check."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The console's session under /ops; the null session elsewhere."""
        if not request.path.startswith("/ops"):
            return self.make_null_session(app)
        return super().open_session(app, request)


@blueprint.record_once
def _configure(state: BlueprintSetupState) -> None:
    """Session cookie: signed with GATEWAY_SECRET_KEY, HTTP-only, SameSite=Strict, Secure in production, /ops only."""
    app, config = state.app, state.app.config
    if isinstance(app, Flask):
        app.session_interface = ConsoleOnlySessions()
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = config["GATEWAY_SECRET_KEY"]
    lifetime = timedelta(hours=config.get("OPS_SESSION_HOURS") or 8)
    config.update(SESSION_COOKIE_NAME="cnss_ops", SESSION_COOKIE_PATH="/ops", SESSION_COOKIE_HTTPONLY=True,
                  SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=config["GATEWAY_ENV"] == PRODUCTION,
                  PERMANENT_SESSION_LIFETIME=lifetime)
    app.extensions["ops"] = OpsSettings(config.get("STAFF_PASSWORD_HASHER") or StaffPasswordHasher(), SignInPolicy(),
                                        lifetime, timedelta(minutes=config.get("OPS_IDLE_MINUTES") or 30))


def current_staff() -> StaffMember | None:
    """The signed-in staff member of this request, reloaded from the database (disabled, role and version checked)."""
    if "ops_staff" in g:
        return g.ops_staff  # type: ignore[no-any-return]
    member = None
    settings, rt = ops_settings(), runtime()
    if "staff" in session and session_is_fresh(rt.clock.now(), settings.lifetime, settings.idle):
        member = staff_service.session_member(int(session["staff"]), int(session["v"]), uow=rt.uow_factory())
    if member is None:
        for key in SESSION_KEYS:
            session.pop(key, None)
    g.ops_staff = member
    return member


def may(role: str) -> bool:
    """True when the signed-in staff member holds ``role`` or a higher one (templates hide what they cannot do)."""
    member = current_staff()
    return member is not None and member.role.may(StaffRole(role))


def staff_required(role: str = "viewer") -> Callable[[View], View]:
    """Only signed-in staff holding ``role`` or a higher one reach the view (others: the sign-in page, or 403)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    needed = StaffRole(role)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            member = current_staff()
            if member is None:  # back to the page after signing in (a form's POST is not replayed)
                asked = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("ops.login", next=asked))
            if not member.role.may(needed):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


@blueprint.app_template_global("csrf_token")
def _csrf_token() -> str:
    return ensure_csrf()


@blueprint.context_processor
def _staff_context() -> dict[str, Any]:
    return {"staff": current_staff(), "may": may}


@blueprint.get("/login")
def login() -> str:
    """The sign-in form."""
    ensure_csrf()
    return render_template("ops/login.html", error=None, next=_safe_next(request.args.get("next")))


@blueprint.post("/login")
def login_post() -> Response | tuple[str, int]:
    """Check the password; on success a new session (new CSRF token) and back to the page asked for."""
    rt, settings = runtime(), ops_settings()
    member = staff_service.sign_in(request.form.get("username", "")[:64], request.form.get("password", ""),
                                   uow=rt.uow_factory(), clock=rt.clock, hasher=settings.hasher,
                                   policy=settings.policy)
    target = _safe_next(request.form.get("next"))
    if member is None or member.staff_id is None:
        return render_template("ops/login.html", error=REFUSED, next=target), 401
    new_session(member.staff_id, member.session_version, rt.clock.now())
    return redirect(target)


@blueprint.post("/logout")
def logout() -> Response:
    """End the session (the CSRF check has run: a third-party page cannot sign staff out)."""
    member = current_staff()
    if member is not None:
        rt = runtime()
        staff_service.sign_out(member, uow=rt.uow_factory(), clock=rt.clock)
    session.clear()
    return redirect(url_for("ops.login"))


def _safe_next(raw: str | None) -> str:
    """A page of the console to go back to; anything else (another site, ``//host``) is the home page."""
    parts = urlsplit(raw or "")
    if raw and raw.startswith("/ops/") and not parts.scheme and not parts.netloc and "\\" not in raw:
        return raw
    return url_for("ops.home")
