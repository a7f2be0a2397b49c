"""Employer journeys driven through POST /gateway/at/ussd exactly as Africa's Talking would."""
from __future__ import annotations

import re

import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.payment_references import ReferenceStatus
from core.domain.periods import ContributionPeriod
from core.domain.requests import QUITUS
from tests.e2e.conftest import ACCOUNTANT_PHONE, EMPLOYER_PHONE, UP_TO_DATE_PHONE, Gateway
from tests.support.phone import UssdPhone

REFERENCE = re.compile(r"(\d{4} \d{4} \d{4})")


def _login(gateway: Gateway, msisdn: str = EMPLOYER_PHONE, pin: str = "1234") -> UssdPhone:
    phone = gateway.phone(msisdn)
    phone.dial()
    phone.send(pin)
    return phone


def _references(gateway: Gateway) -> list[sa.Row]:  # type: ignore[type-arg]
    with gateway.rt.engine.connect() as connection:
        return list(connection.execute(sa.select(t.payment_references).where(
            t.payment_references.c.channel == "ussd")))


def test_demo_employer_gets_a_reference_for_the_overdue_balance_and_follows_it(gateway: Gateway) -> None:
    phone = _login(gateway)
    assert phone.hop_label == "employer.home" and "BOULANGERIE DU PORT SARL" in phone.screen
    assert "Impayé: 93 437 FCFA" in phone.send("1")
    confirm = phone.send("1")
    assert "Cotisations: 88 988 FCFA" in confirm and "Majorations: 4 449 FCFA" in confirm
    assert "Total: 93 437 FCFA" in confirm
    final = phone.send("1")
    assert phone.ended and "Montant: 93 437 FCFA" in final and "Valable au 08/12/2026" in final
    shown = REFERENCE.search(final).group(1)  # type: ignore[union-attr]
    (row,) = _references(gateway)
    assert row.code == shown.replace(" ", "") and row.amount == 93_437 and row.period is None
    assert row.status == ReferenceStatus.PENDING.value
    (sms,) = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert shown in sms and "93 437 FCFA" in sms and "08/12/2026" in sms

    follow = _login(gateway)
    follow.send("3")
    status = follow.send(shown.replace(" ", ""))
    assert follow.hop_label == "ref.status"
    assert f"Réf {shown}" in status and "Statut: en attente" in status and "93 437 FCFA" in status


def test_a_mistyped_reference_is_refused_before_lookup_and_may_be_retyped(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.send("3")
    assert phone.send("123456789012").startswith("Référence invalide")
    assert phone.send("311050152686").startswith("Référence inconnue")
    assert phone.hop_label == "ref.enter" and not phone.ended


def test_one_period_picked_from_a_paginated_list(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.send("1")
    periods = phone.send("2")
    assert phone.hop_label == "pay.period"
    assert "1 10/2026: 93 437 FCFA" in periods and "2 11/2026: 88 988 FCFA" in periods
    assert "98 Suite" not in periods, "two periods fit on one page"
    phone.send("2")
    assert "Payer 11/2026" in phone.screen and "Majorations: 0 FCFA" in phone.screen
    phone.send("1")
    assert phone.ended
    (row,) = _references(gateway)
    assert (row.period, row.amount) == ("2026-11", 88_988)


def test_back_and_home_keys(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.send("1")
    phone.send("1")
    assert phone.hop_label == "pay.confirm"
    phone.send("0")
    assert phone.hop_label == "pay.scope"
    phone.send("0")
    assert phone.hop_label == "employer.home"
    phone.walk("2", "1")
    assert phone.hop_label == "account.payments"
    phone.send("00")
    assert phone.hop_label == "employer.home" and "0 Retour" not in phone.screen


def test_contributor_account_and_statement_by_sms(gateway: Gateway) -> None:
    phone = _login(gateway)
    summary = phone.send("2")
    assert "Solde: 182 425 FCFA\nEchu: 93 437 FCFA, reste non échu\n" in summary  # the month not yet due
    assert "Majorations: 4 449 FCFA" in summary
    payments = phone.send("1")
    assert payments.count("88 988 FCFA") == 3
    phone.send("0")
    phone.send("2")
    assert phone.ended and "SMS" in phone.screen
    (statement,) = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert "Solde 182 425 FCFA" in statement and "majoration 10/2026 4 449 FCFA" in statement
    assert statement.count("paiement 88 988 FCFA") == 4
    assert re.search(r"\n\d\d/\d\d période 11/2026 \d", statement) and " du " not in statement


def test_monthly_declaration_is_recorded_and_charged(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.send("4")
    assert phone.send("112026").startswith("11/2026 est déjà déclarée")
    assert phone.send("132026").startswith("Format MMAAAA")
    assert phone.send("052026").startswith("05/2026, 3 sal.\nKOFFI Yao 45 000")  # last month's workers
    phone.walk("2", "1", "100000")  # KOFFI Yao's pay changed
    confirm = phone.send("1")
    assert "05/2026: 3 sal., brut 330 000 FCFA" in confirm and "A payer: 103 950 FCFA" in confirm  # 31.5 %
    assert "CNSS 70 950 FCFA" in confirm and "AMU 33 000 FCFA" in confirm
    phone.send("1")
    assert "Déclaration 05/2026 enregistrée" in phone.screen
    with gateway.rt.uow_factory() as uow:
        assert uow.declarations.get("1000001", ContributionPeriod(2026, 5)).amount_due == 103_950  # type: ignore[union-attr]


def test_quitus_refused_with_the_reason_then_requested_by_an_up_to_date_employer(gateway: Gateway) -> None:
    refused = _login(gateway)
    refused.walk("5", "1")
    assert "Quitus impossible: impayé 93 437 FCFA (1 période(s) en retard)" in refused.screen
    refused.send("1")
    assert refused.hop_label == "pay.scope"

    phone = _login(gateway, UP_TO_DATE_PHONE, "5678")
    phone.send("5")
    assert "à jour" in phone.send("1")
    phone.send("1")
    tracking = re.search(r"Suivi: (QS\d{8})", phone.screen).group(1)  # type: ignore[union-attr]
    with gateway.rt.uow_factory() as uow:
        request = uow.requests.get(tracking)
    assert request is not None and request.kind is QUITUS and request.holder_number == "1000002"


def test_claim_with_paginated_categories_then_listed_in_my_requests(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.send("5")
    first_page = phone.send("2")
    assert "1 Paiement non crédité" in first_page and "98 Suite" in first_page
    second_page = phone.send("98")
    assert "1 Retard de prestation" in second_page and "2 Autre" in second_page and "98 Suite" not in second_page
    phone.send("1")
    assert "Réclamation: Retard de prestation" in phone.screen
    phone.send("1")
    tracking = re.search(r"Suivi: (RC\d{8})", phone.screen).group(1)  # type: ignore[union-attr]

    listing = _login(gateway)
    listing.walk("5", "3")
    assert f"1 {tracking} recue" in listing.screen
    listing.send("1")
    assert f"Réclamation {tracking}\ndu 23/11: recue" in listing.screen
    listing.walk("0", "0", "4")
    assert f"Demande {tracking}" in listing.screen and "Référence émise" not in listing.screen


def test_an_accountant_picks_the_employer_from_a_list(gateway: Gateway) -> None:
    phone = gateway.phone(ACCOUNTANT_PHONE)
    listing = phone.dial()
    assert "1 BOULANGERIE 1000001" in listing and "2 PHARMACIE 1000002" in listing
    phone.send("2")
    assert "CNSS - PHARMACIE DE LA PAIX\n" in phone.screen and phone.hop_label == "auth.pin"  # no stray "."
    phone.send("5678")
    assert phone.hop_label == "employer.home" and "PHARMACIE" in phone.screen
