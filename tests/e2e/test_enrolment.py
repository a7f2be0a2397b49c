"""Enrolment before any account over the Africa's Talking endpoint: domestic and small-business employers,
voluntary and self-employed insurance; status changes by CLI reach the phone by SMS."""
from __future__ import annotations


from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from tests.e2e.conftest import EMPLOYER_PHONE, STRANGER_PHONE, Gateway
from tests.e2e.test_sms_keywords import REGISTER, Texter
from tests.support.phone import UssdPhone
from tests.support.requests import tracking_number

STRANGER = Msisdn(STRANGER_PHONE)


def _enrol(gateway: Gateway) -> UssdPhone:
    phone = gateway.phone(STRANGER_PHONE)
    assert phone.dial().startswith("CNSS Togo")
    menu = phone.send("3")
    assert phone.hop_label == "enrol.menu" and "1 Employeur domestique\n2 Entreprise/PME" in menu
    return phone


def _status(gateway: Gateway, tracking: str, status: str, note: str | None = None) -> None:
    args = ["request-status", tracking, status] + (["--note", note] if note else [])
    result = gateway.app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output


def test_a_domestic_employer_pre_registers_re_asked_on_bad_input_and_resumed_after_a_drop(gateway: Gateway) -> None:
    phone = _enrol(gateway)
    phone.send("1")
    assert phone.hop_label == "domestic_employer.name"
    assert phone.send("Aku 2").startswith("Nom invalide")
    phone.walk("  aku  MAWUÉNA", "lomé tokoin")
    assert phone.hop_label == "domestic_employer.workers"
    assert phone.send("deux").startswith("Entrez un nombre de 1 à 99.")
    assert phone.send("100").startswith("Entrez un nombre de 1 à 99.")
    phone.send("2")
    assert phone.send("45 000 F").startswith("Montant de 1 FCFA à 50 000 000 FCFA")
    assert phone.send("50000001").startswith("Montant de 1 FCFA à 50 000 000 FCFA")
    again = gateway.phone(STRANGER_PHONE)  # the network dropped the session; the person redials
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.send("1")
    assert again.hop_label == "domestic_employer.pay"
    confirm = again.send("45000")
    assert confirm.startswith("Aku Mawuena\nLome Tokoin\n2 employé(s)\nSalaire du 1er: 45 000 FCFA\n1 Confirmer")
    again.send("0")
    assert again.hop_label == "domestic_employer.pay", "back to the last field"
    again.send("00")
    assert again.hop_label == "public.home"
    again.walk("3", "1", "Aku Mawuena", "Lome", "1", "60000")
    again.send("1")
    assert again.ended and again.hop_label == "domestic_employer.filed"
    tracking = tracking_number("DE", again.screen)
    assert "votre numéro employeur vous sera envoyé par SMS" in again.screen
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.holder_kind, row.holder_number, row.msisdn, row.status) == (
        "domestic_employer", "phone", STRANGER_PHONE, STRANGER_PHONE, "received")
    assert row.details == {"name": "Aku Mawuena", "locality": "Lome", "workers": 1, "pay": 60000}
    assert gateway.sms.to(STRANGER) == [], "nothing to say before CNSS validates"

    listing = _enrol(gateway)
    assert f"1 {tracking} recue" in listing.send("5")
    _status(gateway, tracking, "validated", "1000099")
    assert gateway.sms.to(STRANGER) == [
        "CNSS: employeur domestique Aku Mawuena immatriculé, numéro 1000099. Pour créer votre PIN, composez le code "
        "USSD CNSS: un code d'activation vous sera envoyé par SMS."]
    detail = _enrol(gateway).walk("5", "1")
    assert detail.startswith(f"Employeur domestique {tracking}\ndu 23/11: validée\n1000099")
    history = [(r.kind, r.details["status"] if "status" in r.details else None)
               for r in gateway.rows(t.activity, t.activity.c.holder_number == STRANGER_PHONE)]
    assert history == [("request_filed", None), ("request_status_changed", "validated")]


def test_a_small_business_file_is_opened_and_the_documents_are_sent_by_sms(gateway: Gateway) -> None:
    phone = _enrol(gateway)
    phone.send("2")
    assert phone.hop_label == "business_employer.company"
    assert phone.send("@@@").startswith("Texte invalide")
    phone.walk("Pharmacie de la Paix SARL", "kara", "Pharmacie")
    assert phone.send("10000").startswith("Entrez un nombre de 1 à 9999.")
    confirm = phone.send("12")
    assert confirm.startswith("Pharmacie de la Paix\nKara\nPharmacie, 12 salarié(s)\n1 Confirmer"), "name cut at a word"
    phone.send("1")
    assert phone.ended and phone.hop_label == "business_employer.filed"
    tracking = tracking_number("PM", phone.screen)
    assert gateway.sms.to(STRANGER) == [
        f"CNSS: dossier {tracking} ouvert. Apportez à l'agence CNSS de votre région: RCCM, statuts, NIF, CNI du "
        "dirigeant, liste du personnel et salaires. Infos: 8323 (gratuit)."]
    (queued,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.recipient == STRANGER_PHONE)
    assert queued.essential and queued.idempotency_key == f"request-status:{tracking}:received:{STRANGER_PHONE}"
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.holder_kind, row.details["company"], row.details["workers"]) == (
        "business_employer", "phone", "Pharmacie de la Paix SARL", 12)

    _status(gateway, tracking, "documents_missing", "Apportez le RCCM")
    _status(gateway, tracking, "rejected", "Entreprise deja immatriculee")
    said = gateway.sms.to(STRANGER)
    assert said[1].startswith(f"CNSS: votre demande {tracking} (Immatriculation PME) est incomplète. Apportez le RCCM")
    assert said[2].startswith(f"CNSS: votre demande {tracking} (Immatriculation PME) est rejetée. Entreprise deja")
    assert f"1 {tracking} rejetée" in _enrol(gateway).send("5")


def test_voluntary_insurance_refuses_politely_and_validates_every_typed_field(gateway: Gateway) -> None:
    phone = _enrol(gateway)
    phone.send("3")
    assert phone.hop_label == "voluntary_insurance.insured_months"
    assert phone.send("abc").startswith("Entrez un nombre de 1 à 600.")
    refusal = phone.send("5")
    assert phone.ended and refusal.startswith("Assurance volontaire impossible: il faut au moins 6 mois d'assurance")

    phone = _enrol(gateway)
    phone.walk("3", "24")
    assert phone.hop_label == "voluntary_insurance.left_on"
    assert phone.send("32012026").startswith("Date invalide.")
    assert phone.send("24112026").startswith("Date trop tardive (pas après le 23/11/2026).")
    refusal = phone.send("22112025")
    assert phone.ended and "dans les 12 mois qui suivent la fin de l'emploi" in refusal
    assert gateway.count(t.service_requests) == 0

    phone = _enrol(gateway)
    phone.walk("3", "24")
    assert phone.send("31121959").startswith("Date trop ancienne (pas avant le 01/01/1960).")
    phone.send("23/11/2025")
    assert phone.hop_label == "voluntary_insurance.insured_number"
    assert phone.send("12AB").startswith("Numéro d'assuré invalide")
    income = phone.send("2000123")
    assert "au moins le SMIG 52 500 FCFA" in income
    assert phone.send("52499").startswith("Montant de 52 500 FCFA à 50 000 000 FCFA")
    phone.send("52500")
    assert phone.hop_label == "voluntary_insurance.rhythm"
    confirm = phone.send("2")
    assert confirm.startswith("Assurance volontaire\nRevenu 52 500 FCFA/mois\nTaux 16,5%\nChaque trimestre: 25 988 FCFA")
    phone.send("1")
    assert phone.ended and phone.hop_label == "voluntary_insurance.filed"
    tracking = tracking_number("AV", phone.screen)
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.holder_kind, row.details) == ("voluntary_insurance", "phone", {
        "insured_months": 24, "left_on": "2025-11-23", "insured_number": "2000123", "income": 52500,
        "rhythm": "quarterly"})
    _status(gateway, tracking, "validated", "2000123")
    assert gateway.sms.to(STRANGER)[-1] == (
        f"CNSS: assurance volontaire {tracking} acceptée, numéro cotisant 2000123. Paiement par référence: composez "
        "le code USSD CNSS (code d'activation par SMS au 1er accès), menu Payer.")


def test_a_self_employed_worker_sees_the_yearly_contribution_and_enrols(gateway: Gateway) -> None:
    phone = _enrol(gateway)
    phone.send("4")
    assert phone.hop_label == "self_employed.trade"
    phone.send("couturière")
    assert phone.send("cent mille").startswith("Montant de 52 500 FCFA à 50 000 000 FCFA")
    assert phone.send("60000000").startswith("Montant de 52 500 FCFA à 50 000 000 FCFA")
    phone.send("100000")
    confirm = phone.walk("98", "1")  # the 4th rhythm, on the second page
    assert confirm.startswith("couturiere\nRevenu 100 000 FCFA/mois, taux 21,5%\nChaque année: 258 000 FCFA")
    phone.send("0")
    assert phone.hop_label == "self_employed.rhythm"
    phone.send("1")
    assert "Chaque mois: 21 500 FCFA" in phone.screen
    phone.send("1")
    tracking = tracking_number("TI", phone.screen)
    _status(gateway, tracking, "rejected", "Revenu a justifier")
    assert gateway.sms.to(STRANGER) == [
        f"CNSS: votre demande {tracking} (Travailleur indépendant) est rejetée. Revenu a justifier Infos: 8323 (gratuit)."]


def test_a_phone_with_no_account_follows_its_pre_registration_by_sms(gateway: Gateway) -> None:
    texter = Texter(gateway)
    assert REGISTER in texter.reply("DEMANDES", STRANGER_PHONE).body, "no account and no request yet"
    phone = _enrol(gateway)
    phone.walk("1", "Aku Mawuena", "Lome", "1", "60000")
    phone.send("1")
    tracking = tracking_number("DE", phone.screen)
    _status(gateway, tracking, "in_progress")
    body = texter.reply("DEMANDES", STRANGER_PHONE).body
    assert body.startswith("CNSS, demandes faites depuis ce numéro:") and tracking in body and "en cours" in body
    assert "depuis ce numéro" not in texter.reply("DEMANDES", EMPLOYER_PHONE).body, "only the phone's own requests"
