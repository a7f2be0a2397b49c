"""One conformance suite over every USSD provider: the same journeys give the same screens, side effects and
stored events, whether the hops come from Africa's Talking, a Hubtel-style aggregator or an operator's Freeflow."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from gateway.hop_log import hop_log_of
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, STRANGER_PHONE, Gateway
from tests.support.provider_phones import PROVIDERS, ProviderPhone, phone_of
from tests.support.typed import redis_texts, shows_typed

REFERENCE = re.compile(r"(\d{4} \d{4} \d{4})")
# Providers whose hops are numbered (AT: the cumulative text, Hubtel: Sequence): a request sent twice is
# recognised. Freeflow numbers nothing, so a repeat counts as a new input (test below).
NUMBERED = ("at", "hubtel")


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    """Each registered USSD provider in turn."""
    return str(request.param)


def _phone(gateway: Gateway, provider: str, msisdn: str = EMPLOYER_PHONE) -> ProviderPhone:
    return phone_of(provider, gateway.client, msisdn)


def _screens(gateway: Gateway, phone: ProviderPhone) -> list[str]:
    """The screen ids the hop log stored for the phone's session, in order (the console's view)."""
    log = hop_log_of(gateway.rt.ussd)
    assert log is not None
    log.flush()
    return [row.screen for row in gateway.rows(t.ussd_hops, t.ussd_hops.c.session_id == phone.session_id)
            if row.provider == phone.provider]


def _references(gateway: Gateway) -> list[sa.Row]:  # type: ignore[type-arg]
    return gateway.rows(t.payment_references, t.payment_references.c.channel == "ussd")


def test_employer_generates_a_payment_reference(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    assert phone.dial().startswith("CNSS - BOULANGERIE DU PORT SARL\nEntrez votre code PIN")
    assert "BOULANGERIE DU PORT SARL\n1 Payer" in phone.send("1234")
    assert "Impayé: 93 437 FCFA" in phone.send("1")
    assert "Total: 93 437 FCFA" in phone.send("1")
    final = phone.send("1")
    assert phone.ended and "Montant: 93 437 FCFA" in final and "Valable au 08/12/2026" in final
    shown = REFERENCE.search(final).group(1)  # type: ignore[union-attr]
    (row,) = _references(gateway)
    assert row.code == shown.replace(" ", "") and row.amount == 93_437
    (sms,) = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert shown in sms
    assert _screens(gateway, phone) == ["auth.pin", "employer.home", "pay.scope", "pay.confirm", "pay.issued"]


def test_insured_person_runs_the_pension_simulator(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider, INSURED_PHONE)
    phone.dial()
    assert "Age de départ (60 à 65)" in phone.walk("4321", "2")
    assert phone.send("55").startswith("Entrez un nombre de 60 a 65.")
    result = phone.send("60")
    assert result.startswith("Estimation à 60 ans, 250 mois:")
    assert "Pension 40 775 FCFA/mois (26,65% de 153 000 FCFA)" in result
    assert _screens(gateway, phone)[-3:] == ["sim.own_age", "sim.own_age", "sim.result_pension"]


def test_back_home_and_a_chained_dial(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial("1")  # *909*1#: straight to the payment once the PIN is given
    phone.send("1234")
    assert "Impayé: 93 437 FCFA" in phone.screen
    periods = phone.send("2")
    assert "1 10/2026: 93 437 FCFA" in periods and "2 11/2026: 88 988 FCFA" in periods
    phone.send("0")
    phone.send("0")
    assert "1 Payer" in phone.screen
    phone.walk("2", "1")
    phone.send("00")
    assert "1 Payer" in phone.screen and "0 Retour" not in phone.screen
    assert _screens(gateway, phone) == ["auth.pin", "pay.scope", "pay.period", "pay.scope", "employer.home",
                                        "account.summary", "account.payments", "employer.home"]


def test_a_claim_picked_on_the_second_page_is_filed(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.walk("1234", "5")
    assert "98 Suite" in phone.send("2")
    second = phone.send("98")
    assert "1 Retard de prestation" in second and "98 Suite" not in second
    phone.walk("1", "1")
    assert phone.ended
    tracking = re.search(r"Suivi: (RC\d{8})", phone.screen).group(1)  # type: ignore[union-attr]
    (claim,) = gateway.rows(t.service_requests, t.service_requests.c.tracking_number == tracking)
    assert claim.holder_number == "1000001"


def test_a_public_caller_walks_the_same_screens_on_every_provider(gateway: Gateway) -> None:
    walks: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        phone = _phone(gateway, provider, STRANGER_PHONE)
        walks[provider] = [phone.dial(), *(phone.send(typed) for typed in ("2", "45", "57", "270", "150000"))]
        assert phone.ended or "Pension 37 370 FCFA/mois" in phone.screen
    assert walks["hubtel"] == walks["at"] and walks["freeflow"] == walks["at"]


def test_a_dropped_session_resumes_after_the_pin(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.walk("1234", "4", "052026", "3")
    again = _phone(gateway, provider)  # the network dropped the session; the subscriber redials
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "1234")
    workers = again.send("0")
    assert "05/2026, 3 sal." in workers, "the form came back with its data"
    assert _screens(gateway, again) == ["session.resume", "auth.pin", "decl.add_number", "decl.workers"]


@pytest.mark.parametrize("provider", NUMBERED)
def test_a_duplicate_hop_is_answered_again_without_a_second_reference(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.walk("1234", "1", "1")
    final = phone.send("1")
    assert phone.resend() == final and phone.resend() == final
    assert len(_references(gateway)) == 1 and len(gateway.sms.to(Msisdn(EMPLOYER_PHONE))) == 1


@pytest.mark.parametrize("provider", NUMBERED)
def test_concurrent_copies_of_a_hop_do_not_interleave(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.walk("1234", "1", "1", "1")
    (reference,) = _references(gateway)
    twins = [phone.twin(gateway.app.test_client()) for _ in range(4)]
    replies: list[str] = []
    barrier = threading.Barrier(len(twins))

    def post(twin: ProviderPhone) -> None:
        barrier.wait()
        replies.append(twin.resend())

    threads = [threading.Thread(target=post, args=(twin,)) for twin in twins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert replies == [phone.screen] * 4 and _references(gateway) == [reference]


def test_a_freeflow_repeat_counts_as_the_next_input(gateway: Gateway) -> None:
    phone = _phone(gateway, "freeflow")
    phone.dial()
    phone.walk("1234", "2")  # employer home, then the account summary
    assert "Solde" in phone.screen
    phone.resend()  # the protocol numbers no hop: "2" again, now on the summary (statement by SMS)
    assert _screens(gateway, phone)[-2:] == ["account.summary", "account.statement_sent"]


def test_the_network_ends_a_session(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.send("1234")
    assert phone.end_by_network() == 200
    (event,) = gateway.rows(t.ussd_session_events, t.ussd_session_events.c.session_id == phone.session_id)
    assert event.provider == provider and event.msisdn == EMPLOYER_PHONE
    assert _phone(gateway, provider).dial().startswith("CNSS - BOULANGERIE"), "a new session starts as usual"


def test_nothing_typed_is_stored_and_hops_name_their_provider(gateway: Gateway, provider: str) -> None:
    phone = _phone(gateway, provider)
    phone.dial()
    phone.walk("1234", "2")
    assert _screens(gateway, phone) == ["auth.pin", "employer.home", "account.summary"]
    rows = gateway.rows(t.ussd_hops)
    assert {row.provider for row in rows} == {provider}
    assert not any(shows_typed("1234", str(tuple(row))) for row in rows)
    if gateway.redis is not None:
        for key, text in redis_texts(gateway.redis):
            assert not shows_typed("1234", text), key
