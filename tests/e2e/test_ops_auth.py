"""The operations console's sign-in: redirects, one answer for every refusal, the lock, CSRF, revoked and idle
sessions, cookie flags and security headers, on both stacks."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from core.adapters.sqlalchemy import tables as t
from core.domain.staff import StaffRole
from core.services.staff import change_role, disable_staff
from gateway.ops.auth import REFUSED
from tests.e2e.conftest import Gateway
from tests.support.ops import PASSWORD, create_staff, csrf_token, post_form, sign_in, signed_in_client

PAGES = ["/ops/", "/ops/sms", "/ops/payments", "/ops/requests", "/ops/requests/RC00000001", "/ops/pins",
         "/ops/incidents", "/ops/staff"]
PRODUCTION_READY = {
    "GATEWAY_ENV": "production", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/cnss",
    "REDIS_URL": "redis://127.0.0.1:1/0", "AT_CALLBACK_KEY": "at-callback-key-0123",
    "GATEWAY_SECRET_KEY": "a-long-server-side-key-0123456789", "BANK_API_SECRET": "bank-secret",
    "PIN_PEPPER": "k1:a-long-pin-pepper-0123456789",
}


def _actions(gateway: Gateway, action: str) -> list[str]:
    return [row.target for row in gateway.rows(t.staff_actions, t.staff_actions.c.action == action)]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_sign_in_page(gateway: Gateway, path: str) -> None:
    response = gateway.client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ops/login?next={path}"
    filtered = gateway.client.get(path + "?status=failed").headers["Location"]
    assert filtered == f"/ops/login?next={path}?status%3Dfailed"  # the filters are kept for after the sign-in
    login = gateway.client.get(response.headers["Location"])
    assert login.status_code == 200 and "Connexion du personnel" in login.get_data(as_text=True)


def test_an_anonymous_post_with_a_valid_token_still_reaches_nothing(gateway: Gateway) -> None:
    status, where = post_form(gateway.client, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"})
    assert (status, where) == (302, "/ops/login")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(gateway: Gateway) -> None:
    name = create_staff(gateway.app, "agent")
    wrong = gateway.app.test_client()
    unknown = gateway.app.test_client()
    assert REFUSED in sign_in(wrong, name, "not the password at all")
    assert REFUSED in sign_in(unknown, "nobody-here", PASSWORD)
    for client in (wrong, unknown):
        assert client.get("/ops/").status_code == 302  # still not signed in
    assert _actions(gateway, "sign_in_refused") == [name]  # only a real account's refusal is recorded


def test_five_wrong_passwords_lock_the_account_for_longer_each_time(gateway: Gateway) -> None:
    name, client = create_staff(gateway.app, "viewer"), gateway.app.test_client()
    for _ in range(5):
        assert REFUSED in sign_in(client, name, "wrong password 123")
    assert REFUSED in sign_in(client, name)  # locked: even the right password is refused, with the same words
    gateway.clock.advance(minutes=16)
    assert REFUSED in sign_in(client, name, "wrong password 123")  # the sixth: locked for 30 minutes
    gateway.clock.advance(minutes=16)
    assert REFUSED in sign_in(client, name)
    gateway.clock.advance(minutes=15)
    assert sign_in(client, name).endswith("/ops/")
    [row] = gateway.rows(t.staff, t.staff.c.username == name)
    assert row.failed_signins == 0 and row.locked_until is None  # a right password clears the count


def test_a_form_without_the_csrf_token_is_refused(gateway: Gateway) -> None:
    client = signed_in_client(gateway.app, "agent")
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/ops/pins/unlock", data={"kind": "employer", "number": "1000001", **data})
        assert response.status_code == 403
    assert client.post("/ops/logout").status_code == 403
    assert client.get("/ops/").status_code == 200  # still signed in: the forged logout did nothing
    anonymous = gateway.app.test_client()
    assert anonymous.post("/ops/login", data={"username": "x", "password": PASSWORD}).status_code == 403
    assert _actions(gateway, "pin_unlocked") == []


def test_signing_in_rotates_the_session_and_its_token(gateway: Gateway) -> None:
    client = gateway.app.test_client()
    before = csrf_token(client)
    sign_in(client, create_staff(gateway.app, "viewer"))
    assert csrf_token(client) != before  # a token planted before the sign-in is worthless after it


def test_a_disabled_account_is_signed_out_at_once_and_a_new_role_applies_at_once(gateway: Gateway) -> None:
    rt = gateway.rt
    viewer = gateway.app.test_client()
    name = create_staff(gateway.app, "viewer")
    sign_in(viewer, name)
    assert post_form(viewer, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"})[0] == 403
    change_role(name, StaffRole.AGENT, uow=rt.uow_factory(), clock=rt.clock)
    assert post_form(viewer, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"})[0] == 302
    disable_staff(name, uow=rt.uow_factory(), clock=rt.clock)
    response = viewer.get("/ops/sms")
    assert response.status_code == 302 and response.headers["Location"].startswith("/ops/login")
    assert REFUSED in sign_in(gateway.app.test_client(), name)
    assert _actions(gateway, "staff_disabled") == [name]


def test_the_session_ends_after_30_idle_minutes_and_after_8_hours(gateway: Gateway) -> None:
    client = signed_in_client(gateway.app, "viewer")
    gateway.clock.advance(minutes=29)
    assert client.get("/ops/").status_code == 200
    gateway.clock.advance(minutes=31)
    assert client.get("/ops/").status_code == 302  # idle too long
    client = signed_in_client(gateway.app, "viewer")
    for _ in range(24):  # busy all day: a request every 20 minutes
        gateway.clock.advance(minutes=20)
        assert client.get("/ops/").status_code == 200
    gateway.clock.advance(minutes=20)
    assert client.get("/ops/").status_code == 302  # past 8 hours


def test_signing_out_ends_the_session_and_is_recorded(gateway: Gateway) -> None:
    client = signed_in_client(gateway.app, "viewer")
    status, where = post_form(client, "/ops/logout")
    assert (status, where) == (302, "/ops/login")
    assert client.get("/ops/").status_code == 302
    assert len(_actions(gateway, "signed_out")) == 1


def test_the_page_asked_for_is_shown_after_signing_in_but_never_another_site(gateway: Gateway) -> None:
    name = create_staff(gateway.app, "viewer")
    for asked, landing in (("/ops/sms?status=failed", "/ops/sms?status=failed"), ("//evil.example/ops/", "/ops/"),
                           ("https://evil.example/", "/ops/")):
        client = gateway.app.test_client()
        token = csrf_token(client)
        response = client.post("/ops/login", data={"username": name, "password": PASSWORD, "next": asked,
                                                   "csrf_token": token})
        assert response.headers["Location"] == landing


def test_console_pages_carry_the_security_headers(gateway: Gateway) -> None:
    client = signed_in_client(gateway.app, "viewer")
    for path in ("/ops/login", "/ops/", "/ops/sms"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"


def test_production_session_cookies_are_secure_http_only_strict_and_scoped_to_the_console() -> None:
    app = create_app(PRODUCTION_READY)
    cookie = app.test_client().get("/ops/login").headers["Set-Cookie"]
    assert cookie.startswith("cnss_ops=")
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/ops"):
        assert flag in cookie, cookie
    assert app.config["SECRET_KEY"] == PRODUCTION_READY["GATEWAY_SECRET_KEY"]
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600


def test_the_staff_tables_hold_hashes_not_passwords(gateway: Gateway) -> None:
    name = create_staff(gateway.app, "viewer")
    with gateway.rt.engine.connect() as connection:
        stored = connection.execute(sa.select(t.staff.c.password_hash).where(t.staff.c.username == name)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_only_the_console_reads_the_session_cookie(gateway: Gateway) -> None:
    client = signed_in_client(gateway.app, "viewer")
    with gateway.app.test_request_context("/gateway/at/ussd", method="POST"):
        from flask import session
        assert session.__class__.__name__ == "NullSession", "USSD hops pay for no cookie signature"
    assert client.get("/ops/").status_code == 200, "the console still signs in"
