"""Signed-in console clients for page tests: ``signed_in_client(app, "viewer")`` (stable signature)."""
from __future__ import annotations

import dataclasses
import re
import secrets

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from core.domain.staff import StaffPasswordHasher, StaffRole
from core.services.staff import add_staff
from gateway.ops.auth import ops_settings
from gateway.runtime import Runtime

PASSWORD = "correct horse battery staple"  # 28 characters, over the 12-character minimum


FAST_HASHER = StaffPasswordHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # still argon2id


def fast_hashing(app: Flask) -> None:
    """Hash staff passwords cheaply in this app (tests sign in often; the production costs are the library's)."""
    app.extensions["ops"] = dataclasses.replace(ops_settings(app), hasher=FAST_HASHER)


def create_staff(app: Flask, role: str = "viewer", username: str | None = None, password: str = PASSWORD) -> str:
    """A new staff account with ``role``; its username (the app's staff hashing made cheap first)."""
    fast_hashing(app)
    rt: Runtime = app.extensions["cnss"]
    name = username or f"{role}-{secrets.token_hex(4)}"
    add_staff(name, password, StaffRole(role), uow=rt.uow_factory(), clock=rt.clock, hasher=ops_settings(app).hasher)
    return name


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's console session (the hidden field every form carries)."""
    with client.session_transaction("/ops/") as session:  # the cookie is scoped to /ops
        token = session.get("csrf")
    if not token:  # no session yet: the sign-in page starts one
        client.get("/ops/login")
        with client.session_transaction("/ops/") as session:  # the cookie is scoped to /ops
            token = session["csrf"]
    return str(token)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """Post the sign-in form (with its CSRF token); the page or redirect location answered."""
    page = client.get("/ops/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    response = client.post("/ops/login", data={"username": username, "password": password,
                                               "csrf_token": found.group(1)})
    return response.headers.get("Location") or response.get_data(as_text=True)


def signed_in_client(app: Flask, role: str = "viewer") -> FlaskClient:
    """A test client signed in to the console as a new staff member holding ``role`` (viewer, agent, admin)."""
    client = app.test_client()
    username = create_staff(app, role)
    landing = sign_in(client, username)
    assert landing.endswith("/ops/"), landing
    return client


def post_form(client: FlaskClient, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
    """POST a console form with the session's CSRF token; (status code, body or redirect location)."""
    response = client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)})
    return response.status_code, response.headers.get("Location") or response.get_data(as_text=True)
