"""Delivery reports over HTTP: stored verbatim, applied to the sent message, never refused for an unknown status."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.delivery import DeliveryOutcome, DeliveryResult
from core.domain.delivery_reports import DeliveryState, meaning_of, settled_status, supersedes
from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, sms_message
from core.domain.parties import Employer
from core.services.outbox_worker import deliver_due, drain
from gateway.africastalking.sms import parse_delivery_report
from gateway.africastalking.sms_send import AfricasTalkingSmsTransport
from gateway.base import MalformedRequestError
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.fake_at import FakeAfricasTalking, Reply

DELIVERY = "/gateway/at/sms/delivery"
AT = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
S = MessageStatus


class ScriptedSmsTransport:
    """Answers each SMS with the result scripted for its idempotency key (accepted by default)."""

    channel = MessageChannel.SMS

    def __init__(self, results: dict[str, DeliveryResult]) -> None:
        self.results = results

    def send(self, message: OutboundMessage) -> DeliveryResult:
        return self.results.get(message.idempotency_key, DeliveryResult.accepted(f"ATXid_{message.idempotency_key}"))


def _sent(gateway: Gateway, *keys: str, results: dict[str, DeliveryResult] | None = None) -> None:
    """Queue one SMS per key and let the worker send them."""
    with gateway.rt.uow_factory() as uow:
        for key in keys:
            uow.outbox.add(sms_message(EMPLOYER_PHONE, f"CNSS message {key}", "statement", key, gateway.clock.now()))
        uow.commit()
    deliver_due(ScriptedSmsTransport(results or {}), uow_factory=gateway.rt.uow_factory, clock=gateway.clock)


def _report(gateway: Gateway, **form: str) -> int:
    base = {"phoneNumber": EMPLOYER_PHONE, "networkCode": "61501", "retryCount": "0"}
    return gateway.client.post(DELIVERY, data=urlencode({**base, **form}),
                               content_type="application/x-www-form-urlencoded").status_code


def _message(gateway: Gateway, key: str) -> Any:
    (row,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.idempotency_key == key)
    return row


def _stored(gateway: Gateway) -> list[Any]:
    return gateway.rows(t.delivery_reports)


@pytest.mark.parametrize(("status", "state", "final"), [
    ("Success", DeliveryState.DELIVERED, True), ("Sent", DeliveryState.SENT, False),
    ("Submitted", DeliveryState.SENT, False), ("Buffered", DeliveryState.SENT, False),
    ("Rejected", DeliveryState.FAILED, True), ("Failed", DeliveryState.FAILED, True),
    ("AbsentSubscriber", DeliveryState.FAILED, True), ("Expired", DeliveryState.FAILED, True),
    ("success", DeliveryState.DELIVERED, True), ("Queued", DeliveryState.UNKNOWN, False),
    ("", DeliveryState.UNKNOWN, False),
])
def test_the_status_mapping(status: str, state: DeliveryState, final: bool) -> None:
    assert (meaning_of("at", status).state, meaning_of("at", status).final) == (state, final)


@pytest.mark.parametrize(("current", "status", "expected"), [
    (S.SENT, "Success", S.DELIVERED), (S.SENT, "Buffered", S.SENT), (S.SENT, "Failed", S.FAILED),
    (S.UNCERTAIN, "Success", S.DELIVERED), (S.UNCERTAIN, "Sent", S.SENT), (S.UNCERTAIN, "Submitted", S.SENT),
    (S.UNCERTAIN, "Buffered", S.SENT), (S.UNCERTAIN, "Rejected", S.FAILED), (S.UNCERTAIN, "Failed", S.FAILED),
    (S.UNCERTAIN, "AbsentSubscriber", S.FAILED), (S.UNCERTAIN, "Expired", S.FAILED),
    (S.UNCERTAIN, "Whatever", S.UNCERTAIN), (S.DELIVERED, "Failed", S.DELIVERED),
    (S.QUEUED, "Success", S.DELIVERED), (S.QUEUED, "Failed", S.QUEUED), (S.SENDING, "Success", S.SENDING),
    (S.FAILED, "Success", S.DELIVERED), (S.SKIPPED, "Success", S.SKIPPED),
])
def test_what_a_report_does_to_the_message_status(current: MessageStatus, status: str,
                                                  expected: MessageStatus) -> None:
    assert settled_status(current, meaning_of("at", status)) is expected


def test_reports_out_of_order_never_undo_a_final_one() -> None:
    assert not supersedes(meaning_of("at", "Success"), meaning_of("at", "Buffered"))
    assert not supersedes(meaning_of("at", "Success"), meaning_of("at", "Failed"))
    assert not supersedes(meaning_of("at", "Failed"), meaning_of("at", "Sent"))
    assert supersedes(meaning_of("at", "Failed"), meaning_of("at", "Success"))
    assert supersedes(meaning_of("at", "Buffered"), meaning_of("at", "Sent")) and supersedes(meaning_of("at", None), meaning_of("at", "x"))


def test_the_form_is_read_purely_and_only_a_missing_id_or_status_is_malformed() -> None:
    report = parse_delivery_report({"id": " ATXid_1 ", "status": "Failed", "phoneNumber": "+22890112233",
                                    "networkCode": "61501", "failureReason": "UserInBlackList",
                                    "retryCount": "2"}, AT)
    assert (report.provider, report.provider_message_id, report.status, report.phone, report.network_code,
            report.failure_reason, report.retry_count, report.received_at) == (
        "at", "ATXid_1", "Failed", "+22890112233", "61501", "UserInBlackList", 2, AT)
    bare = parse_delivery_report({"id": "x", "status": "Odd" * 20, "retryCount": "many"}, AT)
    assert (bare.status, bare.failure_reason, bare.retry_count, bare.phone) == (("Odd" * 20)[:32], None, None, None)
    for form in ({"status": "Success"}, {"id": "x"}, {"id": " ", "status": "Success"}):
        with pytest.raises(MalformedRequestError):
            parse_delivery_report(form, AT)


def test_success_marks_a_sent_message_delivered(gateway: Gateway) -> None:
    _sent(gateway, "m1")
    assert _message(gateway, "m1").status == "sent"
    gateway.clock.advance(seconds=40)
    assert _report(gateway, id="ATXid_m1", status="Buffered") == 200
    assert (_message(gateway, "m1").status, _message(gateway, "m1").delivery_status) == ("sent", "Buffered")
    assert _report(gateway, id="ATXid_m1", status="Success") == 200
    row = _message(gateway, "m1")
    assert (row.status, row.delivery_status, row.delivery_failure, row.delivered_at) == (
        "delivered", "Success", None, gateway.clock.now())
    assert _report(gateway, id="ATXid_m1", status="Buffered") == 200, "a late interim report"
    assert (_message(gateway, "m1").status, _message(gateway, "m1").delivery_status) == ("delivered", "Success")
    assert [(r.provider, r.provider_message_id, r.status) for r in _stored(gateway)] == [
        ("at", "ATXid_m1", "Buffered"), ("at", "ATXid_m1", "Success"), ("at", "ATXid_m1", "Buffered")]


def test_failed_with_a_reason_marks_the_message_failed(gateway: Gateway) -> None:
    _sent(gateway, "m2")
    assert _report(gateway, id="ATXid_m2", status="Failed", failureReason="UserInBlackList") == 200
    row = _message(gateway, "m2")
    assert (row.status, row.delivery_status, row.delivery_failure, row.delivered_at) == (
        "failed", "Failed", "UserInBlackList", None)
    (stored,) = _stored(gateway)
    assert (stored.status, stored.failure_reason, stored.phone, stored.network_code, stored.retry_count) == (
        "Failed", "UserInBlackList", EMPLOYER_PHONE, "61501", 0)


def test_an_unknown_status_is_stored_verbatim_with_200(gateway: Gateway) -> None:
    _sent(gateway, "m3")
    assert _report(gateway, id="ATXid_m3", status="PendingAtTelco") == 200
    row = _message(gateway, "m3")
    assert (row.status, row.delivery_status) == ("sent", "PendingAtTelco")
    assert _report(gateway, id="ATXid_nobody", status="Success") == 200, "no message of ours: stored all the same"
    assert [(r.provider_message_id, r.status) for r in _stored(gateway)] == [
        ("ATXid_m3", "PendingAtTelco"), ("ATXid_nobody", "Success")]


def test_a_missing_id_or_status_is_a_400(gateway: Gateway) -> None:
    assert _report(gateway, status="Success") == 400
    assert _report(gateway, id="ATXid_m4") == 400
    assert _stored(gateway) == []


def test_the_callback_key_is_checked(gateway: Gateway) -> None:
    gateway.app.config["AT_CALLBACK_KEY"] = "k"
    assert _report(gateway, id="ATXid_m5", status="Success") == 403
    response = gateway.client.post(f"{DELIVERY}?key=k", data=urlencode({"id": "ATXid_m5", "status": "Success"}),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_an_uncertain_message_is_settled_by_its_report(gateway: Gateway) -> None:
    timeout = {key: DeliveryResult(DeliveryOutcome.UNCERTAIN, f"ATXid_{key}", "read timeout")
               for key in ("u1", "u2", "u3")}
    _sent(gateway, "u1", "u2", "u3", results=timeout)
    assert {_message(gateway, key).status for key in ("u1", "u2", "u3")} == {"uncertain"}
    assert _report(gateway, id="ATXid_u1", status="Submitted") == 200
    assert _message(gateway, "u1").status == "sent" and _message(gateway, "u1").sent_at is not None
    assert _report(gateway, id="ATXid_u1", status="Success") == 200
    assert _message(gateway, "u1").status == "delivered"
    assert _report(gateway, id="ATXid_u2", status="Success") == 200
    assert _message(gateway, "u2").status == "delivered"
    assert _report(gateway, id="ATXid_u3", status="Rejected", failureReason="DeliveryFailure") == 200
    row = _message(gateway, "u3")
    assert (row.status, row.delivery_failure) == ("failed", "DeliveryFailure")
    report = deliver_due(ScriptedSmsTransport({}), uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    assert report.claimed == 0, "a settled message is never sent again"


NEW_PHONE = "+22897000001"


def _cells(gateway: Gateway) -> set[tuple[str, str, str]]:
    """Every non-empty value of every table, as text: (table, column, value)."""
    cells: set[tuple[str, str, str]] = set()
    with gateway.rt.engine.connect() as connection:
        for table in t.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                cells.update((table.name, column, str(value)) for column, value in row._mapping.items()
                             if value is not None)
    return cells


def _activation_code_texted(gateway: Gateway, fake: FakeAfricasTalking, *, read_timeout: float = 2.0) -> str:
    """A first-use dial queues an activation code; the worker sends it to the fake AT; the code it received."""
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000003", "GARAGE DE LA LAGUNE", (Msisdn(NEW_PHONE),)))
        uow.commit()
    assert "code à 6 chiffres" in gateway.phone(NEW_PHONE).dial()
    transport = AfricasTalkingSmsTransport("sandbox", fake.api_key, base_url=fake.url, sender_id="CNSS",
                                           timeout=(1.0, read_timeout))
    drain(transport, uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    [taken] = fake.records("accepted")
    code = re.search(r"\b(\d{6})\b", taken.message)
    assert code is not None and taken.to == NEW_PHONE
    return code.group(1)


def test_no_table_keeps_an_activation_code_once_at_took_it(gateway: Gateway) -> None:
    before = _cells(gateway)
    with FakeAfricasTalking() as fake:
        code = _activation_code_texted(gateway, fake)
        assert _report(gateway, **fake.delivery_report(NEW_PHONE)) == 200
    holding = {cell for cell in _cells(gateway) if code in cell[2]}
    assert holding <= {cell for cell in before if code in cell[2]}, "only a value that held those digits before"
    [sms] = gateway.sms.to(Msisdn(NEW_PHONE))
    assert sms.startswith("CNSS: votre code d'activation est ******.")
    assert _message_to(gateway, NEW_PHONE).status == "delivered"


def test_an_uncertain_activation_code_is_settled_by_its_report_and_masked(gateway: Gateway) -> None:
    with FakeAfricasTalking() as fake:
        fake.default = Reply.accept(delay_s=1.5)  # AT takes it, its answer comes after the read timeout
        code = _activation_code_texted(gateway, fake, read_timeout=0.5)
        row = _message_to(gateway, NEW_PHONE)
        assert (row.status, row.provider_message_id) == ("uncertain", None) and code in row.body, "may be retried"
        gateway.clock.advance(minutes=3)
        form = fake.delivery_report(NEW_PHONE)
        assert _report(gateway, **form) == 200
    row = _message_to(gateway, NEW_PHONE)
    assert (row.status, row.provider_message_id) == ("delivered", form["id"])
    assert code not in row.body and "******" in row.body


def _message_to(gateway: Gateway, phone: str) -> Any:
    (row,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.recipient == phone)
    return row
