"""The hop path: who is calling is cached per phone, a slow lookup never promises an SMS, two round trips a hop."""
from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer
from core.adapters.sqlalchemy import tables as t
from core.services.directory import CallerAccounts
from tests.e2e.conftest import ACCOUNTANT_PHONE, Gateway
from tests.support.spies import calls_to
from tests.support.statements import queries, statements_of

UNREGISTERED = "+22896123456"


def _count_lookups(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return calls_to(monkeypatch, gateway.rt.ussd.backend, "caller", lambda msisdn: msisdn.e164)


def test_a_phone_is_looked_up_once_then_read_from_the_cache_with_the_session(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = _count_lookups(gateway, monkeypatch)
    for msisdn, screen in ((UNREGISTERED, "public.home"), ("+22890112233", "auth.pin")):
        for _ in range(3):
            phone = gateway.phone(msisdn)
            phone.dial()
            assert phone.hop_label == screen
    assert lookups == [UNREGISTERED, "+22890112233"]


def test_a_phone_registered_after_its_lookup_is_recognised_at_once(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = _count_lookups(gateway, monkeypatch)
    before = gateway.phone(UNREGISTERED)
    before.dial()
    assert before.hop_label == "public.home"
    with gateway.rt.uow_factory() as uow:  # any registration committed through a unit of work tells the store
        uow.employers.add(Employer("1000777", "NOUVELLE SARL", (Msisdn(UNREGISTERED),)))
        uow.commit()
    after = gateway.phone(UNREGISTERED)
    after.dial()
    assert after.hop_label != "public.home" and lookups == [UNREGISTERED, UNREGISTERED]


def test_a_lookup_past_the_deadline_asks_to_try_again_and_promises_no_sms(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    service = gateway.rt.ussd
    monkeypatch.setattr(service, "settings", type(service.settings)(hop_deadline=0.2))
    real = service.backend.caller

    def caller(msisdn: Msisdn) -> CallerAccounts:
        time.sleep(0.5)
        return real(msisdn)

    monkeypatch.setattr(service.backend, "caller", caller)
    phone = gateway.phone(UNREGISTERED)
    screen = phone.dial()
    assert phone.ended and phone.hop_label == "common.service_busy" and "SMS" not in screen, screen
    time.sleep(0.5)
    assert gateway.sms.to(Msisdn(UNREGISTERED)) == []


def test_with_a_fresh_registry_a_stranger_costs_no_database_statement(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = _count_lookups(gateway, monkeypatch)
    assert gateway.dial("+22896000001") == "public.home"  # finds the registry stale: looked up, refresh started
    registry = gateway.rt.ussd.registry
    if gateway.redis is None:
        assert registry is None, "the in-process store keeps no registry: every new phone is looked up"
        assert gateway.dial("+22896000002") == "public.home" and len(lookups) == 2
        return
    assert registry is not None
    deadline = time.monotonic() + 5
    while not list(gateway.redis.scan_iter(match="cnss:ussd:*:registry")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the refresh writes its buckets in a few pipelines
    statements = statements_of(gateway.rt.engine, lambda: gateway.dial("+22896000002"))
    assert statements == [] and lookups == ["+22896000001"], "told a stranger by Redis alone"
    assert gateway.dial("+22890112233") == "auth.pin", "a registered phone is still looked up"
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000778", "AUTRE SARL", (Msisdn("+22896000003"),)))
        uow.commit()
    assert gateway.dial("+22896000003") != "public.home", "registered through the gateway: known at once"
    with gateway.rt.engine.begin() as connection:  # registered straight into the database, behind its back
        connection.execute(sa.insert(t.phones).values(holder_kind="employer", holder_number="1000778",
                                                      msisdn="+22896000004"))
    assert gateway.dial("+22896000004") == "public.home", "not seen before the registry's next refresh"
    gateway.rt.ussd.store.refresh_registry([], fresh_for=300, read_started=time.time() - 301)  # window over
    assert gateway.dial("+22896000005") == "public.home"  # stale again: looked up, a refresh begins
    assert gateway.dial("+22896000004") != "public.home", "seen once the window has passed"


def test_every_hop_of_a_walk_costs_at_most_two_session_store_round_trips(gateway: Gateway) -> None:
    store: Any = gateway.rt.ussd.store
    for msisdn, inputs in ((UNREGISTERED, ("1", "0", "2", "0")), ("+22890112233", ("1234", "2", "0", "00"))):
        phone = gateway.phone(msisdn)
        for step in ("", *inputs):
            before = store.round_trips
            phone.dial() if step == "" else phone.send(step)
            assert store.round_trips - before <= 2, (msisdn, step)


def test_an_ended_session_keeps_only_its_last_reply(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    final = phone.walk("1234", "1", "1", "1")
    assert phone.ended and final.startswith("Référence")
    lease = gateway.rt.ussd.store.acquire(f"at:{phone.session_id}", phone.msisdn, wait=1)
    try:
        state = lease.state
        assert state is not None and state.data == {} and state.history == [] and not state.authenticated
        assert state.cached_reply() is not None and state.cached_reply().text == final  # type: ignore[union-attr]
    finally:
        gateway.rt.ussd.store.release(lease)
    references = gateway.count(t.payment_references)
    phone.ended = False
    assert phone.send("1") == final and phone.ended, "a hop after the end is answered the same"
    assert phone.resend() == final and gateway.count(t.payment_references) == references, "with no side effect"


def test_the_contributor_account_is_read_with_its_employer_in_one_query(gateway: Gateway) -> None:
    first = gateway.phone("+22890112233")
    first.dial()
    first.walk("1234", "2")  # any surcharge accrued since the demo data was seeded is written by this view
    phone = gateway.phone("+22890112233")
    phone.dial()
    phone.send("1234")
    statements = statements_of(gateway.rt.engine, lambda: phone.send("2"))
    assert phone.hop_label == "account.summary" and phone.screen.startswith("Solde:"), phone.screen
    assert len(queries(statements)) == 1, statements


def test_a_single_account_phone_gets_its_pin_state_with_its_accounts_in_one_query(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    separate = calls_to(monkeypatch, gateway.rt.ussd.backend, "credential_status")
    phone = gateway.phone("+22890112233")
    statements = statements_of(gateway.rt.engine, phone.dial)
    assert phone.hop_label == "auth.pin" and separate == [], "the PIN state came with the phone's accounts"
    assert len(queries(statements)) == 1, statements
    for _ in range(3):
        phone.send("0000")
    gateway.rt.ussd.store.phone_changed(Msisdn("+22890112233"))  # its cached accounts forgotten: looked up again
    locked = gateway.phone("+22890112233")
    locked.dial()
    assert locked.ended and locked.hop_label.startswith("auth.locked"), "the lock read with the accounts shows"
    assert separate == []
    again = gateway.phone("+22890112233")
    again.dial()
    assert again.hop_label.startswith("auth.locked") and len(separate) == 1, \
        "accounts from the caller cache: the PIN state is read by itself, never cached"
    accountant = gateway.phone(ACCOUNTANT_PHONE)
    accountant.dial()
    assert accountant.hop_label == "auth.pick_account"
    accountant.send("1")
    assert len(separate) == 2, "with several accounts, the chosen one's PIN state is read when it is chosen"
