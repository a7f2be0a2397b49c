"""Storage failures on the Africa's Talking routes: SMS callbacks 503 (retried, nothing half-written), USSD an END apology."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app import create_app
from core.adapters.sqlalchemy import tables as t
from menus.memory_store import MemorySessionStore
from tests.conftest import REDIS_URL
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.clock import SettableClock
from tests.support.phone import UssdPhone
from tests.support.typed import shows_typed

EVENTS, INBOUND, DELIVERY = "/gateway/at/ussd/events", "/gateway/at/sms/inbound", "/gateway/at/sms/delivery"
CALLBACKS = [
    (EVENTS, {"sessionId": "ATUid_down", "status": "Success", "phoneNumber": EMPLOYER_PHONE, "input": "1234*1"}),
    (INBOUND, {"from": EMPLOYER_PHONE, "to": "8323", "text": "SOLDE", "id": "ATXid_in_down",
               "date": "2026-11-23 10:00:00", "networkCode": "61501"}),
    (DELIVERY, {"id": "ATXid_down", "status": "Success", "phoneNumber": EMPLOYER_PHONE}),
]


def _post(client: Any, path: str, form: dict[str, str]) -> Any:
    return client.post(path, data=urlencode(form), content_type="application/x-www-form-urlencoded")


@pytest.fixture(params=["sqlite-unopenable", pytest.param("postgresql-closed-port", marks=pytest.mark.redis)])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The app on a database that cannot be reached: a SQLite file in a missing directory, or a closed port."""
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    config: dict[str, object] = {"TESTING": True, "CLOCK": clock}
    if request.param == "sqlite-unopenable":
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing' / 'gateway.db'}"
        config["SESSION_STORE"] = MemorySessionStore()
    else:
        config["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/x"
        config["REDIS_URL"] = REDIS_URL
    app = create_app(config)
    yield app
    app.extensions["cnss"].engine.dispose()


@pytest.mark.parametrize(("path", "form"), CALLBACKS, ids=["event", "inbound", "delivery"])
def test_sms_and_event_callbacks_answer_503_in_plain_text_when_the_database_is_down(
        unreachable: Any, path: str, form: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        response = _post(unreachable.test_client(), path, form)
    assert response.status_code == 503 and response.content_type == "text/plain; charset=utf-8"
    assert response.headers["Retry-After"].isdigit() and "retry later" in response.get_data(as_text=True)
    assert EMPLOYER_PHONE not in caplog.text and not shows_typed("1234", caplog.text)


def test_a_ussd_hop_apologises_with_an_error_id_when_the_database_is_down(
        unreachable: Any, caplog: pytest.LogCaptureFixture) -> None:
    phone = UssdPhone(unreachable.test_client(), EMPLOYER_PHONE)
    with caplog.at_level(logging.ERROR):
        screen = phone.dial()
    assert phone.ended and screen.startswith("Désolé, service momentanément indisponible.")
    error_id = re.search(r"Erreur ([0-9A-F]{8})", screen).group(1)  # type: ignore[union-attr]
    assert error_id in caplog.text and EMPLOYER_PHONE not in caplog.text


class StatementFailure(sa.exc.OperationalError):
    """What a database that went away mid-request raises."""


@contextmanager
def failing(engine: Engine, statement_start: str = "") -> Iterator[None]:
    """Every statement starting with ``statement_start`` fails while inside (the others run)."""

    def fail(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise StatementFailure(statement[:40], None, ConnectionError("server closed the connection"))

    sa.event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail)


def test_a_database_failure_mid_hop_ends_with_an_apology_and_the_next_session_works(
        gateway: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    with failing(gateway.rt.engine), caplog.at_level(logging.ERROR):
        screen = phone.send("2")
    assert phone.ended and re.search(r"Erreur [0-9A-F]{8}", screen)
    assert EMPLOYER_PHONE not in caplog.text
    again = gateway.phone()
    again.dial()
    assert "93 437" in again.walk("1234", "2")


def test_an_incoming_sms_whose_reply_cannot_be_queued_is_answered_once_when_retried(gateway: Gateway) -> None:
    form = CALLBACKS[1][1]
    with failing(gateway.rt.engine, "INSERT INTO outbound_messages"):
        response = _post(gateway.client, INBOUND, form)
    assert (response.status_code, response.content_type) == (503, "text/plain; charset=utf-8")
    assert _post(gateway.client, INBOUND, form).status_code == 200  # the provider's retry
    assert _post(gateway.client, INBOUND, form).status_code == 200  # and a late duplicate
    assert gateway.count(t.inbound_messages) == 1
    replies = gateway.rows(t.outbound_messages, t.outbound_messages.c.purpose == "keyword_reply")
    assert len(replies) == 1 and "93 437" in replies[0].body


@pytest.mark.parametrize(("path", "form", "table", "statement"), [
    (EVENTS, CALLBACKS[0][1], t.ussd_session_events, "INSERT INTO ussd_session_events"),
    (DELIVERY, CALLBACKS[2][1], t.delivery_reports, "SELECT"),  # after the report's insert, in its transaction
], ids=["event", "delivery"])
def test_a_callback_failing_mid_transaction_stores_nothing_then_once_on_retry(
        gateway: Gateway, path: str, form: dict[str, str], table: sa.Table, statement: str) -> None:
    with failing(gateway.rt.engine, statement):
        assert _post(gateway.client, path, form).status_code == 503
    assert gateway.count(table) == 0
    assert _post(gateway.client, path, form).status_code == 200
    assert gateway.count(table) == 1
