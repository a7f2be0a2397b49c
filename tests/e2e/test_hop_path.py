"""The hop path: who is calling is cached per phone, a slow lookup never promises an SMS, two round trips a hop."""
from __future__ import annotations

import time
from typing import Any

import pytest

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer
from core.services.directory import PhoneHolders, phones_changed
from tests.e2e.conftest import Gateway

UNREGISTERED = "+22896123456"


def _count_lookups(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    backend, seen = gateway.rt.ussd.backend, []
    real = backend.holders

    def holders(msisdn: Msisdn) -> PhoneHolders:
        seen.append(msisdn.e164)
        return real(msisdn)

    monkeypatch.setattr(backend, "holders", holders)
    return seen


def test_a_phone_is_looked_up_once_then_read_from_the_cache_with_the_session(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = _count_lookups(gateway, monkeypatch)
    for msisdn, screen in ((UNREGISTERED, "public.home"), ("+22890112233", "auth.pin")):
        for _ in range(3):
            phone = gateway.phone(msisdn)
            phone.dial()
            assert phone.hop_label == screen
    assert lookups == [UNREGISTERED, "+22890112233"]


def test_a_phone_registered_after_its_lookup_is_recognised_once_the_cache_is_told(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = _count_lookups(gateway, monkeypatch)
    before = gateway.phone(UNREGISTERED)
    before.dial()
    assert before.hop_label == "public.home"
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000777", "NOUVELLE SARL", (Msisdn(UNREGISTERED),)))
        uow.commit()
    phones_changed([Msisdn(UNREGISTERED)], gateway.rt.ussd.store)
    after = gateway.phone(UNREGISTERED)
    after.dial()
    assert after.hop_label != "public.home" and lookups == [UNREGISTERED, UNREGISTERED]


def test_a_lookup_past_the_deadline_asks_to_try_again_and_promises_no_sms(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    service = gateway.rt.ussd
    monkeypatch.setattr(service, "settings", type(service.settings)(hop_deadline=0.2))
    real = service.backend.holders

    def holders(msisdn: Msisdn) -> PhoneHolders:
        time.sleep(0.5)
        return real(msisdn)

    monkeypatch.setattr(service.backend, "holders", holders)
    phone = gateway.phone(UNREGISTERED)
    screen = phone.dial()
    assert phone.ended and phone.hop_label == "common.service_busy" and "SMS" not in screen, screen
    time.sleep(0.5)
    assert gateway.sms.to(Msisdn(UNREGISTERED)) == []


def test_every_hop_of_a_walk_costs_at_most_two_session_store_round_trips(gateway: Gateway) -> None:
    store: Any = gateway.rt.ussd.store
    for msisdn, inputs in ((UNREGISTERED, ("1", "0", "2", "0")), ("+22890112233", ("1234", "2", "0", "00"))):
        phone = gateway.phone(msisdn)
        for step in ("", *inputs):
            before = store.round_trips
            phone.dial() if step == "" else phone.send(step)
            assert store.round_trips - before <= 2, (msisdn, step)
