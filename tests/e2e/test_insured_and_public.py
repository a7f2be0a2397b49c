"""Insured-person and public journeys over HTTP."""
from __future__ import annotations

import re

from core.domain.parties import HolderKind
from core.domain.requests import RequestKind
from tests.e2e.conftest import INSURED_PHONE, STRANGER_PHONE, Gateway


def test_insured_person_sees_the_individual_account(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    assert phone.send("4321").startswith("AKU Mawuena")
    account = phone.send("1")
    assert "Mois d'assurance: 250" in account and "11/2026: 154 000 FCFA" in account
    assert "Dernier employeur: 1000002" in account


def test_demo_insured_person_runs_the_simulator_on_the_account(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    phone.walk("4321", "2")
    assert phone.send("54").startswith("Entrez un nombre de 55 a 65.")
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
    assert (request.tracking_number, request.kind) == (tracking, RequestKind.ATTESTATION)


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
    phone.walk("2", "57", "270")
    assert phone.send("15O000").startswith("Montant invalide")
    assert "Pension 37 370 FCFA/mois" in phone.send("150000") and "-15%" in phone.screen
    phone.walk("00", "2", "60", "150", "150000")
    assert "allocation de vieillesse unique 1 800 000 FCFA" in phone.screen


def test_public_simulator_in_english(gateway: Gateway) -> None:
    phone = gateway.phone(STRANGER_PHONE)
    phone.dial()
    phone.walk("5", "2")
    assert phone.screen.startswith("Language saved.\nCNSS Togo") and "2 Pension simulator" in phone.screen
    phone.walk("2", "58", "150", "120000")
    assert phone.screen.startswith("No entitlement yet at 58. Possible from age 60.")
