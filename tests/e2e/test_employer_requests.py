"""Employer requests over the Africa's Talking endpoint: registering a worker (8-day deadline, the worker's SMS),
a work accident, a payment already made; status changes by CLI reach the phones; "my requests", DEMANDES, history."""
from __future__ import annotations

from urllib.parse import urlencode

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.phone import UssdPhone
from tests.support.requests import tracking_number

WORKER_PHONE = "+22891234567"


def _employer(gateway: Gateway) -> UssdPhone:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    phone.send("1234")
    return phone


def _texted(gateway: Gateway, text: str, sender: str = EMPLOYER_PHONE) -> str:
    form = {"from": sender, "to": "8323", "text": text, "id": f"ATXid_{text}_{len(gateway.sms.to(Msisdn(sender)))}",
            "date": "2026-11-23 10:06:00", "linkId": "", "networkCode": "61501"}
    response = gateway.client.post("/gateway/at/sms/inbound", data=urlencode(form),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    return gateway.sms.to(Msisdn(sender))[-1]


def test_a_late_worker_registration_re_asks_each_bad_value_is_flagged_and_the_worker_gets_the_number(
        gateway: Gateway) -> None:
    phone = _employer(gateway)
    assert "5 Salariés\n6 Paiement déjà fait\n7 Mes infos" in phone.send("5")
    phone.walk("5", "1")
    assert phone.hop_label == "worker_registration.last_name"
    assert phone.send("Ag8eko").startswith("Nom invalide: lettres, espaces et tirets, 2 à 18 caractères.")
    phone.send("  agbéko ")
    assert phone.hop_label == "worker_registration.first_names"
    phone.send("kossi  ÉLI")
    assert phone.send("31021990").startswith("Date invalide. Tapez JJMMAAAA")
    assert phone.send("01/01/1900").startswith("Date trop ancienne")
    phone.send("15031990")
    assert phone.send("3").startswith("Choix invalide.")
    phone.send("2")
    assert phone.hop_label == "worker_registration.hire_date"
    assert phone.send("1O112026").startswith("Date invalide.")
    assert phone.send("25/12/2026").startswith("Date trop tardive (pas après le 24/12/2026).")
    phone.send("10/11/2026")
    assert phone.send("15O000").startswith("Montant de 1 FCFA à 50 000 000 FCFA")
    assert phone.send("60000000").startswith("Montant de 1 FCFA à 50 000 000 FCFA")
    phone.send("150 000")
    assert phone.hop_label == "worker_registration.worker_phone"
    assert phone.send("123").startswith("Numéro de téléphone invalide.")
    confirm = phone.send("1")
    assert phone.hop_label == "worker_registration.confirm"
    assert confirm.startswith("Agbeko Kossi Eli\nEmbauche 10/11/2026, 150 000 FCFA\nDélai 18/11/2026 DEPASSE\n1 Confirmer")
    phone.send("0")
    assert phone.hop_label == "worker_registration.worker_phone", "back to the last field, to give the phone"
    phone.send("91 23 45 67")
    filed = phone.send("1")
    assert phone.ended and phone.hop_label == "worker_registration.filed"
    tracking = tracking_number("WR", filed)
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.holder_kind, row.holder_number, row.status) == (
        "worker_registration", "employer", "1000001", "received")
    assert row.details == {"last_name": "Agbeko", "first_names": "Kossi Eli", "birth_date": "1990-03-15", "sex": "m",
                           "hire_date": "2026-11-10", "pay": 150_000, "worker_phone": WORKER_PHONE,
                           "deadline": "2026-11-18", "late": True}

    runner = gateway.app.test_cli_runner()
    result = runner.invoke(args=["request-status", tracking, "validated", "--note", "2000123"])
    assert result.exit_code == 0, result.output
    assert f"{tracking} (worker_registration): validated [late: deadline was 2026-11-18]" in result.output
    assert gateway.sms.to(Msisdn(WORKER_PHONE)) == [
        "CNSS: Kossi Eli Agbeko, vous etes immatriculé(e) à la CNSS. Votre numéro d'assuré: 2000123. Gardez-le."]
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE))[-1] == (
        f"CNSS: immatriculation {tracking} de Agbeko Kossi Eli validée. Numéro d'assuré: 2000123")

    listing = _employer(gateway)
    assert listing.walk("5", "3", "1").startswith(
        f"Immatriculation salarié {tracking}\ndu 23/11: validée\nHors délai. 2000123")
    assert f"23/11 {tracking} validée" in listing.walk("0", "0", "4")
    assert f"Immatriculation salarié {tracking} du 23/11: validée" in _texted(gateway, "DEMANDES")


def test_a_registration_within_eight_days_without_a_phone_is_not_flagged(gateway: Gateway) -> None:
    phone = _employer(gateway)
    phone.walk("5", "5", "1", "Mensah", "Afi", "01/02/2000", "1", "20112026", "52500")
    confirm = phone.send("1")
    assert confirm.startswith("Mensah Afi\nEmbauche 20/11/2026, 52 500 FCFA\nDélai 28/11/2026\n1 Confirmer")
    phone.send("1")
    (row,) = gateway.rows(t.service_requests)
    assert row.details["late"] is False and "worker_phone" not in row.details
    runner = gateway.app.test_cli_runner()
    result = runner.invoke(args=["request-status", row.tracking_number, "validated", "--note", "2000124"])
    assert result.output.strip().endswith(": validated"), "not late: no flag for staff"
    assert len(gateway.sms.to(Msisdn(EMPLOYER_PHONE))) == 1


def test_a_registration_dropped_mid_form_resumes_where_it_was(gateway: Gateway) -> None:
    phone = _employer(gateway)
    phone.walk("5", "5", "1", "Mensah", "Afi", "01022000")
    assert phone.hop_label == "worker_registration.sex"
    again = gateway.phone(EMPLOYER_PHONE)
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "1234")
    assert again.hop_label == "worker_registration.sex"
    again.walk("1", "20112026", "52500", "1")
    assert again.hop_label == "worker_registration.confirm" and again.screen.startswith("Mensah Afi\n")
    again.send("1")
    (row,) = gateway.rows(t.service_requests)
    assert (row.details["birth_date"], row.details["sex"]) == ("2000-02-01", "f")


def test_a_work_accident_says_the_deadline_and_the_call_back_and_goes_home(gateway: Gateway) -> None:
    phone = _employer(gateway)
    phone.walk("5", "5", "2")
    assert phone.hop_label == "work_accident.worker_number"
    assert phone.send("12").startswith("Numéro d'assuré invalide")
    phone.send("00")
    assert phone.hop_label == "employer.home"
    phone.walk("5", "5", "2", "2000001")
    assert phone.send("25/11/2026").startswith("Date trop tardive (pas après le 23/11/2026).")
    assert phone.send("01/01/2024").startswith("Date trop ancienne (pas avant le 21/11/2024).")
    phone.send("22112026")
    assert phone.send("Atelier #3").startswith("Texte invalide")
    phone.send("Atelier  du port")
    assert phone.hop_label == "work_accident.accident_type" and "1 Chute\n2 Machine ou outil" in phone.screen
    phone.send("2")
    assert phone.screen.startswith("Accident de l'assuré 2000001\nle 22/11/2026\nLieu: Atelier du port\n"
                                   "Machine ou outil\n1 Confirmer")
    filed = phone.send("1")
    assert filed.endswith("A déclarer sous 48 h après l'accident. Un agent CNSS vous rappellera.")
    tracking = tracking_number("WA", filed)
    (row,) = gateway.rows(t.service_requests)
    assert row.details == {"worker_number": "2000001", "accident_date": "2026-11-22", "place": "Atelier du port",
                           "accident_type": "machine"}
    runner = gateway.app.test_cli_runner()
    assert runner.invoke(args=["request-status", tracking, "documents_missing", "--note",
                               "Certificat medical initial"]).exit_code == 0
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE)) == [
        f"CNSS: votre demande {tracking} (Accident du travail) est incomplète. Certificat medical initial "
        "Apportez les pièces manquantes en agence. Aide: 8323 (gratuit)."]
    assert f"Accident du travail {tracking} du 23/11: à compléter" in _texted(gateway, "DEMANDES")


def test_a_declared_payment_awaits_verification_and_a_rejection_is_texted(gateway: Gateway) -> None:
    payments, balance = gateway.count(t.payments), _employer(gateway).send("2")
    phone = _employer(gateway)
    phone.walk("5", "6")
    assert phone.hop_label == "declared_payment.paid_by"
    assert "1 Virement bancaire\n2 Dépot en banque\n3 Mobile money" in phone.screen
    phone.send("3")
    assert phone.send("TX#1").startswith("Texte invalide")
    phone.send("mp2611 23.0045")
    assert phone.send("cent mille").startswith("Montant de 1 FCFA à 999 999 999 FCFA")
    phone.send("100000")
    assert phone.send("2026-11-20").startswith("Date invalide.")
    assert phone.send("24112026").startswith("Date trop tardive")
    confirm = phone.send("20112026")
    assert confirm.startswith("Mobile money du 20/11/2026\nTransaction mp2611 23.0045\n100 000 FCFA\n"
                              "A vérifier par la CNSS.\n1 Confirmer")
    filed = phone.send("1")
    assert "Il sera crédité après vérification par la CNSS." in filed
    tracking = tracking_number("DP", filed)
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.status, row.details) == ("declared_payment", "received", {
        "paid_by": "mobile_money", "transaction": "mp2611 23.0045", "amount": 100_000, "paid_on": "2026-11-20"})
    assert gateway.count(t.payments) == payments, "never credited on the employer's word"
    assert _employer(gateway).send("2") == balance
    runner = gateway.app.test_cli_runner()
    assert runner.invoke(args=["request-status", tracking, "rejected", "--note", "Aucun credit a ce jour"]).exit_code == 0
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE))[-1] == (
        f"CNSS: paiement déclaré {tracking} (100 000 FCFA, transaction mp2611 23.0045) non retrouvé. "
        "Aucun credit a ce jour Infos: 8323 (gratuit).")
    listing = _employer(gateway)
    assert f"1 {tracking} rejetée" in listing.walk("5", "3")
    assert f"23/11 {tracking} rejetée\n23/11 Demande {tracking}" in listing.walk("0", "4")
