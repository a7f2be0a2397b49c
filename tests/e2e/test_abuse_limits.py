"""Abuse limits over HTTP on both stacks: activation SMS, escalating PIN lockout, sessions a minute, keyword replies."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest
import redis

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer
from menus.limits import AbuseLimits
from menus.redis_limits import RedisRateLimiter
from tests.support.statements import statements_of
from tests.e2e.conftest import EMPLOYER_PHONE, STRANGER_PHONE, Gateway

NEW_EMPLOYER_PHONE = "+22897000001"
EMPLOYER_PIN = "1234"
INBOUND = "/gateway/at/sms/inbound"


def _new_employer(gateway: Gateway) -> Msisdn:
    """An employer whose phone has no PIN yet: dialling texts it an activation code."""
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000003", "GARAGE DE LA LAGUNE", (Msisdn(NEW_EMPLOYER_PHONE),)))
        uow.commit()
    return Msisdn(NEW_EMPLOYER_PHONE)


def _wrong_pins(gateway: Gateway, *pins: str) -> str:
    """Dial the demo employer and type wrong PINs while the PIN is asked; the last screen."""
    phone = gateway.phone()
    phone.dial()
    for pin in pins:
        if phone.ended:
            break
        phone.send(pin)
    return phone.screen


def test_activation_codes_are_spaced_two_minutes_apart_and_three_a_day(gateway: Gateway) -> None:
    msisdn = _new_employer(gateway)
    assert gateway.dial(NEW_EMPLOYER_PHONE) == "auth.activation_code"
    gateway.clock.advance(minutes=1)
    assert gateway.dial(NEW_EMPLOYER_PHONE) == "auth.activation_code", "the code sent a minute ago still works"
    assert len(gateway.sms.to(msisdn)) == 1
    for _ in range(2):
        gateway.clock.advance(minutes=3)
        assert gateway.dial(NEW_EMPLOYER_PHONE) == "auth.activation_code"
    assert len(gateway.sms.to(msisdn)) == 3
    burner = gateway.phone(NEW_EMPLOYER_PHONE)
    burner.dial()
    burner.walk("000000", "000001", "000002")  # three wrong codes: the last code is void
    assert burner.hop_label == "auth.code_blocked"
    gateway.clock.advance(minutes=3)  # a fourth code today would be over the limit
    phone = gateway.phone(NEW_EMPLOYER_PHONE)
    phone.dial()
    assert phone.ended and phone.hop_label == "auth.code_limited"
    assert phone.screen.startswith("Code d'activation non envoyé: trop de demandes récentes.")
    assert len(gateway.sms.to(msisdn)) == 3
    gateway.clock.advance(hours=24)
    assert gateway.dial(NEW_EMPLOYER_PHONE) == "auth.activation_code"
    assert len(gateway.sms.to(msisdn)) == 4


def test_ten_quick_dials_queue_one_activation_sms(gateway: Gateway) -> None:
    msisdn = _new_employer(gateway)
    for _ in range(10):
        gateway.clock.advance(seconds=12)
        phone = gateway.phone(NEW_EMPLOYER_PHONE)
        phone.dial()
        assert phone.status == 200
    assert len(gateway.sms.to(msisdn)) == 1


def test_locks_escalate_until_only_an_agent_can_unlock(gateway: Gateway) -> None:
    assert "jusqu'à 10:30" in _wrong_pins(gateway, "0000", "1111", "2222")
    gateway.clock.advance(minutes=31)  # 10:31: the lock has ended but not the count of wrong PINs
    assert "jusqu'à 12:31" in _wrong_pins(gateway, "3333"), "one more wrong PIN locks for 2 hours"
    gateway.clock.advance(hours=2, minutes=1)  # 12:32
    locked_a_day = _wrong_pins(gateway, "4444")
    assert "jusqu'au 24/11/2026 à 12:32" in locked_a_day, "the day is shown when the lock ends another day"
    assert gateway.dial() == "auth.locked_day"
    gateway.clock.advance(hours=24, minutes=1)
    blocked = _wrong_pins(gateway, "5555")
    assert "appelez la CNSS au 8323" in blocked and "agence" in blocked
    gateway.clock.advance(days=30)
    assert gateway.dial() == "auth.blocked", "a blocked account is not even asked its PIN, however long one waits"

    result = gateway.app.test_cli_runner().invoke(args=["pin-unlock", "employer", "1000001"])
    assert result.exit_code == 0 and "unlocked" in result.output
    phone = gateway.phone()
    phone.dial()
    phone.send(EMPLOYER_PIN)
    assert phone.hop_label == "employer.home"


def test_pin_unlock_refuses_an_account_without_a_pin(gateway: Gateway) -> None:
    result = gateway.app.test_cli_runner().invoke(args=["pin-unlock", "insured", "9999999"])
    assert result.exit_code != 0 and "no PIN is set for insured 9999999" in result.output
    assert gateway.app.test_cli_runner().invoke(args=["pin-unlock", "boss", "1000001"]).exit_code != 0


def test_an_attacker_guessing_for_days_gets_at_most_nine_guesses(gateway: Gateway) -> None:
    guesses, wrong = 0, iter(f"{n:04d}" for n in range(5000, 6000))
    for _ in range(4 * 24 * 2):  # four days, a dial every 30 minutes, every PIN screen answered wrong
        phone = gateway.phone()
        phone.dial()
        while not phone.ended and phone.hop_label == "auth.pin":
            phone.send(next(wrong))
            guesses += 1
        gateway.clock.advance(minutes=30)
    assert phone.hop_label == "auth.blocked"
    assert guesses <= 9, guesses


def test_a_correct_pin_between_locks_starts_the_count_afresh(gateway: Gateway) -> None:
    _wrong_pins(gateway, "0000", "1111", "2222")
    gateway.clock.advance(minutes=31)
    phone = gateway.phone()
    phone.dial()
    phone.send(EMPLOYER_PIN)
    assert phone.hop_label == "employer.home"
    assert _wrong_pins(gateway, "0000").startswith("PIN incorrect. Essais restants: 2.")
    assert "jusqu'à 11:01" in _wrong_pins(gateway, "0000", "1111", "2222"), "a first lock again: 30 minutes"


def test_too_many_sessions_a_minute_get_a_polite_end_without_touching_the_database(gateway: Gateway) -> None:
    first = gateway.phone(STRANGER_PHONE)
    first.dial()
    for _ in range(5):
        assert gateway.dial(STRANGER_PHONE) == "public.home"
    extra = gateway.phone(STRANGER_PHONE)
    statements = statements_of(gateway.rt.engine, extra.dial)
    assert extra.ended and extra.hop_label == "session.too_many" and extra.screen.startswith("Trop de sessions")
    assert statements == []
    assert not first.send("1").startswith("Trop"), "a session already open goes on"
    assert gateway.dial(EMPLOYER_PHONE) == "auth.pin", "another phone is not limited"
    gateway.clock.advance(seconds=61)
    assert gateway.dial(STRANGER_PHONE) == "public.home"


def _text(gateway: Gateway, text: str, message_id: str) -> None:
    form = {"from": STRANGER_PHONE, "to": "8323", "text": text, "id": message_id, "date": "2026-11-23 10:06:00",
            "linkId": "", "networkCode": "61501"}
    response = gateway.client.post(INBOUND, data=urlencode(form), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def _replies(gateway: Gateway) -> int:
    return gateway.count(t.outbound_messages, t.outbound_messages.c.purpose == "keyword_reply")


def _opted_out(gateway: Gateway) -> bool:
    return gateway.count(t.sms_opt_outs, t.sms_opt_outs.c.msisdn == STRANGER_PHONE) == 1


def test_keyword_replies_stop_after_five_an_hour_but_stop_still_opts_out(
        gateway: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    for n in range(5):
        _text(gateway, "AIDE", f"ATXid_loop_{n}")
    assert _replies(gateway) == 5
    with caplog.at_level(logging.INFO):
        _text(gateway, "Merci pour votre message", "ATXid_loop_5")  # an auto-responder answering back
        _text(gateway, "STOP", "ATXid_loop_6")
    assert _replies(gateway) == 5, "no reply beyond the limit"
    assert gateway.count(t.inbound_messages) == 7, "every incoming SMS is still stored"
    assert _opted_out(gateway), "STOP takes effect even without its confirmation"
    assert "reply limit reached for msisdn=****0000" in caplog.text and STRANGER_PHONE not in caplog.text
    gateway.clock.advance(minutes=61)
    _text(gateway, "START", "ATXid_loop_7")
    assert _replies(gateway) == 6 and not _opted_out(gateway)


def test_a_limiter_that_does_not_answer_keeps_ussd_up_and_sends_no_code(gateway: Gateway) -> None:
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5, socket_timeout=0.5)
    gateway.rt.ussd.backend.limits = AbuseLimits(RedisRateLimiter(dead))
    msisdn = _new_employer(gateway)
    assert gateway.dial(EMPLOYER_PHONE) == "auth.pin", "sessions fail open"
    phone = gateway.phone(NEW_EMPLOYER_PHONE)
    phone.dial()
    assert phone.status == 200 and phone.ended and phone.hop_label == "auth.code_limited"
    assert gateway.sms.to(msisdn) == [], "activation codes fail closed"
    _text(gateway, "AIDE", "ATXid_dead_1")
    assert _replies(gateway) == 0, "keyword replies fail closed"
