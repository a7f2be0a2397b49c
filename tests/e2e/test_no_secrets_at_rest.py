"""Full journeys over HTTP, then every table, Redis key and log line scanned for PINs, codes and phone numbers."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer
from core.services.outbox_worker import drain
from gateway.africastalking.sms_send import AfricasTalkingSmsTransport
from menus.backend import Backend
from tests.e2e.conftest import ACCOUNTANT_PHONE, EMPLOYER_PHONE, INSURED_PHONE, UP_TO_DATE_PHONE, Gateway
from tests.support.fake_at import FakeAfricasTalking

NEWCOMER_PHONE, NEW_PIN, WRONG_PINS = "+22897000001", "5831", ("9999", "9998", "9997")
TYPED_PINS = ("1234", "4321", NEW_PIN, *WRONG_PINS)
EVENT_INPUT = "1234*1*2*1*1"
PHONES = (EMPLOYER_PHONE, INSURED_PHONE, UP_TO_DATE_PHONE, ACCOUNTANT_PHONE, NEWCOMER_PHONE)


@dataclass(frozen=True, slots=True)
class Needle:
    """A secret to look for: a PIN or code as a whole token, or a literal string."""

    label: str
    pattern: re.Pattern[str]

    @classmethod
    def token(cls, label: str, value: str) -> Needle:
        """``value`` not glued to other letters or digits (so 1234 does not match 212340 or a hash)."""
        return cls(label, re.compile(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])"))

    @classmethod
    def literal(cls, label: str, value: str) -> Needle:
        """``value`` anywhere."""
        return cls(label, re.compile(re.escape(value)))


def _phone_needles(phones: Iterable[str]) -> list[Needle]:
    needles = []
    for e164 in phones:
        national = e164[4:]
        spaced = " ".join(national[i:i + 2] for i in range(0, 8, 2))
        needles += [Needle.literal(f"phone {e164}", form) for form in (e164[1:], national, spaced)]
    return needles  # e164[1:] also finds the +228 form


def _table_cells(gateway: Gateway) -> Iterator[tuple[str, str]]:
    with gateway.rt.engine.connect() as connection:
        for table in t.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for column, value in row._mapping.items():
                    if value is not None:
                        yield f"{table.name}.{column}", str(value)


def _redis_cells(gateway: Gateway) -> Iterator[tuple[str, str]]:
    client = gateway.redis
    if client is None:
        return
    for key in client.scan_iter(count=1000):
        name = key.decode("utf-8", "replace")
        kind = _text(client.type(key))
        values: list[Any] = []
        if kind == "string":
            values = [client.get(key)]
        elif kind == "hash":
            values = list(client.hgetall(key).items())
        elif kind == "list":
            values = list(client.lrange(key, 0, -1))
        elif kind == "set":
            values = list(client.smembers(key))
        elif kind == "zset":
            values = list(client.zrange(key, 0, -1))
        yield f"redis key {name!r}", name
        yield f"redis {kind} {name!r}", repr(values) + " " + " ".join(_text(v) for v in values)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _log_cells(records: list[logging.LogRecord], stderr: str) -> Iterator[tuple[str, str]]:
    formatter = logging.Formatter()
    for record in records:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + formatter.formatException(record.exc_info)
        yield f"log {record.levelname} {record.name} {record.pathname}:{record.lineno}", text
    for line in stderr.splitlines():
        yield "stderr", line


def _found(cells: Iterable[tuple[str, str]], needles: list[Needle]) -> list[str]:
    hits = []
    for where, text in cells:
        for needle in needles:
            match = needle.pattern.search(text)
            if match:
                start = max(0, match.start() - 50)
                hits.append(f"{needle.label} in {where}: ...{text[start:match.end() + 50]!r}")
    return sorted(set(hits))


def _employer_journeys(gateway: Gateway) -> list[str]:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    reference = phone.walk("1234", "1", "1", "1")
    assert "Référence" in reference or "Reference" in reference, reference
    texts = [phone.text]
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    assert phone.walk("1234", "2").startswith("Solde: "), phone.screen
    return texts + [phone.text]


def _insured_journey(gateway: Gateway) -> list[str]:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    phone.send("4321")
    assert phone.hop_label.startswith("insured."), phone.hop_label
    phone.send("1")
    return [phone.text]


def _activation(gateway: Gateway) -> tuple[str, list[str]]:
    """First use of a phone with no PIN: the code comes by SMS, then the new PIN twice; returns the code."""
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000003", "GARAGE DE LA LAGUNE", (Msisdn(NEWCOMER_PHONE),)))
        uow.commit()
    phone = gateway.phone(NEWCOMER_PHONE)
    assert "code à 6 chiffres" in phone.dial()
    (sms,) = gateway.sms.to(Msisdn(NEWCOMER_PHONE))
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", sms)
    assert found, f"no activation code in the queued SMS {sms!r}"
    code = found.group(1)
    phone.send(code)
    assert phone.hop_label == "auth.new_pin", phone.screen
    phone.walk(NEW_PIN, NEW_PIN)
    assert phone.hop_label == "employer.home", phone.screen
    return code, [phone.text]


def _lockout(gateway: Gateway) -> list[str]:
    phone = gateway.phone(UP_TO_DATE_PHONE)
    phone.dial()
    phone.walk(*WRONG_PINS)
    assert phone.ended and "bloqué" in phone.screen, phone.screen
    return [phone.text]


def _end_of_session_notification(gateway: Gateway) -> None:
    form = {"sessionId": "ATUid_secrets_1", "serviceCode": "*909#", "networkCode": "61501",
            "phoneNumber": EMPLOYER_PHONE, "status": "Success", "date": "2026-11-23 10:01:00", "cost": "XOF 0.0000",
            "durationInMillis": "41000", "hopsCount": "5", "hopsMetadata": "auth.pin|employer.home",
            "input": EVENT_INPUT, "lastAppResponse": "END Merci", "errorMessage": ""}
    response = gateway.client.post("/gateway/at/ussd/events", data=form)
    assert response.status_code == 200


def _hop_with_a_database_error(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> str:
    """The balance screen's query fails in the driver with the phone number and the PIN among its parameters."""

    def failing_summary(backend: Backend, employer_number: str) -> object:
        with gateway.rt.engine.connect() as connection:
            connection.execute(sa.text("SELECT * FROM no_such_table WHERE phone = :phone AND pin = :pin"),
                               {"phone": EMPLOYER_PHONE, "pin": "1234"})
        raise AssertionError("the statement above must fail")

    monkeypatch.setattr(Backend, "account_summary", failing_summary)
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    screen = phone.walk("1234", "2")
    monkeypatch.undo()
    assert phone.ended, screen
    return phone.text


def _all_loggers_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger at DEBUG, except SQLAlchemy's at INFO: statements and their parameters, not result rows."""
    for name in logging.root.manager.loggerDict:
        caplog.set_level(logging.INFO if name.startswith("sqlalchemy") else logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)  # last: the capturing handler takes the level of the latest call


def test_no_pin_code_or_typed_input_at_rest_and_no_phone_number_in_any_log(
        gateway: Gateway, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = [Needle.token(f"PIN {pin}", pin) for pin in TYPED_PINS]
    seeded = _found([*_table_cells(gateway), *_redis_cells(gateway)], secrets)
    assert not seeded, "the demo data already holds a PIN-looking token: choose other PINs\n" + "\n".join(seeded)
    _all_loggers_at_debug(caplog)
    # Without the phone-number safety net of the log records: each log call must mask by itself.
    safety_net = logging.getLogRecordFactory()
    logging.setLogRecordFactory(getattr(safety_net, "base", safety_net))
    try:
        _journeys_and_scan(gateway, caplog, capfd, monkeypatch, secrets)
    finally:
        logging.setLogRecordFactory(safety_net)


def _journeys_and_scan(gateway: Gateway, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch, secrets: list[Needle]) -> None:
    texts = _employer_journeys(gateway) + _insured_journey(gateway)
    code, activation_texts = _activation(gateway)
    texts += activation_texts + _lockout(gateway)
    _end_of_session_notification(gateway)
    texts.append(_hop_with_a_database_error(gateway, monkeypatch))
    with FakeAfricasTalking("key") as fake:
        transport = AfricasTalkingSmsTransport("sandbox", "key", base_url=fake.url, sender_id="CNSS")
        drain(transport, uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    assert any(code in sent.message for sent in fake.records("accepted")), "the activation SMS reached the phone"

    secrets += [Needle.token("activation code", code), Needle.literal("AT input", EVENT_INPUT)]
    secrets += [Needle.literal("cumulative USSD text", text) for text in texts if "*" in text]
    at_rest = _found([*_table_cells(gateway), *_redis_cells(gateway)], secrets)
    stderr = capfd.readouterr().err
    logged = _found(_log_cells(caplog.records, stderr), secrets + _phone_needles(PHONES))
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the injected failure was logged (and scanned)"
    assert not at_rest + logged, "secrets found:\n" + "\n".join(at_rest + logged)
