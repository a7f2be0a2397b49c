"""The Africa's Talking SMS transport: the real SDK against a local fake AT server, through the outbox worker."""
from __future__ import annotations

import logging
import socket
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import africastalking  # type: ignore[import-untyped]
import pytest

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.delivery import DeliveryOutcome
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage, sms_message
from core.ports import UnitOfWorkFactory
from core.services.outbox_worker import WorkReport, deliver_due, drain
from gateway.africastalking.sms_send import AfricasTalkingSmsTransport
from gateway.providers import configured_transports
from tests.support.clock import SettableClock
from tests.support.fake_at import FakeAfricasTalking, Reply
from tests.support.private_servers import free_port

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
PHONE = "+22890112233"
TEXT = "Reçu de paiement R-311050152686 : 47 250 FCFA. Merci, CNSS Togo"
KEY = "receipt:R-311050152686:sms"


@pytest.fixture
def fake() -> Iterator[FakeAfricasTalking]:
    with FakeAfricasTalking("key") as server:
        yield server


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def _transport(fake: FakeAfricasTalking, *, sender_id: str | None = "CNSS",
               timeout: tuple[float, float] = (1.0, 2.0)) -> AfricasTalkingSmsTransport:
    return AfricasTalkingSmsTransport("sandbox", "key", base_url=fake.url, sender_id=sender_id, timeout=timeout)


def _message(key: str = KEY, phone: str = PHONE, text: str = TEXT) -> OutboundMessage:
    return sms_message(phone, text, "payment_receipt", key, NOW, essential=True)


def _queue(uow_factory: UnitOfWorkFactory, *messages: OutboundMessage) -> None:
    with uow_factory() as uow:
        for message in messages or (_message(),):
            uow.outbox.add(message)
        uow.commit()


def _row(uow_factory: UnitOfWorkFactory, key: str = KEY) -> OutboundMessage:
    with uow_factory() as uow:
        message = uow.outbox.get(key)
    assert message is not None
    return message


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_an_accepted_sms_is_marked_sent_with_the_at_message_id(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock,
        content_type: str) -> None:
    fake.default = Reply.accept(content_type=content_type)  # the SDK returns a dict, then a str
    _queue(uow_factory)

    assert deliver_due(_transport(fake), uow_factory=uow_factory, clock=clock) == WorkReport(sent=1)

    [received] = fake.records()
    body = _message().body
    assert (received.to, received.message, received.sender, received.username) == (PHONE, body, "CNSS", "sandbox")
    assert received.outcome == "accepted" and "Recu de paiement" in body
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.provider_message_id, row.last_error) == (
        MessageStatus.SENT, 1, "ATXid_1", None)
    clock.advance(days=1)
    assert drain(_transport(fake), uow_factory=uow_factory, clock=clock) == WorkReport()
    assert fake.accepted() == {(PHONE, body): 1}


@pytest.mark.parametrize("status_code", [100, 101, 102])
def test_processed_sent_and_queued_recipients_all_count_as_accepted(fake: FakeAfricasTalking, status_code: int) -> None:
    fake.default = Reply.accept(status_code=status_code)
    result = _transport(fake).send(_message())
    assert (result.outcome, result.provider_message_id) == (DeliveryOutcome.ACCEPTED, "ATXid_1")


def test_without_a_sender_id_no_from_field_is_sent(fake: FakeAfricasTalking) -> None:
    assert _transport(fake, sender_id=None).send(_message()).outcome is DeliveryOutcome.ACCEPTED
    assert fake.records()[0].sender is None


@pytest.mark.parametrize(("status_code", "status", "outcome"), [
    (403, "InvalidPhoneNumber", DeliveryOutcome.PERMANENT),
    (404, "UnsupportedNumberType", DeliveryOutcome.PERMANENT),
    (406, "UserInBlacklist", DeliveryOutcome.PERMANENT),
    (409, "DoNotDisturbRejection", DeliveryOutcome.PERMANENT),
    (402, "InvalidSenderId", DeliveryOutcome.PERMANENT),
    (405, "InsufficientBalance", DeliveryOutcome.RETRY),
    (407, "CouldNotRoute", DeliveryOutcome.RETRY),
    (500, "InternalServerError", DeliveryOutcome.RETRY),
    (501, "GatewayError", DeliveryOutcome.RETRY),
    (502, "RejectedByGateway", DeliveryOutcome.RETRY),
    (401, "RiskHold", DeliveryOutcome.UNCERTAIN),
    (499, "SomethingNew", DeliveryOutcome.RETRY),
])
def test_each_recipient_status_code_is_classified(fake: FakeAfricasTalking, status_code: int, status: str,
                                                   outcome: DeliveryOutcome) -> None:
    fake.default = Reply.recipient_error(status_code, status)
    result = _transport(fake).send(_message())
    assert result.outcome is outcome
    assert result.error is not None and str(status_code) in result.error and status in result.error
    assert result.provider_message_id is None


def test_a_refused_number_fails_for_good_and_is_never_sent_again(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock,
        caplog: pytest.LogCaptureFixture) -> None:
    fake.reply_to(PHONE, Reply.recipient_error(406, "UserInBlacklist"))
    other = _message("receipt:2:sms", "+22891234567", "Recu de paiement R-2")
    _queue(uow_factory, _message(), other)

    with caplog.at_level(logging.DEBUG):
        assert drain(_transport(fake), uow_factory=uow_factory, clock=clock) == WorkReport(sent=1, failed=1)
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.FAILED, 1, "406 UserInBlacklist")
    assert _row(uow_factory, "receipt:2:sms").status is MessageStatus.SENT
    clock.advance(days=1)
    assert drain(_transport(fake), uow_factory=uow_factory, clock=clock) == WorkReport()
    assert len(fake.records()) == 2
    assert PHONE not in caplog.text and "****2233" in caplog.text and "Recu de paiement" not in caplog.text


def test_an_invalid_sender_id_with_no_recipients_fails_for_good_and_says_so_loudly(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock,
        caplog: pytest.LogCaptureFixture) -> None:
    fake.default = Reply.invalid_sender()
    _queue(uow_factory)

    with caplog.at_level(logging.INFO):
        assert deliver_due(_transport(fake, sender_id="NOPE"), uow_factory=uow_factory, clock=clock) == WorkReport(
            failed=1)
    row = _row(uow_factory)
    assert (row.status, row.last_error) == (
        MessageStatus.FAILED, "InvalidSenderId: the configured sender id is refused")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "SMS_SENDER_ID" in errors[0].getMessage() and "'NOPE'" in errors[0].getMessage()
    assert fake.records()[0].sender == "NOPE"


def test_http_5xx_is_retried_with_backoff_then_accepted(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    fake.reply_next(Reply.http_error(503, "Service Unavailable"), Reply.http_error(500, "Internal Server Error"))
    _queue(uow_factory)
    transport = _transport(fake)

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(retried=1)
    first = _row(uow_factory)
    assert (first.status, first.attempts, first.next_attempt_at) == (
        MessageStatus.QUEUED, 1, NOW + timedelta(seconds=30))
    assert first.last_error == "http error: Service Unavailable"
    clock.advance(seconds=29)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport()  # backing off
    clock.advance(seconds=1)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(retried=1)
    clock.advance(seconds=60)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(sent=1)

    assert [r.outcome for r in fake.records()] == ["http_error", "http_error", "accepted"]
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.provider_message_id, row.last_error) == (
        MessageStatus.SENT, 3, "ATXid_3", None)
    assert fake.accepted() == {(PHONE, row.body): 1}


def test_a_read_timeout_is_uncertain_and_the_worker_never_sends_it_again(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    fake.default = Reply.accept(delay_s=0.8)  # AT takes it but answers after the client gave up
    _queue(uow_factory)
    transport = _transport(fake, timeout=(1.0, 0.3))

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(uncertain=1)
    fake.default = Reply.accept()
    for _ in range(3):
        clock.advance(hours=6)
        assert drain(transport, uow_factory=uow_factory, clock=clock) == WorkReport()

    row = _row(uow_factory)
    assert (row.status, row.attempts, row.next_attempt_at) == (MessageStatus.UNCERTAIN, 1, None)
    assert row.last_error == "read timeout after 0.3 s: AT may have sent it"
    assert fake.accepted() == {(PHONE, row.body): 1}  # the fake did take it: exactly why it is not re-sent


def test_a_connection_dropped_after_the_request_is_uncertain(fake: FakeAfricasTalking) -> None:
    fake.default = Reply.hold()
    fake.release()  # held requests are hung up on at once, without an answer
    result = _transport(fake).send(_message())
    assert (result.outcome, result.error) == (
        DeliveryOutcome.UNCERTAIN, "network: ConnectionError after the request was sent")


def test_connection_refused_is_retried_and_later_sent(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory)
    down = AfricasTalkingSmsTransport("sandbox", "key", base_url=f"http://127.0.0.1:{free_port()}",
                                      timeout=(1.0, 1.0))

    assert deliver_due(down, uow_factory=uow_factory, clock=clock) == WorkReport(retried=1)
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.last_error) == (
        MessageStatus.QUEUED, 1, "network: ConnectionError before the request was sent")
    clock.advance(seconds=30)
    assert deliver_due(_transport(fake), uow_factory=uow_factory, clock=clock) == WorkReport(sent=1)
    assert _row(uow_factory).provider_message_id == "ATXid_1" and len(fake.records()) == 1


def test_a_connect_timeout_is_retried() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        backlog = [socket.socket() for _ in range(3)]  # fill the accept queue: further SYNs are dropped
        for client in backlog:
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
        try:
            transport = AfricasTalkingSmsTransport("sandbox", "key", base_url=f"http://127.0.0.1:{port}",
                                                   timeout=(0.3, 1.0))
            result = transport.send(_message())
        finally:
            for client in backlog:
                client.close()
    assert (result.outcome, result.error) == (
        DeliveryOutcome.RETRY, "network: ConnectTimeout before the request was sent")


@pytest.mark.parametrize(("reply", "outcome", "error"), [
    (Reply.raw("<html>oops</html>"), DeliveryOutcome.UNCERTAIN, "unreadable answer: <html>oops</html>"),
    (Reply.raw('{"unexpected": true}', content_type="application/json"), DeliveryOutcome.UNCERTAIN,
     "unreadable answer: {'unexpected': True}"),
    (Reply.raw("not json", content_type="application/json"), DeliveryOutcome.UNCERTAIN,
     "unreadable answer: invalid JSON"),
    (Reply.http_error(504, "<html><h1>504 Gateway Time-out</h1></html>"), DeliveryOutcome.UNCERTAIN,
     "http gateway timeout: <html><h1>504 Gateway Time-out</h1></html>"),
    (Reply.http_error(429, "Too Many Requests"), DeliveryOutcome.RETRY, "http error: Too Many Requests"),
    (Reply.raw('{"SMSMessageData": {"Message": "Sent to 0/1", "Recipients": []}}'), DeliveryOutcome.RETRY,
     "no recipient taken: Sent to 0/1"),
])
def test_odd_answers_are_classified_without_guessing(fake: FakeAfricasTalking, reply: Reply,
                                                     outcome: DeliveryOutcome, error: str) -> None:
    fake.default = reply
    result = _transport(fake).send(_message())
    assert (result.outcome, result.error) == (outcome, error)


def test_a_wrong_api_key_is_retried_and_logged_as_a_configuration_error(
        fake: FakeAfricasTalking, caplog: pytest.LogCaptureFixture) -> None:
    transport = AfricasTalkingSmsTransport("sandbox", "wrong", base_url=fake.url)
    with caplog.at_level(logging.INFO):
        result = transport.send(_message())
    assert (result.outcome, result.error) == (
        DeliveryOutcome.RETRY, "http error: The supplied authentication is invalid")
    assert fake.rejected_auth == 1 and fake.records() == []
    assert any(r.levelno == logging.ERROR and "AT_API_KEY" in r.getMessage() for r in caplog.records)


def test_a_number_without_plus_is_refused_before_any_request(fake: FakeAfricasTalking) -> None:
    result = _transport(fake).send(_message(phone="22890112233"))
    assert result.outcome is DeliveryOutcome.PERMANENT and fake.records() == []


def test_no_log_line_or_recorded_error_carries_the_number_or_the_text(
        fake: FakeAfricasTalking, caplog: pytest.LogCaptureFixture) -> None:
    fake.reply_next(Reply.http_error(500, f"failed for {PHONE}"), Reply.recipient_error(403, "InvalidPhoneNumber"),
                    Reply.raw(f"<p>{PHONE}</p>"), Reply.invalid_sender())
    transport = _transport(fake, timeout=(0.5, 0.3))
    with caplog.at_level(logging.DEBUG):
        results = [transport.send(_message()) for _ in range(4)]
        fake.default = Reply.accept(delay_s=0.6)
        results.append(transport.send(_message()))
    recorded = " ".join(str(r.error) for r in results) + caplog.text
    assert PHONE not in recorded and PHONE[1:] not in recorded and "Recu de paiement" not in recorded
    assert "****2233" in caplog.text and "***" in str(results[0].error)


def test_the_sdk_posts_to_the_configured_base_url_and_needs_no_warning_filter() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # constructing the SMS service alone emits nothing
        transport = AfricasTalkingSmsTransport("sandbox", "key", base_url="http://127.0.0.1:8099/")
    assert transport.endpoint == "http://127.0.0.1:8099/version1/messaging"
    live = AfricasTalkingSmsTransport("cnss-togo", "key")
    assert live.endpoint == "https://api.africastalking.com/version1/messaging" and "key" not in repr(live)
    with pytest.raises(ValueError):
        AfricasTalkingSmsTransport("sandbox", "key", base_url="127.0.0.1:8099")
    with pytest.raises(ValueError):
        AfricasTalkingSmsTransport("sandbox", "")


def test_the_sdk_global_initialize_warning_is_filtered_by_the_pytest_configuration() -> None:
    # initialize("sandbox") warns about WhatsApp; with filterwarnings=error this test fails unless
    # pyproject's "ignore::UserWarning:africastalking" really matches the SDK's module.
    africastalking.initialize("sandbox", "key")
    assert africastalking.SMS is not None


def test_configured_transports_add_africas_talking_when_an_api_key_is_set() -> None:
    assert configured_transports({"AT_API_KEY": None}) == []
    [sms] = configured_transports({"AT_API_KEY": "key", "AT_USERNAME": "sandbox",
                                   "AT_API_BASE_URL": "http://127.0.0.1:8099", "SMS_SENDER_ID": "CNSS"})
    assert isinstance(sms, AfricasTalkingSmsTransport) and sms.channel is MessageChannel.SMS
    assert (sms.endpoint, sms.sender_id, sms.username) == ("http://127.0.0.1:8099/version1/messaging", "CNSS",
                                                            "sandbox")


def test_the_outbox_work_command_sends_queued_sms_through_the_fake(fake: FakeAfricasTalking, tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "AT_API_KEY": "key", "AT_USERNAME": "sandbox",
                      "AT_API_BASE_URL": fake.url, "SMS_SENDER_ID": "CNSS", "SMTP_URL": None})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    now = datetime.now(timezone.utc) - timedelta(seconds=1)
    messages = [sms_message(f"+2289011{n:04d}", f"Recu de paiement R-{n:04d}", "payment_receipt", f"receipt:{n}:sms",
                            now, essential=True) for n in range(3)]
    _queue(rt.uow_factory, *messages)

    result = app.test_cli_runner().invoke(args=["outbox-work", "--once"])

    assert result.exit_code == 0, result.output
    assert "sms: sent 3, retried 0, failed 0, uncertain 0" in result.output
    assert fake.accepted() == {(m.recipient, m.body): 1 for m in messages}
    assert {r.sender for r in fake.records()} == {"CNSS"}
    rows = [_row(rt.uow_factory, m.idempotency_key) for m in messages]
    assert {r.status for r in rows} == {MessageStatus.SENT}
    assert all((r.provider_message_id or "").startswith("ATXid_") for r in rows)
    again = app.test_cli_runner().invoke(args=["outbox-work", "--once"])
    assert "sms: sent 0, retried 0, failed 0, uncertain 0" in again.output and len(fake.records()) == 3


def test_consecutive_sends_reuse_one_kept_alive_connection(fake: FakeAfricasTalking) -> None:
    transport = _transport(fake)
    results = [transport.send(_message(f"k{n}", f"+2289011220{n}")) for n in range(3)]

    assert [r.outcome for r in results] == [DeliveryOutcome.ACCEPTED] * 3
    assert len(fake.records("accepted")) == 3 and fake.connections == 1  # requests.post opened one per send


def test_a_connection_idle_too_long_is_replaced_before_the_next_send(fake: FakeAfricasTalking) -> None:
    transport = _transport(fake)
    transport.send(_message("k1"))
    transport._http._last_used -= 60  # as if a minute had passed: the server may have closed it meanwhile
    transport.send(_message("k2", "+22890112234"))

    assert fake.connections == 2 and len(fake.records("accepted")) == 2


def test_one_text_to_several_recipients_is_one_request_answered_per_recipient(fake: FakeAfricasTalking) -> None:
    phones = ["+22890112201", "+22890112202", "+22890112203"]
    fake.reply_to(phones[1], Reply.recipient_error(406, "UserInBlacklist"))
    messages = [_message(f"k{n}", phone, "CNSS: la declaration de mars est ouverte") for n, phone in enumerate(phones)]

    results = _transport(fake).send_group(messages)

    assert {r.seq for r in fake.records()} == {1}  # one request
    assert [(r.outcome, r.provider_message_id) for r in results] == [
        (DeliveryOutcome.ACCEPTED, "ATXid_1"), (DeliveryOutcome.PERMANENT, None),
        (DeliveryOutcome.ACCEPTED, "ATXid_1_2")]
    assert results[1].error == "406 UserInBlacklist"
    assert [(r.to, r.outcome) for r in fake.records()] == [
        (phones[0], "accepted"), (phones[1], "refused"), (phones[2], "accepted")]


def test_a_malformed_number_in_a_group_is_refused_alone_and_the_others_go(fake: FakeAfricasTalking) -> None:
    messages = [_message("k1", "+22890112201"), _message("k2", "22890112202"), _message("k3", "+22890112203")]

    results = _transport(fake).send_group(messages)

    assert [r.outcome for r in results] == [DeliveryOutcome.ACCEPTED, DeliveryOutcome.PERMANENT,
                                            DeliveryOutcome.ACCEPTED]
    assert [r.to for r in fake.records()] == ["+22890112201", "+22890112203"]


def test_a_grouped_request_that_times_out_leaves_every_message_uncertain(fake: FakeAfricasTalking) -> None:
    fake.default = Reply.accept(delay_s=0.6)
    messages = [_message(f"k{n}", f"+2289011220{n}") for n in range(3)]

    results = _transport(fake, timeout=(1.0, 0.2)).send_group(messages)

    assert {r.outcome for r in results} == {DeliveryOutcome.UNCERTAIN} and len(results) == 3
    assert all(r.provider_message_id is None for r in results)


def test_an_answer_that_omits_a_recipient_leaves_that_one_uncertain(fake: FakeAfricasTalking) -> None:
    body = ('{"SMSMessageData": {"Message": "Sent to 1/2", "Recipients": [{"statusCode": 101, '
            '"number": "+22890112201", "status": "Success", "cost": "XOF 25", "messageId": "ATXid_9"}]}}')
    fake.reply_next(Reply.raw(body, content_type="application/json", http_status=201))
    messages = [_message("k1", "+22890112201"), _message("k2", "+22890112202")]

    results = _transport(fake).send_group(messages)

    assert [(r.outcome, r.provider_message_id) for r in results] == [
        (DeliveryOutcome.ACCEPTED, "ATXid_9"), (DeliveryOutcome.UNCERTAIN, None)]


def test_a_group_must_be_one_text_to_distinct_recipients(fake: FakeAfricasTalking) -> None:
    transport = _transport(fake)
    with pytest.raises(ValueError):
        transport.send_group([_message("k1"), _message("k2")])  # the same phone twice
    with pytest.raises(ValueError):
        transport.send_group([_message("k1", text="a"), _message("k2", "+22890112234", text="b")])
    assert fake.records() == []


def test_the_worker_sends_one_text_to_many_phones_in_one_request_and_settles_each_row(
        fake: FakeAfricasTalking, uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    phones = [f"+228901122{n:02d}" for n in range(5)]
    notice = "CNSS: la declaration de mars est ouverte"
    _queue(uow_factory, *(_message(f"n{n}", phone, notice) for n, phone in enumerate(phones)),
           _message("other", phones[0], "CNSS: un autre texte"))
    fake.reply_to(phones[3], Reply.recipient_error(403, "InvalidPhoneNumber"))

    report = drain(_transport(fake), uow_factory=uow_factory, clock=clock)

    assert report == WorkReport(sent=5, failed=1)
    assert sorted({r.seq for r in fake.records()}) == [1, 2] and fake.connections == 1
    rows = {key: _row(uow_factory, key) for key in [f"n{n}" for n in range(5)] + ["other"]}
    assert [(rows[f"n{n}"].status, rows[f"n{n}"].provider_message_id) for n in range(5)] == [
        (MessageStatus.SENT, "ATXid_1"), (MessageStatus.SENT, "ATXid_1_1"), (MessageStatus.SENT, "ATXid_1_2"),
        (MessageStatus.FAILED, None), (MessageStatus.SENT, "ATXid_1_4")]
    assert rows["n3"].last_error == "403 InvalidPhoneNumber" and rows["other"].provider_message_id == "ATXid_2"
    assert {m.attempts for m in rows.values()} == {1}
