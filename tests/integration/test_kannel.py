"""Kannel as the SMS provider, against a real Kannel: bearerbox, smsbox and its fake SMSC (``fakesmsc``).

The gateway is served over real HTTP (Kannel fetches its get-url and dlr-url), on both real stacks of the
``gateway`` fixture; outgoing SMS leave through the outbox worker and ``KannelSmsTransport``.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from werkzeug.serving import BaseWSGIServer, make_server

from core.adapters.sqlalchemy import tables as t
from core.domain.outbox import MessageChannel, OutboundMessage, sms_message
from core.ports import Transport
from core.services.outbox_worker import WorkReport, drain
from gateway.kannel import routes as kannel_routes
from gateway.kannel.provider import sms_transport
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway, gateway
from tests.support.kannel import FakeSms, Kannel, PASSWORD, USERNAME, require_kannel

__all__ = ["gateway"]  # the e2e fixture: the gateway with the demo data, on both real stacks

KEY = "kannel-callback-key"
SHORT_CODE = "8323"
FRENCH = "CNSS: votre déclaration de novembre a été enregistrée. Échéance le 15, à régler sans pénalité. Merci"
LONG = ("CNSS Togo: votre déclaration de novembre 2026 a été enregistrée. Montant du: 47 250 FCFA, à payer avant "
        "le 15 décembre avec la référence 3110 5015 2686 au guichet, par virement ou par mobile money. "
        "Après cette date, une majoration de retard s'applique. Merci.")
HELP = "CNSS par SMS: SOLDE, REF"
WAIT_S = 15.0

StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Recorder:
    """WSGI middleware in front of the served app: records Kannel's requests, and can lose the app's answer."""

    app: Wsgi
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    lose_answers: int = 0  # the next N inbound requests are served, then answered 503 (the answer was lost)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        with self.lock:
            self.requests.append((path, parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)))
            lose = path.endswith("/sms/inbound") and self.lose_answers > 0
            if lose:
                self.lose_answers -= 1
        if not lose:
            return self.app(environ, start_response)
        captured: list[Any] = []
        body = b"".join(self.app(environ, lambda status, headers, exc_info=None: captured.append(status)))
        assert captured and captured[0].startswith("200"), (captured, body)
        start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]

    def to(self, suffix: str) -> list[dict[str, list[str]]]:
        """The queries of the requests whose path ends with ``suffix``."""
        with self.lock:
            return [query for path, query in self.requests if path.endswith(suffix)]


@dataclass
class KannelStack:
    """The served gateway, the Kannel in front of it and the transport of its outbox."""

    gateway: Gateway
    kannel: Kannel
    recorder: Recorder
    transport: Transport
    base_url: str

    def queue(self, *messages: OutboundMessage) -> None:
        with self.gateway.rt.uow_factory() as uow:
            for message in messages:
                uow.outbox.add(message)
            uow.commit()

    def drain(self) -> WorkReport:
        return drain(self.transport, uow_factory=self.gateway.rt.uow_factory, clock=self.gateway.clock)

    def row(self, key: str) -> Any:
        (row,) = self.gateway.rows(t.outbound_messages, t.outbound_messages.c.idempotency_key == key)
        return row

    def replies_to(self, phone: str) -> list[Any]:
        return self.gateway.rows(t.outbound_messages, t.outbound_messages.c.recipient == phone,
                                 t.outbound_messages.c.channel == MessageChannel.SMS.value)


def wait_for(condition: Callable[[], Any], what: str, stack: KannelStack, timeout: float = WAIT_S) -> Any:
    """Poll ``condition`` until it is truthy; a timeout fails naming ``what`` with Kannel's logs."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert value, f"timed out waiting for {what}; Kannel requests {stack.recorder.requests}\n{stack.kannel.logs()}"
    return value


@pytest.fixture
def stack(gateway: Gateway, tmp_path: Path) -> Iterator[KannelStack]:
    require_kannel()
    app = gateway.app
    assert app.blueprints.get("kannel") is kannel_routes.blueprint  # registered from gateway.providers
    recorder = Recorder(app.wsgi_app)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, recorder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="kannel-wsgi",
                              daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    get_url = (f"{base_url}/gateway/kannel/sms/inbound?key={KEY}&from=%p&to=%P&text=%b&id=%I&ts=%T&smsc=%i"
               "&coding=%c&charset=%C")
    kannel = Kannel(tmp_path / "kannel", get_url)
    try:
        kannel.start()
        app.config.update(KANNEL_SENDSMS_URL=kannel.sendsms_url, KANNEL_USERNAME=USERNAME, KANNEL_PASSWORD=PASSWORD,
                          KANNEL_SMSC="fake", KANNEL_CALLBACK_URL=base_url, KANNEL_CALLBACK_KEY=KEY,
                          SMS_SENDER_ID="CNSS")
        transport = sms_transport(app.config)
        assert transport is not None
        yield KannelStack(gateway, kannel, recorder, transport, base_url)
        getattr(transport, "close")()
    finally:
        kannel.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_outbox_sms_reach_the_phone_with_their_exact_text_long_ones_in_concatenated_parts(
        stack: KannelStack) -> None:
    short = sms_message(EMPLOYER_PHONE, FRENCH, "statement", "kannel:short", stack.gateway.clock.now())
    long = sms_message(EMPLOYER_PHONE, LONG, "statement", "kannel:long", stack.gateway.clock.now())
    assert (short.body, long.body) == (FRENCH, LONG)  # GSM-7 already: é, à, É kept as they are
    assert (short.segments, long.segments) == (1, 2) and len(LONG) > 160
    stack.queue(short, long)

    assert stack.drain() == WorkReport(sent=2)

    got: list[FakeSms] = stack.kannel.received(3, WAIT_S)
    assert len(got) == 3, f"{got}\n{stack.kannel.logs()}"
    first, *parts = got
    assert (first.sender, first.receiver, first.kind, first.text, first.udh) == (
        "CNSS", EMPLOYER_PHONE, "text", FRENCH, b"")
    # The long text left as two parts of one concatenated SMS: 8-bit reference, 2 parts, numbered 1 and 2,
    # the first one full (153 GSM-7 characters next to the 6-octet header), joined back to the exact text.
    assert [(p.sender, p.receiver) for p in parts] == [("CNSS", EMPLOYER_PHONE)] * 2
    assert [p.udh[:3] for p in parts] == [b"\x05\x00\x03"] * 2
    assert parts[0].udh[3] == parts[1].udh[3] and [p.udh[4:] for p in parts] == [b"\x02\x01", b"\x02\x02"]
    assert len(parts[0].text) == 153 and parts[0].text + parts[1].text == LONG
    wait_for(lambda: {stack.row("kannel:short").status, stack.row("kannel:long").status} == {"delivered"},
             "both delivered (their delivery reports)", stack)
    rows = [stack.row("kannel:short"), stack.row("kannel:long")]
    assert [(r.status, r.attempts, r.last_error) for r in rows] == [("delivered", 1, None)] * 2
    assert all(r.provider_message_id.startswith(f"kannel-{r.id}-") for r in rows)


def test_kannel_delivery_reports_settle_the_outbox_row(stack: KannelStack) -> None:
    stack.queue(sms_message(EMPLOYER_PHONE, FRENCH, "statement", "kannel:dlr", stack.gateway.clock.now()))
    assert stack.drain() == WorkReport(sent=1)
    provider_id = stack.row("kannel:dlr").provider_message_id

    # The fake SMSC reports the submission (8, "ACK/") and the delivery to the phone (1), in either order.
    reports = wait_for(lambda: len(stack.gateway.rows(t.delivery_reports)) >= 2 and stack.gateway.rows(
        t.delivery_reports), "two delivery reports", stack)
    assert sorted((r.provider, r.provider_message_id, r.status, r.phone) for r in reports) == [
        ("kannel", provider_id, "1", EMPLOYER_PHONE), ("kannel", provider_id, "8", EMPLOYER_PHONE)]
    row = stack.row("kannel:dlr")
    assert (row.status, row.delivery_status, row.delivery_failure) == ("delivered", "1", None)
    assert {q["key"][0] for q in stack.recorder.to("/sms/delivery")} == {KEY}


def test_an_sms_kannel_fails_to_take_is_retried_and_a_bad_password_is_not_a_permanent_failure(
        stack: KannelStack) -> None:
    stack.gateway.app.config["KANNEL_PASSWORD"] = "wrong"
    wrong = sms_transport(stack.gateway.app.config)
    assert wrong is not None
    stack.queue(sms_message(EMPLOYER_PHONE, FRENCH, "statement", "kannel:auth", stack.gateway.clock.now()))
    assert drain(wrong, uow_factory=stack.gateway.rt.uow_factory, clock=stack.gateway.clock) == WorkReport(retried=1)
    row = stack.row("kannel:auth")
    assert (row.status, row.last_error) == ("queued", "http 403: Authorization failed for sendsms")
    stack.gateway.clock.advance(minutes=5)
    assert stack.drain() == WorkReport(sent=1)
    [got] = stack.kannel.received(1)
    assert (got.receiver, got.text) == (EMPLOYER_PHONE, FRENCH)


def test_an_mo_keyword_is_answered_through_kannel_and_a_repeat_of_its_id_is_stored_once(
        stack: KannelStack) -> None:
    stack.recorder.lose_answers = 1  # the gateway handles the first request, Kannel never hears its 200
    stack.kannel.inject(EMPLOYER_PHONE, SHORT_CODE, "AIDE")

    inbound = wait_for(lambda: len(stack.recorder.to("/sms/inbound")) >= 2 and stack.recorder.to("/sms/inbound"),
                       "Kannel's retry of the get-url", stack)
    first, retry = inbound[:2]
    assert first == retry  # the same message: same Kannel id, same fields
    assert (first["from"], first["to"], first["text"], first["key"]) == ([EMPLOYER_PHONE], [SHORT_CODE], ["AIDE"],
                                                                          [KEY])
    assert len(first["id"][0]) == 36  # Kannel's %I, a UUID
    stored = stack.gateway.rows(t.inbound_messages)
    assert [(r.provider, r.provider_message_id, r.sender, r.recipient, r.text, r.network_code) for r in stored] == [
        ("kannel", first["id"][0], EMPLOYER_PHONE, SHORT_CODE, "AIDE", "fake")]
    [reply] = stack.replies_to(EMPLOYER_PHONE)
    assert reply.body.startswith(HELP) and reply.status == "queued"
    # max-messages = 0: Kannel texted nothing back by itself (the empty 200 is not an SMS).
    time.sleep(1.0)
    assert stack.kannel.received(1, 0) == []

    assert stack.drain() == WorkReport(sent=1)
    [got] = stack.kannel.received(1)
    assert (got.sender, got.receiver, got.text) == ("CNSS", EMPLOYER_PHONE, reply.body)


def test_an_mo_stop_opts_the_phone_out_and_the_text_is_kept_whole(stack: KannelStack) -> None:
    stack.kannel.inject(EMPLOYER_PHONE, SHORT_CODE, "STOP  merci  à vous")
    wait_for(lambda: stack.gateway.rows(t.sms_opt_outs), "the opt-out", stack)
    assert [r.msisdn for r in stack.gateway.rows(t.sms_opt_outs)] == [EMPLOYER_PHONE]
    [stored] = stack.gateway.rows(t.inbound_messages)
    assert stored.text == "STOP  merci  à vous"  # %b: spaces and accents as typed (%a would squeeze them)


def test_callbacks_without_the_key_are_refused_and_malformed_ones_named(stack: KannelStack) -> None:
    base = stack.base_url + "/gateway/kannel/sms"
    refused = requests.get(f"{base}/inbound", params={"key": "wrong", "from": EMPLOYER_PHONE, "to": SHORT_CODE,
                                                       "text": "AIDE", "id": "x"}, timeout=10)
    missing = requests.get(f"{base}/inbound", params={"key": KEY, "to": SHORT_CODE, "text": "AIDE", "id": "x"},
                           timeout=10)
    no_status = requests.get(f"{base}/delivery", params={"key": KEY, "id": "kannel-1-x"}, timeout=10)
    unknown = requests.get(f"{base}/delivery", params={"key": KEY, "id": "kannel-1-x", "status": "32"}, timeout=10)
    assert (refused.status_code, missing.status_code, missing.text) == (403, 400, "bad request: missing field: from")
    assert (no_status.status_code, no_status.text) == (400, "bad request: missing field: status")
    assert (unknown.status_code, unknown.text) == (200, "")
    assert [(r.status, r.provider_message_id) for r in stack.gateway.rows(t.delivery_reports)] == [
        ("32", "kannel-1-x")]
    assert stack.gateway.rows(t.inbound_messages) == []


def test_a_ucs2_mo_is_read_whole(stack: KannelStack) -> None:
    stack.kannel.inject(EMPLOYER_PHONE, SHORT_CODE, "AIDE ✓ Привет", ucs2=True)
    [query] = wait_for(lambda: stack.recorder.to("/sms/inbound"), "the get-url of the UCS-2 SMS", stack)
    assert (query["coding"], query["charset"]) == (["2"], ["UTF-16BE"])  # smsbox without mo-recode
    [stored] = wait_for(lambda: stack.gateway.rows(t.inbound_messages), "the stored SMS", stack)
    assert stored.text == "AIDE ✓ Привет"
