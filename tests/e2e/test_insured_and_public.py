"""Insured-person and public journeys over HTTP."""
from __future__ import annotations

import re

from core.domain.parties import HolderKind
from core.domain.requests import ATTESTATION
from tests.e2e.conftest import INSURED_PHONE, STRANGER_PHONE, Gateway


def test_insured_person_sees_the_individual_account(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    assert phone.send("4321").startswith("AKU Mawuena")
    account = phone.send("1")
    assert "Mois d'assurance: 250" in account and "11/2026: 154 000 FCFA" in account
    assert account.endswith("Dernier employeur: PHARMACIE DE LA PAIX\n0 Retour 00 Accueil")  # its name, not 1000002


def test_demo_insured_person_runs_the_simulator_on_the_account(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    offered = phone.walk("4321", "2")
    assert "Age de départ (60 à 65)" in offered  # born 15/03/1966: 60 on 23/11/2026, no age already passed
    for passed_or_invalid in ("55", "6O"):  # two wrong tries (a third ends the session)
        assert phone.send(passed_or_invalid).startswith("Entrez un nombre de 60 a 65.")
        assert phone.hop_label == "sim.own_age"
    result = phone.send("60")
    assert phone.hop_label == "sim.result_pension"
    assert result.startswith("Estimation à 60 ans, 250 mois:")
    assert "Pension 40 775 FCFA/mois (26,65% de 153 000 FCFA)" in result


def test_insured_attestation_request_gets_a_tracking_number(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    phone.walk("4321", "3", "1")
    assert phone.ended
    tracking = re.search(r"Suivi: (AT\d{8})", phone.screen).group(1)  # type: ignore[union-attr]
    with gateway.rt.uow_factory() as uow:
        (request,) = uow.requests.list_for(HolderKind.INSURED, "2000001", 5)
    assert (request.tracking_number, request.kind) == (tracking, ATTESTATION)


def test_an_unregistered_phone_gets_the_public_menu(gateway: Gateway) -> None:
    phone = gateway.phone(STRANGER_PHONE)
    home = phone.dial()
    assert home.startswith("CNSS Togo") and "1 Taux et échéances" in home
    rates = phone.send("1")
    assert "employeur 22,5%, salarié 9%" in rates and "SMIG 52 500 FCFA" in rates
    assert "le 15 du mois suivant" in phone.send("1") and "+5%, puis +1%" in phone.screen
    phone.send("00")
    assert "8323" in phone.send("4") and "jamais" in phone.screen


def test_the_public_simulator_with_typed_inputs(gateway: Gateway) -> None:
    phone = gateway.phone(STRANGER_PHONE)
    phone.dial()
    assert phone.send("2").startswith("Simulateur de pension (estimation). Votre age:")
    for invalid in ("4O", "100"):
        assert phone.send(invalid).startswith("Entrez un nombre de 15 a 99.")
    assert phone.send("45").startswith("Age de départ (55 à 65):")
    phone.walk("57", "270")
    assert phone.send("15O000").startswith("Montant invalide")
    early = phone.send("150000")
    assert early.startswith("Estimation à 57 ans, 270 mois (anticipée, -15%):\n"
                            "Pension 37 370 FCFA/mois (29,31% de 150 000 FCFA).")
    phone.walk("00", "2", "45", "60", "150", "150000")
    assert "allocation de vieillesse unique 1 800 000 FCFA" in phone.screen


def test_the_public_simulator_offers_no_age_already_passed(gateway: Gateway) -> None:
    phone = gateway.phone(STRANGER_PHONE)
    phone.dial()
    assert phone.walk("2", "62").startswith("Age de départ (62 à 65):")
    assert phone.send("60").startswith("Entrez un nombre de 62 a 65.") and phone.hop_label == "sim.age"
    phone.walk("62", "200")
    assert phone.send("100000").startswith("Estimation à 62 ans, 200 mois:\n"
                                           "Pension 21 330 FCFA/mois (21,33% de 100 000 FCFA).")
    assert phone.walk("00", "2", "70").startswith("Age de départ (70 à 70):")  # past 65: leaving now only


def test_public_simulator_in_english(gateway: Gateway) -> None:
    phone = gateway.phone(STRANGER_PHONE)
    phone.dial()
    phone.walk("5", "2")
    assert phone.screen.startswith("Language saved.\nCNSS Togo") and "2 Pension simulator" in phone.screen
    assert phone.send("2").startswith("Pension simulator (estimate). Your age:")
    phone.walk("50", "58", "150", "120000")
    assert phone.screen.startswith("No entitlement yet at 58 with 150 months. Possible from age 60.")
