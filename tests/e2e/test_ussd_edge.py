"""The USSD edge under bad input and failures: 400 with a reason, 403 on a wrong key, END with an error id."""
from __future__ import annotations

import logging
import re
import time
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway

FORM = {"sessionId": "ATUid_edge", "phoneNumber": EMPLOYER_PHONE, "networkCode": "61501",
        "serviceCode": "*909#", "text": ""}


def _post(gateway: Gateway, form: dict[str, str], path: str = "/gateway/at/ussd") -> tuple[int, str]:
    response = gateway.client.post(path, data=urlencode(form), content_type="application/x-www-form-urlencoded")
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(("change", "reason"), [
    ({"sessionId": None}, "missing field: sessionId"),
    ({"text": None}, "missing field: text"),
    ({"phoneNumber": "+228 1234"}, "phoneNumber: invalid_number"),
    ({"phoneNumber": "hello"}, "phoneNumber:"),
    ({"text": "1\n2"}, "text:"),
], ids=["no-session", "no-text", "short-phone", "garbage-phone", "newline"])
def test_a_malformed_callback_gets_400_with_the_reason(gateway: Gateway, change: dict[str, str | None],
                                                       reason: str) -> None:
    form = {k: v for k, v in {**FORM, **change}.items() if v is not None}
    status, body = _post(gateway, form)
    assert status == 400 and reason in body


def test_a_wrong_or_missing_callback_key_gets_403(gateway: Gateway) -> None:
    gateway.app.config["AT_CALLBACK_KEY"] = "s3cr3t-key"
    assert _post(gateway, FORM)[0] == 403
    assert _post(gateway, FORM, "/gateway/at/ussd?key=wrong")[0] == 403
    assert _post(gateway, FORM, "/gateway/at/ussd/events?key=wrong")[0] == 403
    status, body = _post(gateway, FORM, "/gateway/at/ussd?key=s3cr3t-key")
    assert status == 200 and body.startswith("CON ")


def test_an_internal_failure_still_answers_end_with_an_error_id_in_the_log(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("database exploded")

    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    monkeypatch.setattr(gateway.rt.ussd.backend, "account_summary", broken)
    with caplog.at_level(logging.ERROR):
        screen = phone.send("2")
    assert phone.ended and screen.startswith("Désolé, service momentanément indisponible.")
    error_id = re.search(r"Erreur ([0-9A-F]{8})", screen).group(1)  # type: ignore[union-attr]
    assert any(error_id in record.getMessage() for record in caplog.records)
    assert EMPLOYER_PHONE not in caplog.text, "logs carry masked phone numbers only"


def test_a_session_store_outage_still_answers_end(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*_args: object, **_kwargs: object) -> object:
        raise ConnectionError("redis down")

    monkeypatch.setattr(gateway.rt.ussd.store, "acquire", down)
    status, body = _post(gateway, FORM)
    assert status == 200 and body.startswith("END Désolé") and "Erreur" in body


def test_a_slow_backend_ends_with_sms_follows_and_the_reference_arrives_by_sms(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "1", "1")
    service = gateway.rt.ussd
    monkeypatch.setattr(service, "settings", type(service.settings)(hop_deadline=0.2))
    real_issue = service.backend.issue_reference

    def slow_issue(*args: object, **kwargs: object) -> object:
        time.sleep(0.6)
        return real_issue(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.backend, "issue_reference", slow_issue)
    screen = phone.send("1")
    assert phone.ended and phone.hop_label == "common.sms_follows" and "par SMS" in screen
    deadline = time.monotonic() + 5
    while not gateway.sms.to(Msisdn(EMPLOYER_PHONE)) and time.monotonic() < deadline:
        time.sleep(0.05)
    (sms,) = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert "93 437 FCFA" in sms and re.search(r"\d{4} \d{4} \d{4}", sms)
    with gateway.rt.engine.connect() as connection:
        issued = connection.execute(sa.select(sa.func.count()).select_from(t.payment_references).where(
            t.payment_references.c.channel == "ussd")).scalar_one()
    assert issued == 1


def test_end_of_session_notifications_are_stored(gateway: Gateway) -> None:
    event = {"sessionId": "ATUid_ended", "phoneNumber": EMPLOYER_PHONE, "serviceCode": "*909#",
             "networkCode": "61501", "status": "Failed", "errorMessage": "timeout", "input": "1*2",
             "lastAppResponse": "CON x", "hopsCount": "3", "durationInMillis": "12000", "cost": "XOF 10",
             "date": "2026-11-23 10:01:02", "hopsMetadata": "auth.pin|employer.home"}
    status, body = _post(gateway, event, "/gateway/at/ussd/events")
    assert status == 200
    with gateway.rt.uow_factory() as uow:
        (report,) = uow.ussd_reports.for_session("at", "ATUid_ended")
    assert (report.status, report.error_message, report.hops_count, report.duration_ms) == (
        "Failed", "timeout", 3, 12000)
    assert report.hops_metadata == "auth.pin|employer.home" and report.msisdn == EMPLOYER_PHONE
    assert _post(gateway, {"status": "Success"}, "/gateway/at/ussd/events")[0] == 400
    assert _post(gateway, {**event, "status": "Weird"}, "/gateway/at/ussd/events")[0] == 200


def test_hop_labels_carry_the_screen_id_and_no_personal_data(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    assert phone.hop_label == "auth.pin"
    phone.walk("1234", "1", "1", "1")
    assert phone.hop_label == "pay.issued" and "1234" not in phone.hop_label
