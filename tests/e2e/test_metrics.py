"""``/metrics`` after real journeys: hop latency per screen, sessions, refusals, lockouts, limits, outbox, payments."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from app import create_app
from core.adapters.sqlalchemy import tables as t
from core.domain.outbox import MessageStatus
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, STRANGER_PHONE, Gateway
from tests.e2e.test_at_failures import failing
from tests.support.metrics import scrape, value

HOPS = "cnss_ussd_hop_seconds"


def _dial_until_refused(gateway: Gateway, msisdn: str, dials: int) -> str:
    """Dial ``dials`` new sessions from one phone; the screen id of the last."""
    return [gateway.dial(msisdn) for _ in range(dials)][-1]


def test_a_day_of_journeys_shows_in_the_metrics(gateway: Gateway) -> None:
    employer = gateway.phone(EMPLOYER_PHONE)
    employer.dial()
    employer.send("1234")
    employer.send("9")  # no such option on the home menu
    assert employer.hop_label == "employer.home" and not employer.ended
    employer.walk("1", "1", "1")  # pay the overdue balance: a reference, texted too
    assert employer.ended
    paid_outcome = employer.hop_label
    insured = gateway.phone(INSURED_PHONE)
    insured.dial()
    insured.walk("0000", "1111", "2222")
    assert insured.ended and insured.hop_label == "auth.locked"
    assert _dial_until_refused(gateway, STRANGER_PHONE, 7) == "session.too_many"  # 6 a minute, the 7th refused
    refused = gateway.bank().post("/api/bank/v1/payments", {
        "reference": "311050152686", "amount": 1000, "currency": "XOF", "transaction_id": "IBB-M1",
        "paid_at": "2026-11-23T10:05:00Z"})
    assert refused.status_code == 404

    samples = scrape(gateway.client)
    # Latency per screen answered: every hop lands in the histogram, under 3 s here.
    assert value(samples, f"{HOPS}_count", screen="auth.pin") == 4  # two dials, two wrong PINs re-asked
    assert value(samples, f"{HOPS}_count", screen="employer.home") == 2  # after the PIN, then the refused "9"
    assert value(samples, f"{HOPS}_bucket", screen="employer.home", le="3.0") == 2
    assert 0 < value(samples, f"{HOPS}_sum", screen="auth.pin") < 4 * 3
    assert value(samples, "cnss_ussd_sessions_started_total", provider="at") == 9  # 1 + 1 + 7 dials
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome=paid_outcome) == 1
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome="auth.locked") == 1
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome="session.too_many") == 1
    assert value(samples, "cnss_ussd_invalid_inputs_total", screen="employer.home") == 1
    assert value(samples, "cnss_ussd_invalid_inputs_total", screen="auth.pin") == 2
    assert value(samples, "cnss_pin_lockouts_total") == 1
    assert value(samples, "cnss_rate_limited_total", limit="sessions") == 1
    assert value(samples, "cnss_payment_notifications_total", channel="bank", result="reference_not_found") == 1
    queued = gateway.count(t.outbound_messages, t.outbound_messages.c.status == MessageStatus.QUEUED.value,
                           t.outbound_messages.c.channel == "sms")
    assert queued >= 1  # the reference's SMS
    assert value(samples, "cnss_outbox_messages", channel="sms", status="queued") == queued
    assert value(samples, "cnss_outbox_messages", channel="sms", status="uncertain") == 0
    assert value(samples, "cnss_errors_total", where="ussd") == 0


def test_a_lock_found_at_the_next_dial_is_not_counted_as_a_new_lockout(gateway: Gateway) -> None:
    insured = gateway.phone(INSURED_PHONE)
    insured.dial()
    insured.walk("0000", "1111", "2222")
    again = gateway.phone(INSURED_PHONE)
    again.dial()
    assert again.ended and again.hop_label == "auth.locked"
    samples = scrape(gateway.client)
    assert value(samples, "cnss_pin_lockouts_total") == 1
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome="auth.locked") == 2


def test_failures_are_counted_by_where_they_were_answered(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    with failing(gateway.rt.engine):
        screen = phone.send("2")  # the engine's apology, with an error id
    assert phone.ended and re.search(r"Erreur [0-9A-F]{8}", screen)
    event = {"sessionId": "ATUid_m", "status": "Success", "phoneNumber": EMPLOYER_PHONE}
    with failing(gateway.rt.engine, "INSERT INTO ussd_session_events"):
        response = gateway.client.post("/gateway/at/ussd/events", data=urlencode(event),
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 503
    samples = scrape(gateway.client)
    assert value(samples, "cnss_errors_total", where="ussd") == 1
    assert value(samples, "cnss_errors_total", where="storage") == 1
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome="common.internal_error") == 1


def _app(tmp_path: Path, **settings: Any) -> Any:
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'gw.db'}", **settings})


def test_with_a_token_only_its_bearer_reads_the_metrics(tmp_path: Path) -> None:
    client = _app(tmp_path, METRICS_TOKEN="metrics-token-0123456789").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer metrics-token-wrong"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert "cnss_" not in wrong.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Basic metrics-token-0123456789"}).status_code == 401
    samples = scrape(client, Authorization="Bearer metrics-token-0123456789")
    assert ("cnss_pin_lockouts_total", ()) in samples


PRODUCTION = {"GATEWAY_ENV": "production", "AT_CALLBACK_KEY": "callback-key-0123456789",
              "GATEWAY_SECRET_KEY": "secret-key-0123456789", "PIN_PEPPER": "k1:pepper-0123456789abcdef",
              "REDIS_URL": "redis://127.0.0.1:1/0", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x",
              "BANK_API_ENABLED": "false", "DB_CONNECT_TIMEOUT": "1"}


@pytest.mark.parametrize("token", [None, "metrics-token-0123456789"], ids=["no-token", "token"])
def test_production_keeps_the_metrics_closed_without_the_token(token: str | None) -> None:
    app = create_app({**PRODUCTION, "METRICS_TOKEN": token})
    try:
        client = app.test_client()
        assert client.get("/metrics").status_code == (401 if token else 403)
        if token:  # the outbox gauge is left out while the database is down; the page still answers
            samples = scrape(client, Authorization=f"Bearer {token}")
            assert ("cnss_pin_lockouts_total", ()) in samples
            assert not any(name == "cnss_outbox_messages" for name, _labels in samples)
    finally:
        app.extensions["cnss"].engine.dispose()


def test_development_without_a_token_serves_the_metrics(tmp_path: Path) -> None:
    samples = scrape(_app(tmp_path).test_client())
    assert value(samples, "cnss_ussd_sessions_started_total", provider="at") == 0
