"""The SMTP transport and the outbox-work command against a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import asyncio
import email
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.delivery import DeliveryOutcome
from core.domain.outbox import MessageChannel, MessageStatus, OutboundMessage
from core.ports import UnitOfWorkFactory
from core.services.outbox_worker import WorkReport, deliver_due
from gateway.email.smtp import SmtpTransport, parse_smtp_url
from gateway.runtime import Runtime
from tests.support.clock import SettableClock
from tests.support.private_servers import free_port

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
RECIPIENT = "compta@boulangerie-du-port.tg"
REFUSED = "ancien@boulangerie-du-port.tg"
SUBJECT = "Reçu de paiement CNSS n° R-311050152686"
BODY = "Reçu de paiement\nCaisse Nationale de Sécurité Sociale\n.\nMontant : 47 250 FCFA — merci."


@dataclass
class Handler:
    """An aiosmtpd handler that records what it accepts; refuses or stalls on demand."""

    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> reply
    data_reply: str = "250 2.0.0 Ok: queued as 4F3XQ"
    rcpt_delay_s: float = 0.0
    data_delay_s: float = 0.0
    received: list[Any] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        await asyncio.sleep(self.rcpt_delay_s)
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.data_delay_s)
        if self.data_reply.startswith("250"):
            self.received.append(envelope)
        return self.data_reply

    def emails(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default)
                for e in self.received]


@pytest.fixture
def smtp_server() -> Iterator[Callable[[Handler], int]]:
    """Starts real SMTP servers on 127.0.0.1 (free ports); all stopped at the end of the test."""
    controllers: list[Controller] = []

    def start(handler: Handler) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def _queue(uow_factory: UnitOfWorkFactory, now: datetime, key: str = "receipt:R-311050152686:email",
           recipient: str = RECIPIENT) -> None:
    with uow_factory() as uow:
        uow.outbox.add(OutboundMessage(MessageChannel.EMAIL, recipient, BODY, "payment_receipt", key, now,
                                       essential=True, subject=SUBJECT))
        uow.commit()


def _row(uow_factory: UnitOfWorkFactory, key: str = "receipt:R-311050152686:email") -> OutboundMessage:
    with uow_factory() as uow:
        message = uow.outbox.get(key)
    assert message is not None
    return message


def _text(message: EmailMessage) -> str:
    return str(message.get_content()).replace("\r\n", "\n")


def test_a_queued_email_is_delivered_once_with_its_subject_and_accents(
        smtp_server: Callable[[Handler], int], uow_factory: SqlAlchemyUnitOfWorkFactory,
        clock: SettableClock) -> None:
    handler = Handler()
    transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_server(handler)}")
    _queue(uow_factory, clock.now())

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(sent=1)

    assert len(handler.received) == 1
    envelope, [received] = handler.received[0], handler.emails()
    assert (envelope.mail_from, envelope.rcpt_tos) == ("no-reply@cnss.tg", [RECIPIENT])
    assert received["Subject"] == SUBJECT and received["To"] == RECIPIENT
    assert received["From"] == "CNSS Togo <no-reply@cnss.tg>"
    assert received.get_content_charset() == "utf-8"
    assert _text(received) == BODY + "\n"  # "Reçu", "Sécurité" and a lone "." line intact
    assert received["Message-ID"].endswith(".outbox@cnss.tg>")
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.sent_at, row.provider_message_id) == (
        MessageStatus.SENT, 1, NOW, "4F3XQ")
    clock.advance(hours=1)
    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport()
    assert len(handler.received) == 1


def test_every_attempt_of_a_message_carries_the_same_message_id() -> None:
    transport = SmtpTransport("smtp://127.0.0.1:25")
    message = OutboundMessage(MessageChannel.EMAIL, RECIPIENT, BODY, "payment_receipt", "receipt:1:email", NOW,
                              subject=SUBJECT)
    other = OutboundMessage(MessageChannel.EMAIL, RECIPIENT, BODY, "payment_receipt", "receipt:2:email", NOW,
                            subject=SUBJECT)
    assert transport.compose(message)["Message-ID"] == transport.compose(message)["Message-ID"]
    assert transport.compose(message)["Message-ID"] != transport.compose(other)["Message-ID"]


def test_a_refused_recipient_fails_for_good_without_its_address_in_the_record(
        smtp_server: Callable[[Handler], int], uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock,
        caplog: pytest.LogCaptureFixture) -> None:
    handler = Handler(refuse_rcpt={REFUSED: f"550 5.1.1 <{REFUSED}>: Recipient address rejected"})
    transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_server(handler)}")
    _queue(uow_factory, clock.now(), recipient=REFUSED)

    assert deliver_due(transport, uow_factory=uow_factory, clock=clock) == WorkReport(failed=1)

    row = _row(uow_factory)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 1)
    assert row.last_error is not None and row.last_error.startswith("RCPT TO: 550 5.1.1")
    assert "ancien@" not in row.last_error and "@boulangerie-du-port.tg" in row.last_error
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]  # not the test server's log
    assert not [line for line in ours if REFUSED in line] and handler.received == []


def test_a_temporary_refusal_requeues_the_message(
        smtp_server: Callable[[Handler], int], uow_factory: SqlAlchemyUnitOfWorkFactory,
        clock: SettableClock) -> None:
    handler = Handler(data_reply="451 4.3.0 Temporary local problem, try again")
    port = smtp_server(handler)
    _queue(uow_factory, clock.now())

    report = deliver_due(SmtpTransport(f"smtp://127.0.0.1:{port}"), uow_factory=uow_factory, clock=clock)

    assert report == WorkReport(retried=1)
    row = _row(uow_factory)
    assert (row.status, row.attempts, row.last_error) == (
        MessageStatus.QUEUED, 1, "end of data: 451 4.3.0 Temporary local problem, try again")
    assert row.next_attempt_at is not None and row.next_attempt_at > NOW
    handler.data_reply = "250 2.0.0 Ok: queued as 5A1B"
    clock.advance(seconds=30)
    assert deliver_due(SmtpTransport(f"smtp://127.0.0.1:{port}"), uow_factory=uow_factory,
                       clock=clock) == WorkReport(sent=1)
    assert len(handler.received) == 1 and _row(uow_factory).attempts == 2


def test_a_closed_port_is_retried(uow_factory: SqlAlchemyUnitOfWorkFactory, clock: SettableClock) -> None:
    _queue(uow_factory, clock.now())

    report = deliver_due(SmtpTransport(f"smtp://127.0.0.1:{free_port()}"), uow_factory=uow_factory, clock=clock)

    assert report == WorkReport(retried=1)
    row = _row(uow_factory)
    assert (row.status, row.last_error) == (MessageStatus.QUEUED, "smtp session: ConnectionRefusedError")


def test_a_timeout_before_the_content_is_retried_and_after_it_is_uncertain(
        smtp_server: Callable[[Handler], int]) -> None:
    message = OutboundMessage(MessageChannel.EMAIL, RECIPIENT, BODY, "payment_receipt", "k", NOW, subject=SUBJECT)
    stalls_on_rcpt = smtp_server(Handler(rcpt_delay_s=1.5))
    stalls_after_data = smtp_server(Handler(data_delay_s=1.5))

    before = SmtpTransport(f"smtp://127.0.0.1:{stalls_on_rcpt}", timeout=0.3).send(message)
    after = SmtpTransport(f"smtp://127.0.0.1:{stalls_after_data}", timeout=0.3).send(message)

    assert before.outcome is DeliveryOutcome.RETRY and before.error is not None and "envelope" in before.error
    assert after.outcome is DeliveryOutcome.UNCERTAIN


def test_smtp_urls_name_host_port_credentials_and_tls() -> None:
    plain = parse_smtp_url("smtp://mail.cnss.tg")
    assert (plain.host, plain.port, plain.implicit_tls, plain.starttls, plain.username) == (
        "mail.cnss.tg", 25, False, False, None)
    tls = parse_smtp_url("smtps://relay%40cnss.tg:p%40ss:w0rd@mail.cnss.tg")
    assert (tls.port, tls.implicit_tls, tls.username, tls.password) == (465, True, "relay@cnss.tg", "p@ss:w0rd")
    starttls = parse_smtp_url("smtp://u:p@mail.cnss.tg:587?starttls=1")
    assert (starttls.port, starttls.starttls, starttls.username, starttls.password) == (587, True, "u", "p")
    for bad in ("http://mail.cnss.tg", "smtp://", "smtps://h?starttls=1"):
        with pytest.raises(ValueError):
            parse_smtp_url(bad)
    assert "w0rd" not in repr(SmtpTransport("smtps://u:w0rd@mail.cnss.tg"))


def _app_with_one_email(tmp_path: Path, smtp_url: str | None) -> Flask:
    """The app as operators run it, on a migrated SQLite file holding one queued email."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SMTP_URL": smtp_url})
    upgrade(app.extensions["cnss"].engine)
    rt: Runtime = app.extensions["cnss"]
    _queue(rt.uow_factory, rt.clock.now())
    return app


def test_the_outbox_work_command_delivers_what_is_due_and_exits(
        smtp_server: Callable[[Handler], int], tmp_path: Path) -> None:
    handler = Handler()
    app = _app_with_one_email(tmp_path, f"smtp://127.0.0.1:{smtp_server(handler)}")

    result = app.test_cli_runner().invoke(args=["outbox-work", "--once"])

    assert result.exit_code == 0, result.output
    assert "email: sent 1, retried 0, failed 0, uncertain 0" in result.output
    assert len(handler.received) == 1 and _text(handler.emails()[0]) == BODY + "\n"
    again = app.test_cli_runner().invoke(args=["outbox-work", "--once"])
    assert "email: sent 0, retried 0, failed 0, uncertain 0" in again.output and len(handler.received) == 1


def test_the_outbox_work_command_says_when_no_transport_is_configured(tmp_path: Path) -> None:
    app = _app_with_one_email(tmp_path, None)

    result = app.test_cli_runner().invoke(args=["outbox-work", "--once"])

    assert result.exit_code == 0 and "no outbox transport configured" in result.output


def test_the_outbox_work_loop_stops_cleanly_on_sigterm(smtp_server: Callable[[Handler], int], tmp_path: Path) -> None:
    handler = Handler()
    app = _app_with_one_email(tmp_path, f"smtp://127.0.0.1:{smtp_server(handler)}")
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = app.test_cli_runner().invoke(args=["outbox-work", "--interval", "0.2", "--batch", "5"])
    finally:
        timer.cancel()
    assert result.exit_code == 0, result.output
    rounds = [line for line in result.output.splitlines() if line.startswith("email: ")]
    assert rounds[0] == "email: sent 1, retried 0, failed 0, uncertain 0" and len(rounds) >= 2
    assert "SIGTERM: stopping after this round" in result.output
    assert len(handler.received) == 1 and signal.getsignal(signal.SIGTERM) == previous
