"""Hostile but well-formed Africa's Talking callbacks on SQLite and PostgreSQL: a 400 with a reason, or stored cut, never a 500."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway

USSD, EVENTS, INBOUND, DELIVERY = ("/gateway/at/ussd", "/gateway/at/ussd/events", "/gateway/at/sms/inbound",
                                   "/gateway/at/sms/delivery")
HOP = {"sessionId": "ATUid_junk", "phoneNumber": EMPLOYER_PHONE, "networkCode": "61501", "serviceCode": "*909#",
       "text": ""}
EVENT = {"sessionId": "ATUid_junk", "phoneNumber": EMPLOYER_PHONE, "serviceCode": "*909#", "networkCode": "61501",
         "status": "Success", "date": "2026-11-23 09:59:00", "cost": "XOF 10", "durationInMillis": "1200",
         "hopsCount": "3", "hopsMetadata": "auth.pin|employer.home", "input": "1234*1", "lastAppResponse": "END x"}
SMS = {"from": "+22899112233", "to": "8323", "text": "bonjour", "id": "ATXid_junk", "date": "2026-11-23 10:00:00",
       "linkId": "", "networkCode": "61501"}
REPORT = {"id": "ATXid_unknown", "status": "Success", "phoneNumber": EMPLOYER_PHONE, "networkCode": "61501",
          "failureReason": "", "retryCount": "0"}


def post(gateway: Gateway, path: str, form: dict[str, str] | bytes) -> tuple[int, str, str]:
    body = form if isinstance(form, bytes) else urlencode(form).encode()
    response = gateway.client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    return response.status_code, response.get_data(as_text=True), response.content_type


REFUSED: list[tuple[str, str, dict[str, str] | bytes, str]] = [
    ("hop text with NUL", USSD, {**HOP, "text": "1234\x00"}, "text: non-printable character"),
    ("hop sessionId beyond its column", USSD, {**HOP, "sessionId": "S" * 101}, "sessionId: too long"),
    ("hop huge phone number", USSD, {**HOP, "phoneNumber": "9" * 5000}, "phoneNumber: too long"),
    ("hop serviceCode beyond its column", USSD, {**HOP, "serviceCode": "*" * 41}, "serviceCode: too long"),
    ("hop percent-encoded garbage", USSD, b"sessionId=s&phoneNumber=%2B22890112233&networkCode=1&serviceCode=x&"
                                          b"text=%FF%FE", "text: bad encoding"),
    ("event raw invalid bytes", EVENTS, b"sessionId=s&status=Success&cost=\xff", "cost: bad encoding"),
    ("event without status", EVENTS, {"sessionId": "ATUid_junk", "status": "\x00"}, "missing field: status"),
    ("event sessionId with NUL", EVENTS, {**EVENT, "sessionId": "ATUid\x00"}, "sessionId: non-printable"),
    ("sms id beyond its column", INBOUND, {**SMS, "id": "I" * 101}, "id: too long"),
    ("sms sender with NUL", INBOUND, {**SMS, "from": "+2289\x0011"}, "from: non-printable"),
    ("sms linkId beyond its column", INBOUND, {**SMS, "linkId": "L" * 101}, "linkId: too long"),
    ("sms text too long to store whole", INBOUND, {**SMS, "text": "x" * 2001}, "text: too long"),
    ("sms encoded surrogate", INBOUND, b"from=%2B22899112233&to=8323&id=x&text=%ED%A0%80", "text: bad encoding"),
    ("report without id", DELIVERY, {**REPORT, "id": "\x00\x01"}, "missing field: id"),
]


@pytest.mark.parametrize(("path", "form", "reason"), [case[1:] for case in REFUSED], ids=[c[0] for c in REFUSED])
def test_unusable_callbacks_get_400_with_the_reason_and_store_nothing(gateway: Gateway, path: str,
                                                                      form: dict[str, str] | bytes,
                                                                      reason: str) -> None:
    status, body, content_type = post(gateway, path, form)
    assert (status, content_type) == (400, "text/plain; charset=utf-8") and body.startswith(f"bad request: {reason}")
    for table in (t.ussd_session_events, t.inbound_messages, t.delivery_reports):
        assert gateway.count(table) == 0


def test_an_end_of_session_event_full_of_junk_is_stored_cut_and_acknowledged(gateway: Gateway) -> None:
    junk = {**EVENT, "status": "Succ\x00ess" + "s" * 40, "cost": "XOF " + "9" * 60, "serviceCode": "*909#" * 20,
            "networkCode": "61501\x00" + "1" * 20, "durationInMillis": "99999999999", "hopsCount": "9" * 30,
            "date": "9999-12-31T23:59:59-14:00", "hopsMetadata": "auth.pin\x00|x", "lastAppResponse": "END \x00ok\n1",
            "errorMessage": "\x00\x1b[2J"}
    status, body, _ = post(gateway, EVENTS, junk)
    assert (status, body) == (200, "OK")
    (row,) = gateway.rows(t.ussd_session_events)
    assert row.status == ("Success" + "s" * 40)[:32] and row.cost == ("XOF " + "9" * 60)[:32]
    assert row.service_code == ("*909#" * 20)[:40] and row.network_code == "6150111111"
    assert (row.duration_ms, row.hops_count, row.ended_at, row.error_message) == (None, None, None, "[2J")
    assert (row.hops_metadata, row.last_app_response, row.inputs_count) == ("auth.pin|x", "END ok\n1", 2)


def test_a_delivery_report_full_of_junk_is_stored_cut_and_acknowledged(gateway: Gateway) -> None:
    junk = {**REPORT, "id": "ATXid_\x00" + "7" * 200, "status": "Deliv\x00ered" * 10, "failureReason": "F" * 100,
            "networkCode": "6" * 20, "retryCount": "4294967296", "phoneNumber": "+228\x00" + "9" * 50}
    status, body, _ = post(gateway, DELIVERY, junk)
    assert (status, body) == (200, "OK")
    (row,) = gateway.rows(t.delivery_reports)
    assert row.provider_message_id == ("ATXid_" + "7" * 200)[:100] and row.status == ("Delivered" * 10)[:32]
    assert (row.failure_reason, row.network_code, row.retry_count) == ("F" * 64, "6" * 10, None)
    assert row.phone == ("+228" + "9" * 50)[:32]


def test_an_incoming_sms_keeps_its_text_whole_less_nul_and_controls(gateway: Gateway) -> None:
    status, _, _ = post(gateway, INBOUND, {**SMS, "text": "Paie\x00ment\r\nrecu\x1b", "networkCode": "6" * 30,
                                           "date": "9999-12-31T23:59:59-14:00"})
    assert status == 200
    (row,) = gateway.rows(t.inbound_messages)
    assert (row.text, row.network_code, row.sent_at) == ("Paiement\r\nrecu", None, None)


def test_a_normal_journey_works_after_the_junk(gateway: Gateway) -> None:
    for case in REFUSED:
        post(gateway, case[1], case[2])
    test_an_end_of_session_event_full_of_junk_is_stored_cut_and_acknowledged(gateway)
    phone = gateway.phone()
    phone.dial()
    screen = phone.walk("1234", "2")
    assert not phone.ended and "93 437" in screen
