"""Incoming SMS and payment alerts: stored once, parsed by sender templates, never trusted unless configured."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import Gateway
from tests.e2e.test_at_failures import failing

INBOUND = "/gateway/at/sms/inbound"


def _sms(gateway: Gateway, text: str, sender: str = "IBBANK", message_id: str = "msg-1") -> int:
    form = {"from": sender, "to": "8323", "text": text, "id": message_id, "date": "2026-11-23 10:06:00",
            "linkId": "", "networkCode": "61501"}
    return gateway.client.post(INBOUND, data=urlencode(form),
                               content_type="application/x-www-form-urlencoded").status_code


def _reference(gateway: Gateway) -> str:
    phone = gateway.phone()
    phone.dial()
    final = phone.walk("1234", "1", "1", "1")
    return re.search(r"(\d{4} \d{4} \d{4})", final).group(1).replace(" ", "")  # type: ignore[union-attr]


def _alerts(gateway: Gateway) -> list[Any]:
    return gateway.rows(t.payment_alerts)


def _count(gateway: Gateway, table: sa.Table) -> int:
    return gateway.count(table)


def _status_seen_by_ussd(gateway: Gateway, reference: str) -> str:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "3", reference)
    return next(line for line in phone.screen.splitlines() if line.startswith("Statut"))


def test_an_sms_retried_by_the_provider_is_stored_once(gateway: Gateway) -> None:
    assert _sms(gateway, "SOLDE", sender="+22890112233") == 200
    assert _sms(gateway, "SOLDE", sender="+22890112233") == 200
    assert _count(gateway, t.inbound_messages) == 1


def test_a_malformed_incoming_sms_gets_400_with_the_reason(gateway: Gateway) -> None:
    response = gateway.client.post(INBOUND, data=urlencode({"to": "8323", "text": "x", "id": "1"}),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "missing field: from" in response.get_data(as_text=True)
    gateway.app.config["AT_CALLBACK_KEY"] = "k"
    assert _sms(gateway, "x", message_id="m9") == 403


def test_an_untrusted_alert_is_provisional_until_the_signed_notification_confirms_it(gateway: Gateway) -> None:
    reference = _reference(gateway)
    spaced = f"{reference[:4]} {reference[4:8]} {reference[8:]}"
    assert _sms(gateway, f"IB Bank: Credit de 93 437 FCFA sur compte CNSS. Ref {spaced}. Trx IBB-777. Merci") == 200
    (alert,) = _alerts(gateway)
    assert (alert.status, alert.amount, alert.reference, alert.transaction_id) == (
        "provisional", 93_437, reference, "IBB-777")
    assert _status_seen_by_ussd(gateway, reference) == "Statut: à confirmer"
    with gateway.rt.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.payments).where(
            t.payments.c.reference == reference)).scalar_one() == 0, "an alert alone credits nothing"
    notice = {"reference": reference, "amount": 93_437, "currency": "XOF", "transaction_id": "IBB-777",
              "paid_at": "2026-11-23T10:05:00Z"}
    assert gateway.bank().post("/api/bank/v1/payments", notice).status_code == 201
    (alert,) = _alerts(gateway)
    assert alert.status == "confirmed" and alert.payment_id is not None
    assert _status_seen_by_ussd(gateway, reference) == "Statut: payée"


def test_spoofed_unparseable_and_mismatched_alerts_never_credit(gateway: Gateway) -> None:
    reference = _reference(gateway)
    text = f"IB Bank: Credit de 93 437 FCFA. Ref {reference}. Trx IBB-1"
    _sms(gateway, text, sender="+22891999999", message_id="spoof")
    assert _alerts(gateway) == [], "a sender that is not allow-listed is not an alert"
    _sms(gateway, "IB Bank: votre releve mensuel est disponible", message_id="m2")
    _sms(gateway, f"IB Bank: Credit de 1 000 FCFA. Ref {reference}. Trx IBB-2", message_id="m3")
    _sms(gateway, "IB Bank: Credit de 5 000 FCFA. Ref 123456789012. Trx IBB-3", message_id="m4")
    assert [(a.status, a.detail) for a in _alerts(gateway)] == [
        ("unparsed", ""), ("unmatched", "amount_mismatch expected=93437"), ("unmatched", "invalid_reference")]
    assert _count(gateway, t.payments) == 7, "only the demo history"


def test_a_trusted_sender_confirms_directly_on_the_same_idempotency_key(gateway: Gateway) -> None:
    reference = _reference(gateway)
    assert _sms(gateway, f"Paiement 93437F ref {reference} id FLZ900", sender="+22890990000") == 200
    (alert,) = _alerts(gateway)
    assert alert.status == "confirmed"
    with gateway.rt.engine.connect() as connection:
        (payment,) = connection.execute(sa.select(t.payments).where(t.payments.c.reference == reference))
    assert (payment.provider, payment.transaction_id, payment.channel) == ("flooz", "FLZ900", "mobile_money")
    flooz = gateway.bank(caller="flooz", secret="flooz-secret", id_header="X-Operator-Id")
    replay = flooz.post("/api/mobile-money/v1/flooz/payments", {
        "reference": reference, "amount": 93_437, "currency": "XOF", "transaction_id": "FLZ900",
        "paid_at": "2026-11-23T10:05:00Z"})
    assert replay.status_code == 200 and replay.json["payment_id"] == payment.id  # type: ignore[index]


def test_an_alert_whose_recording_failed_is_recorded_once_when_the_provider_retries(gateway: Gateway) -> None:
    reference = _reference(gateway)
    text = f"IB Bank: Credit de 93 437 FCFA sur compte CNSS. Ref {reference}. Trx IBB-778. Merci"
    with failing(gateway.rt.engine, "INSERT INTO payment_alerts"):
        assert _sms(gateway, text, message_id="retried") == 503  # the SMS is stored, its alert is not
    assert _alerts(gateway) == []
    assert _sms(gateway, text, message_id="retried") == 200  # the provider's retry records the alert
    assert _sms(gateway, text, message_id="retried") == 200  # and a late duplicate adds nothing
    assert [(a.status, a.transaction_id) for a in _alerts(gateway)] == [("provisional", "IBB-778")]
    assert _count(gateway, t.inbound_messages) == 1
