"""Kannel's wire formats: get-url and dlr-url queries parsed purely, and the sendsms answers classified against a
tiny local HTTP server answering like smsbox."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from config import ConfigError
from core.domain.delivery import DeliveryOutcome
from core.domain.delivery_reports import DeliveryState, meaning_of
from core.domain.outbox import OutboundMessage, sms_message
from gateway.base import MalformedRequestError
from gateway.kannel.provider import KANNEL, sms_transport
from gateway.kannel.sms import inbound_text, parse_delivery_report, parse_inbound_sms
from gateway.kannel.sms_send import KannelSmsTransport
from tests.support.private_servers import free_port

AT = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
PHONE = "+22890112233"
UUID = "2465e3ca-d4bf-435a-97f2-4f186bac4040"
TEXT = "CNSS: votre déclaration a été enregistrée, à régler avant le 15"
PASSWORD = "pa55-word"
BASE = {"key": "k", "from": PHONE, "to": "8323", "text": "SOLDE", "id": UUID, "smsc": "moov", "coding": "0",
        "charset": "UTF-8"}


def _inbound(**changes: str | None) -> dict[str, str]:
    args = {**BASE, **changes}
    return {name: value for name, value in args.items() if value is not None}


@pytest.mark.parametrize(("args", "expected"), [
    (_inbound(ts=str(int((AT - timedelta(minutes=1)).timestamp()))),
     (UUID, PHONE, "8323", "SOLDE", AT - timedelta(minutes=1), "moov")),
    (_inbound(text="STOP  merci\n  à vous\x00\x07"), (UUID, PHONE, "8323", "STOP  merci\n  à vous", None, "moov")),
    (_inbound(**{"from": " 22890112233"}), (UUID, PHONE, "8323", "SOLDE", None, "moov")),  # '+' sent unencoded
    (_inbound(**{"from": "90112233"}), (UUID, PHONE, "8323", "SOLDE", None, "moov")),  # national form
    (_inbound(**{"from": "ibbank"}), (UUID, "IBBANK", "8323", "SOLDE", None, "moov")),  # alphanumeric sender id
    (_inbound(text=None, smsc="a-very-long-smsc-id"), (UUID, PHONE, "8323", "", None, None)),
    (_inbound(ts="garbage"), (UUID, PHONE, "8323", "SOLDE", None, "moov")),
    (_inbound(ts=str(int((AT + timedelta(days=3)).timestamp()))), (UUID, PHONE, "8323", "SOLDE", None, "moov")),
    (_inbound(ts="9" * 40), (UUID, PHONE, "8323", "SOLDE", None, "moov")),
    (_inbound(text="x" * 2000), (UUID, PHONE, "8323", "x" * 2000, None, "moov")),
])
def test_incoming_sms_queries_are_parsed(args: dict[str, str], expected: tuple[Any, ...]) -> None:
    sms = parse_inbound_sms(args, AT)
    assert (sms.provider_message_id, sms.sender, sms.recipient, sms.text, sms.sent_at, sms.network_code) == expected
    assert (sms.provider, sms.received_at, sms.link_id) == ("kannel", AT, None)


@pytest.mark.parametrize(("args", "reason"), [
    (_inbound(**{"from": None}), "missing field: from"),
    (_inbound(**{"from": "  "}), "missing field: from"),
    (_inbound(to=None), "missing field: to"),
    (_inbound(id=None), "missing field: id"),
    (_inbound(id=""), "missing field: id"),
    (_inbound(**{"from": "+228\n90112233"}), "from: non-printable character"),
    (_inbound(id="abc\x00def"), "id: non-printable character"),
    (_inbound(to="8323\x1b"), "to: non-printable character"),
    (_inbound(id="x" * 101), "id: too long"),
    (_inbound(**{"from": "S" * 33}), "from: too long"),
    (_inbound(text="x" * 2001), "text: too long"),
])
def test_malformed_incoming_sms_queries_name_their_fault(args: dict[str, str], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as raised:
        parse_inbound_sms(args, AT)
    assert raised.value.reason == reason


def test_a_ucs2_text_is_read_from_the_raw_query() -> None:
    text = "Привет  CNSS ✓"
    query = "key=k&from=%2B22890112233&text=" + quote(text.encode("utf-16-be"), safe="") + "&charset=UTF-16BE"
    assert inbound_text(query.encode(), "UTF-16BE") == text
    assert inbound_text(b"text=SOLDE&charset=UTF-8", "UTF-8") is None and inbound_text(b"text=x", None) is None
    with pytest.raises(MalformedRequestError) as raised:
        inbound_text(b"text=%00%41%00", "UTF-16BE")  # an odd number of bytes
    assert raised.value.reason == "text: bad encoding (not UTF-16BE)"


@pytest.mark.parametrize(("args", "expected"), [
    ({"id": "kannel-7-ab12", "status": "1", "to": PHONE, "answer": ""},
     ("kannel-7-ab12", "1", PHONE, None, DeliveryState.DELIVERED, True)),
    ({"id": "kannel-7-ab12", "status": "8", "to": PHONE, "answer": "ACK/"},
     ("kannel-7-ab12", "8", PHONE, None, DeliveryState.SENT, False)),
    ({"id": "kannel-7-ab12", "status": "4", "to": " 22890112233"},
     ("kannel-7-ab12", "4", PHONE, None, DeliveryState.SENT, False)),
    ({"id": "kannel-7-ab12", "status": "2", "answer": "NACK/0x0000000b/Invalid Destination Address"},
     ("kannel-7-ab12", "2", None, "NACK/0x0000000b/Invalid Destination Address", DeliveryState.FAILED, True)),
    ({"id": "kannel-7-ab12", "status": "16", "answer": "NACK/" + "x" * 100},
     ("kannel-7-ab12", "16", None, ("NACK/" + "x" * 100)[:64], DeliveryState.FAILED, True)),
    ({"id": " kannel-7-ab12\x00 ", "status": "32", "answer": "odd"},  # unknown: verbatim, changes nothing
     ("kannel-7-ab12", "32", None, None, DeliveryState.UNKNOWN, False)),
    ({"id": "x" * 150, "status": "Delivered" * 5},
     ("x" * 100, ("Delivered" * 5)[:32], None, None, DeliveryState.UNKNOWN, False)),
])
def test_delivery_report_queries_are_read_with_the_status_verbatim(args: dict[str, str],
                                                                     expected: tuple[Any, ...]) -> None:
    report = parse_delivery_report(args, AT)
    assert (report.provider_message_id, report.status, report.phone, report.failure_reason, report.meaning.state,
            report.meaning.final) == expected
    assert (report.provider, report.received_at) == ("kannel", AT)


@pytest.mark.parametrize(("args", "reason"), [
    ({"status": "1"}, "missing field: id"), ({"id": "x"}, "missing field: status"),
    ({"id": " ", "status": "1"}, "missing field: id"), ({"id": "x", "status": "\x07"}, "missing field: status"),
])
def test_a_report_without_id_or_status_is_malformed(args: dict[str, str], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as raised:
        parse_delivery_report(args, AT)
    assert raised.value.reason == reason


def test_the_kannel_status_table_is_registered() -> None:
    table = {status: (meaning_of("kannel", status).state, meaning_of("kannel", status).final)
             for status in ("1", "2", "4", "8", "16", "0", "")}
    assert table == {"1": (DeliveryState.DELIVERED, True), "2": (DeliveryState.FAILED, True),
                     "4": (DeliveryState.SENT, False), "8": (DeliveryState.SENT, False),
                     "16": (DeliveryState.FAILED, True), "0": (DeliveryState.UNKNOWN, False),
                     "": (DeliveryState.UNKNOWN, False)}


# --- the transport against a local server answering like smsbox ----------------------------------------------

@dataclass
class Answer:
    """What the fake smsbox does with one request."""

    status: int = 202
    body: str = "0: Accepted for delivery"
    delay: float = 0.0
    drop: bool = False  # read the request, then close the connection without answering


@dataclass
class FakeSmsbox:
    """A tiny HTTP/1.1 server answering ``/cgi-bin/sendsms`` like Kannel's smsbox (one scripted answer)."""

    answer: Answer = field(default_factory=Answer)
    queries: list[str] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)

    def serve(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                fake.queries.append(urlsplit(self.path).query)
                fake.clients.append(self.client_address[1])
                answer = fake.answer
                if answer.drop:
                    self.close_connection = True
                    return
                time.sleep(answer.delay)
                body = answer.body.encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args: Any) -> None:
                pass

        return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def smsbox() -> Iterator[tuple[FakeSmsbox, str]]:
    fake = FakeSmsbox()
    server = fake.serve()
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/sendsms"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _transport(url: str, **kwargs: Any) -> KannelSmsTransport:
    options: dict[str, Any] = {"callback_url": "http://10.0.0.5:8000/", "callback_key": "cb-key", "smsc": "moov",
                               "sender_id": "CNSS", "timeout": (0.5, 0.5)}
    return KannelSmsTransport(url, "cnss", PASSWORD, **{**options, **kwargs})


def _message(message_id: int | None = 7) -> OutboundMessage:
    message = sms_message(PHONE, TEXT, "statement", "key-1", AT)
    return OutboundMessage(message.channel, message.recipient, message.body, message.purpose,
                           message.idempotency_key, message.created_at, message_id=message_id)


def test_an_accepted_sms_carries_every_sendsms_parameter_and_its_own_provider_id(
        smsbox: tuple[FakeSmsbox, str]) -> None:
    fake, url = smsbox
    transport = _transport(url)
    result = transport.send(_message())
    assert result.outcome is DeliveryOutcome.ACCEPTED and result.error is None
    provider_id = result.provider_message_id or ""
    assert provider_id.startswith("kannel-7-") and len(provider_id) == len("kannel-7-") + 12
    [query] = fake.queries
    sent = {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}
    assert sent == {
        "username": "cnss", "password": PASSWORD, "to": PHONE, "text": TEXT, "from": "CNSS", "charset": "UTF-8",
        "coding": "0", "smsc": "moov", "dlr-mask": "31",
        "dlr-url": f"http://10.0.0.5:8000/gateway/kannel/sms/delivery?key=cb-key&id={provider_id}"
                   "&status=%d&to=%p&answer=%A"}
    assert "%25d" in query and "%26status" in query  # the dlr-url travels percent-encoded as one value
    again = transport.send(_message())
    assert again.provider_message_id != provider_id  # one id per attempt
    assert fake.clients[0] == fake.clients[1]  # the connection was kept alive
    transport.close()


def test_without_sender_id_smsc_or_key_those_parameters_are_left_out(smsbox: tuple[FakeSmsbox, str]) -> None:
    fake, url = smsbox
    result = _transport(url, sender_id=None, smsc=None, callback_key=None).send(_message(None))
    assert (result.provider_message_id or "").startswith("kannel-") and result.outcome is DeliveryOutcome.ACCEPTED
    sent = parse_qs(fake.queries[0])
    assert "from" not in sent and "smsc" not in sent
    assert sent["dlr-url"][0].startswith("http://10.0.0.5:8000/gateway/kannel/sms/delivery?id=kannel-")


@pytest.mark.parametrize(("answer", "outcome", "error"), [
    (Answer(202, "3: Queued for later delivery"), DeliveryOutcome.ACCEPTED, None),
    (Answer(403, "Authorization failed for sendsms"), DeliveryOutcome.RETRY,
     "http 403: Authorization failed for sendsms"),
    (Answer(400, "Missing receiver number, rejected"), DeliveryOutcome.PERMANENT,
     "http 400: Missing receiver number, rejected"),
    (Answer(400, "Number(s) has/have been denied by white- and/or black-lists."), DeliveryOutcome.PERMANENT,
     "http 400: Number(s) has/have been denied by white- and/or black-lists."),
    (Answer(503, "Temporal failure, try again later."), DeliveryOutcome.RETRY,
     "http 503: Temporal failure, try again later."),
    (Answer(502, ""), DeliveryOutcome.RETRY, "http 502"),
    (Answer(504, "Gateway Timeout"), DeliveryOutcome.UNCERTAIN, "http 504: Gateway Timeout"),
    (Answer(202, "Something else"), DeliveryOutcome.UNCERTAIN, "unknown answer http 202: Something else"),
    (Answer(delay=1.5), DeliveryOutcome.UNCERTAIN, "read timeout after 0.5 s: Kannel may have taken it"),
    (Answer(drop=True), DeliveryOutcome.UNCERTAIN, "network: ConnectionError after the request was sent"),
])
def test_sendsms_answers_are_classified(smsbox: tuple[FakeSmsbox, str], caplog: pytest.LogCaptureFixture,
                                        answer: Answer, outcome: DeliveryOutcome, error: str | None) -> None:
    fake, url = smsbox
    fake.answer = answer
    with caplog.at_level(logging.DEBUG):
        result = _transport(url).send(_message())
    assert (result.outcome, result.error) == (outcome, error)
    # Accepted and uncertain keep the id the dlr-url carries: a later report settles the message by it.
    has_id = outcome in (DeliveryOutcome.ACCEPTED, DeliveryOutcome.UNCERTAIN)
    assert (result.provider_message_id or "").startswith("kannel-7-") is has_id
    assert PHONE not in caplog.text and PASSWORD not in caplog.text and "d%C3%A9claration" not in caplog.text
    if not answer.drop and not answer.delay:  # urllib3's DEBUG request line, its secrets masked
        assert "/cgi-bin/sendsms?username=cnss&password=***&to=***&text=***" in caplog.text
    if answer.status == 403:
        assert "KANNEL_PASSWORD" in caplog.text and any(r.levelno == logging.ERROR for r in caplog.records)


def test_kannel_unreachable_is_retried(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms"
    with caplog.at_level(logging.DEBUG):
        result = _transport(url).send(_message())
    assert (result.outcome, result.error, result.provider_message_id) == (
        DeliveryOutcome.RETRY, "network: ConnectionError before the request was sent", None)
    assert PASSWORD not in caplog.text and PHONE not in caplog.text and "****2233" in caplog.text


@pytest.mark.parametrize(("kwargs", "fault"), [
    ({"callback_url": ""}, "KANNEL_CALLBACK_URL"), ({"callback_key": "a+b/c"}, "KANNEL_CALLBACK_KEY"),
    ({"callback_key": "100%d"}, "KANNEL_CALLBACK_KEY"), ({"timeout": (0, 1)}, "timeout"),
])
def test_unusable_settings_are_refused_when_the_transport_is_built(kwargs: dict[str, Any], fault: str) -> None:
    with pytest.raises(ValueError, match=fault):
        _transport("http://127.0.0.1:13013/cgi-bin/sendsms", **kwargs)


def test_the_provider_builds_its_transport_from_the_settings() -> None:
    config = {"KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms", "KANNEL_USERNAME": "cnss",
              "KANNEL_PASSWORD": PASSWORD, "KANNEL_CALLBACK_URL": "http://10.0.0.5:8000", "SMS_SENDER_ID": "CNSS"}
    assert KANNEL.name == "kannel" and KANNEL.blueprint is not None and KANNEL.sms_transport is sms_transport
    assert sms_transport({}) is None
    transport = sms_transport(config)
    assert isinstance(transport, KannelSmsTransport) and PASSWORD not in repr(transport)
    assert transport.max_send_s == pytest.approx(13.05)
    with pytest.raises(ConfigError, match="KANNEL_PASSWORD, KANNEL_CALLBACK_URL"):
        sms_transport({**config, "KANNEL_PASSWORD": "", "KANNEL_CALLBACK_URL": None})
    with pytest.raises(ConfigError, match="KANNEL_CALLBACK_KEY"):
        sms_transport({**config, "KANNEL_CALLBACK_KEY": "not safe"})


def test_a_query_built_by_hand_round_trips() -> None:
    query = urlencode({**BASE, "text": "REF 3110 5015 2686"})
    args = {name: values[0] for name, values in parse_qs(query).items()}
    assert parse_inbound_sms(args, AT).text == "REF 3110 5015 2686"


def test_kannel_is_a_registered_provider_chosen_by_sms_provider() -> None:
    from gateway.providers import registered, sms_transport as configured_sms_transport

    kannel = {"KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms", "KANNEL_USERNAME": "cnss",
              "KANNEL_PASSWORD": PASSWORD, "KANNEL_CALLBACK_URL": "http://10.0.0.5:8000"}
    assert KANNEL in registered()
    assert isinstance(configured_sms_transport(kannel), KannelSmsTransport)
    both = {**kannel, "AT_API_KEY": "at-key", "AT_USERNAME": "sandbox"}
    assert isinstance(configured_sms_transport({**both, "SMS_PROVIDER": "kannel"}), KannelSmsTransport)
    with pytest.raises(ConfigError, match="SMS_PROVIDER"):
        configured_sms_transport(both)
