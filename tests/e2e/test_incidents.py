"""The error register: each error id a caller is shown can be looked up (what failed, where), best effort."""
from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from gateway.bank import api as bank_api
from gateway.incidents import EXTENSION, IncidentRegister
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.e2e import test_at_failures
from tests.e2e.test_at_failures import StatementFailure, failing
from tests.support.metrics import scrape, value

unreachable = test_at_failures.unreachable  # the app on a database that cannot be reached (a fixture)
EVENT = {"sessionId": "ATUid_incident", "status": "Success", "phoneNumber": EMPLOYER_PHONE, "input": "1234*1"}


def _register(app: Any) -> IncidentRegister:
    register = app.extensions[EXTENSION]
    assert isinstance(register, IncidentRegister)
    return register


def _post_event(client: Any) -> Any:
    return client.post("/gateway/at/ussd/events", data=urlencode(EVENT), content_type="application/x-www-form-urlencoded")


def test_a_storage_failure_is_registered_under_the_error_id_the_provider_was_given(gateway: Gateway) -> None:
    with failing(gateway.rt.engine, "INSERT INTO ussd_session_events"):
        response = _post_event(gateway.client)
    assert response.status_code == 503
    error_id = re.search(r"error ([0-9A-F]{8})", response.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    register = _register(gateway.app)
    register.flush()
    incident = register.by_id(error_id.lower())
    assert incident is not None
    assert (incident.error_id, incident.where, incident.kind) == (error_id, "/gateway/at/ussd/events",
                                                                  StatementFailure.__name__)
    assert incident.occurred_at == gateway.clock.now()
    assert [i.error_id for i in register.recent(10)] == [error_id]


def test_an_unexpected_error_is_registered_by_route_pattern_never_by_path(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_kwargs: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(bank_api, "notify_payment", broken)
    response = gateway.bank().post("/api/bank/v1/payments", {
        "reference": "311050152686", "amount": 1000, "currency": "XOF", "transaction_id": "IBB-X1",
        "paid_at": "2026-11-23T10:05:00Z"})
    assert response.status_code == 500 and response.json["error"] == "internal_error"
    register = _register(gateway.app)
    register.flush()
    incident = register.by_id(response.json["error_id"])
    assert incident is not None and (incident.where, incident.kind) == ("/api/bank/v1/payments", "KeyError")
    lookup = gateway.bank().get("/api/bank/v1/references/311050152686")
    assert lookup.status_code == 404  # a route with a value in its path...
    monkeypatch.setattr(bank_api, "follow_reference", broken)
    failed = gateway.bank().get("/api/bank/v1/references/311050152686")
    register.flush()
    recorded = register.by_id(failed.json["error_id"])
    assert recorded is not None and recorded.where == "/api/bank/v1/references/<reference>"  # ...kept as its pattern
    samples = scrape(gateway.client)
    assert value(samples, "cnss_errors_total", where="http") == 2
    assert value(samples, "cnss_payment_notifications_total", channel="bank", result="unavailable") == 1


def test_a_failed_hop_is_registered_under_the_error_id_the_caller_saw(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    with failing(gateway.rt.engine):
        screen = phone.send("2")
    error_id = re.search(r"Erreur ([0-9A-F]{8})", screen).group(1)  # type: ignore[union-attr]
    register = _register(gateway.app)
    register.flush()
    incident = register.by_id(error_id)
    assert incident is not None and incident.where == "account.summary" and incident.kind == StatementFailure.__name__


def test_when_the_database_is_down_the_answer_comes_and_the_error_id_stays_in_the_logs(
        unreachable: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        response = _post_event(unreachable.test_client())
        assert response.status_code == 503
        error_id = re.search(r"error ([0-9A-F]{8})", response.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        _register(unreachable).flush(timeout=10)
    assert f"incident error_id={error_id} not recorded" in caplog.text
    assert EMPLOYER_PHONE not in caplog.text
