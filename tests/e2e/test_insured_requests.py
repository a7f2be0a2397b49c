"""Insured persons' benefit requests and declarations over the Africa's Talking endpoint, on both stacks."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind, InsuredPerson
from core.domain.pins import Credential
from tests.e2e.conftest import INSURED_PHONE, Gateway
from tests.support.phone import UssdPhone

DATE_FORMAT = "Date invalide. Tapez JJMMAAAA"
NAME_INVALID = "Nom invalide: lettres, espaces et tirets"
CHOICE_INVALID = "Choix invalide."


@dataclass(frozen=True)
class Field:
    """One screen of a form: wrong answers with the line each gets, then the right one."""

    screen: str
    wrong: tuple[tuple[str, str], ...]
    right: str


@dataclass(frozen=True)
class Journey:
    """A kind's whole transcript: the keys from "Mes demandes", its fields, what is shown, stored and texted."""

    kind: str
    prefix: str
    label: str
    keys: tuple[str, ...]
    fields: tuple[Field, ...]
    summary: str
    details: dict[str, object]
    documents: str
    status: str
    status_sms: str
    status_word: str


JOURNEYS = (
    Journey("old_age_pension", "PV", "Pension de vieillesse", ("3", "1", "1"), (
        Field("old_age_pension.pension_start", (("31112026", DATE_FORMAT),
                                                ("01012028", "Date trop tardive (pas après le 24/11/2027).")),
              "01012027"),
    ), "Pension de vieillesse à partir du 01/01/2027.", {"pension_start": "2027-01-01"},
        "CNI, acte de naissance, certificats de travail, RIB ou numéro mobile money", "validated", "est validée",
        "validée"),
    Journey("invalidity_pension", "PI", "Pension d'invalidité", ("3", "2"), (
        Field("invalidity_pension.incapacity_date", (("15/13/2025", DATE_FORMAT),
                                                     ("01122026", "Date trop tardive (pas après le 23/11/2026).")),
              "15/06/2026"),
    ), "Pension d'invalidité. Incapacité depuis le 15/06/2026.", {"incapacity_date": "2026-06-15"},
        "CNI, certificat médical d'invalidité, certificats de travail, RIB", "rejected", "est rejetée", "rejetée"),
    Journey("prenatal_allowance", "AP", "Allocation prénatale", ("3", "3"), (
        Field("prenatal_allowance.mother", (("3", CHOICE_INVALID),), "2"),
        Field("prenatal_allowance.delivery_date", (("1505", DATE_FORMAT),
                                                   ("01-05-2026", "Date trop ancienne (pas avant le 23/11/2026).")),
              "15042027"),
    ), "Allocation prénatale\nFuture mère: Mon épouse\nNaissance prévue le 15/04/2027",
        {"mother": "spouse", "delivery_date": "2027-04-15"},
        "certificat de grossesse, carnet des examens prénatals, CNI", "documents_missing", "est incomplète",
        "à compléter"),
    Journey("maternity_allowance", "IJ", "Indemnité maternité", ("3", "4"), (
        Field("maternity_allowance.delivery_date", (("abc", DATE_FORMAT),
                                                    ("01012026", "Date trop ancienne (pas avant le 10/08/2026).")),
              "20122026"),
    ), "Indemnité journalière de maternité (IJM)\nAccouchement le 20/12/2026", {"delivery_date": "2026-12-20"},
        "certificat de grossesse, attestation de congé de l'employeur, CNI, RIB", "validated", "est validée",
        "validée"),
    Journey("child_declaration", "EN", "Déclaration d'enfant", ("4", "1"), (
        Field("child_declaration.child_name", (("B0B 42", NAME_INVALID), ("A", NAME_INVALID)), " kossi  ÉLOM-yao"),
        Field("child_declaration.child_birth", (("32012020", DATE_FORMAT),
                                                ("01012027", "Date trop tardive (pas après le 23/11/2026).")),
              "05062019"),
        Field("child_declaration.child_sex", (("3", CHOICE_INVALID),), "1"),
    ), "Enfant: Kossi Elom-Yao\nNé(e) le 05/06/2019, Fille",
        {"child_name": "Kossi Elom-Yao", "child_birth": "2019-06-05", "child_sex": "f"},
        "acte de naissance de l'enfant, votre CNI", "validated", "est validée", "validée"),
    Journey("spouse_declaration", "CJ", "Déclaration de conjoint", ("4", "2"), (
        Field("spouse_declaration.spouse_name", (("A", NAME_INVALID), ("Mensah 2", NAME_INVALID)), "adjoa  mensah"),
        Field("spouse_declaration.marriage_date", (("20270101", DATE_FORMAT),
                                                   ("01011940", "Date trop ancienne (pas avant le 24/09/1946).")),
              "14022015"),
    ), "Conjoint: Adjoa Mensah\nMariage du 14/02/2015", {"spouse_name": "Adjoa Mensah", "marriage_date": "2015-02-14"},
        "acte de mariage, CNI des deux conjoints", "rejected", "est rejetée", "rejetée"),
    Journey("occupational_disease", "MP", "Maladie professionnelle", ("4", "3"), (
        Field("occupational_disease.disease_date", (("1", DATE_FORMAT),
                                                    ("01012020", "Date trop ancienne (pas avant le 21/11/2024).")),
              "01102026"),
        Field("occupational_disease.disease", (("9", CHOICE_INVALID),), "98*1"),
    ), "Maladie professionnelle: Dos, articulations\nConstatée le 01/10/2026",
        {"disease_date": "2026-10-01", "disease": "joints"},
        "certificat médical, attestation d'exposition de l'employeur, CNI", "documents_missing", "est incomplète",
        "à compléter"),
)


def _insured(gateway: Gateway, phone_number: str = INSURED_PHONE, pin: str = "4321") -> UssdPhone:
    phone = gateway.phone(phone_number)
    phone.dial()
    phone.send(pin)
    assert phone.hop_label == "insured.home"
    return phone


def _answer(phone: UssdPhone, typed: str) -> str:
    """One answer, or several hops written ``98*1`` (next page, then the choice)."""
    return phone.walk(*typed.split("*"))


def _fill(phone: UssdPhone, field: Field) -> None:
    assert phone.hop_label == field.screen
    for typed, line in field.wrong:
        assert _answer(phone, typed).startswith(line), phone.screen
        assert phone.hop_label == field.screen, f"{typed!r} is re-asked"
    _answer(phone, field.right)


def _sms_reply(gateway: Gateway, text: str, sender: str) -> str:
    form = {"from": sender, "to": "8323", "text": text, "id": "ATXid_in_w4", "date": "2026-11-23 10:06:00",
            "linkId": "", "networkCode": "61501"}
    response = gateway.client.post("/gateway/at/sms/inbound", data=urlencode(form),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    (row,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.idempotency_key == "reply:ATXid_in_w4")
    return str(row.body)


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.kind for j in JOURNEYS])
def test_each_request_re_asks_goes_back_and_home_resumes_files_and_is_followed(gateway: Gateway,
                                                                                journey: Journey) -> None:
    phone = _insured(gateway)
    mine = phone.send("5")
    assert "3 Demander une prestation\n4 Faire une déclaration" in mine
    phone.walk(*journey.keys)
    first = journey.fields[0].screen
    assert phone.hop_label == first
    phone.send("00")
    assert phone.hop_label == "insured.home", "home from the middle of the form"
    phone.walk("5", *journey.keys)
    _fill(phone, journey.fields[0])

    # The network drops the session after the first field; the insured person redials and resumes.
    following = journey.fields[1].screen if len(journey.fields) > 1 else f"{journey.kind}.confirm"
    assert phone.hop_label == following
    phone = gateway.phone(INSURED_PHONE)
    assert phone.dial().startswith("Vous avez une session interrompue.")
    phone.walk("1", "4321")
    assert phone.hop_label == following
    for field in journey.fields[1:]:
        _fill(phone, field)

    assert phone.hop_label == f"{journey.kind}.confirm"
    assert journey.summary in phone.screen, "the first field survived the drop"
    phone.send("0")
    assert phone.hop_label == journey.fields[-1].screen, "back to the last field, to change it"
    _answer(phone, journey.fields[-1].right)
    assert phone.hop_label == f"{journey.kind}.confirm"
    filed = phone.send("1")
    assert phone.ended and phone.hop_label == f"{journey.kind}.filed"
    found = re.search(rf"Suivi: ({journey.prefix}\d{{8}})\. A apporter en agence: (.*)$", filed)
    assert found and found.group(2) == journey.documents, filed
    tracking = found.group(1)
    (row,) = gateway.rows(t.service_requests)
    assert (row.tracking_number, row.kind, row.holder_kind, row.holder_number, row.status) == (
        tracking, journey.kind, "insured", "2000001", "received")
    assert (row.details, row.msisdn) == (journey.details, INSURED_PHONE)

    # Staff move it on; the person hears by SMS, and sees it in "my requests", the history and DEMANDES.
    gateway.clock.advance(minutes=30)
    result = gateway.app.test_cli_runner().invoke(args=["request-status", tracking, journey.status,
                                                        "--note", "Voir agence Lome Sud"])
    assert result.exit_code == 0, result.output
    (sms,) = gateway.sms.to(Msisdn(INSURED_PHONE))
    assert sms.startswith(f"CNSS: votre demande {tracking} ({journey.label}) {journey.status_sms}. Voir agence Lome Sud")
    (queued,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.purpose == "request_status")
    assert queued.essential
    listing = _insured(gateway)
    assert f"1 {tracking} {journey.status_word}" in listing.walk("5", "1")
    assert listing.send("1").startswith(f"{journey.label} {tracking}\ndu 23/11: {journey.status_word}\n"
                                        "Voir agence Lome Sud")
    history = listing.walk("0", "0", "2")
    assert f"23/11 {tracking} {journey.status_word}\n23/11 Demande {tracking}" in history
    assert f"{journey.label} {tracking} du 23/11: {journey.status_word}" in _sms_reply(gateway, "DEMANDES",
                                                                                        INSURED_PHONE)


def test_the_old_age_pension_shows_the_months_of_insurance_and_refuses_a_date_too_early(gateway: Gateway) -> None:
    phone = _insured(gateway)
    hint = phone.walk("5", "3", "1")
    assert phone.hop_label == "old_age_pension.enough_months"
    assert hint.startswith("Pension de vieillesse. Votre compte: 250 mois d'assurance (minimum 180).\n1 Continuer")
    phone.send("1")
    assert phone.send("01112025").startswith("Date trop ancienne (pas avant le 22/11/2025).")
    assert phone.hop_label == "old_age_pension.pension_start"
    phone.send("0")
    assert phone.hop_label == "old_age_pension.enough_months", "back to the hint"


def test_below_180_months_the_pension_request_is_still_taken_with_a_polite_warning(gateway: Gateway) -> None:
    newcomer = "+22893445566"
    with gateway.rt.uow_factory() as uow:
        uow.insured_persons.add(InsuredPerson("2000077", "KOFFI Ama", date(1966, 1, 10), (Msisdn.parse(newcomer),),
                                              prior_insured_months=100))
        pin_hash = gateway.rt.pin_hasher.hash("2468", HolderKind.INSURED, "2000077")
        uow.credentials.save(Credential(HolderKind.INSURED, "2000077", pin_hash))
        uow.commit()
    phone = _insured(gateway, newcomer, "2468")
    hint = phone.walk("5", "3", "1")
    assert phone.hop_label == "old_age_pension.few_months"
    assert hint.startswith("100 mois d'assurance au compte; la pension en demande 180. Demandez quand meme")
    phone.walk("1", "01122026", "1")
    assert phone.ended and re.search(r"Suivi: PV\d{8}", phone.screen)
    (row,) = gateway.rows(t.service_requests)
    assert (row.kind, row.holder_number, row.details) == ("old_age_pension", "2000077", {"pension_start": "2026-12-01"})


def test_the_forms_speak_english_to_an_english_speaker(gateway: Gateway) -> None:
    phone = _insured(gateway)
    phone.walk("6", "2", "2")  # My account > language > English
    assert phone.screen.startswith("Language saved.")
    menu = phone.send("5")
    assert "3 Request a benefit\n4 Make a declaration" in menu
    phone.walk("4", "1", "ama")
    assert phone.send("1O062020").startswith("Invalid date. Type DDMMYYYY")
    phone.walk("10062020", "2")
    assert phone.screen.startswith("Child: Ama\nBorn 10/06/2020, Boy")
    filed = phone.send("1")
    assert "Bring to a CNSS office: the child's birth certificate, your ID card" in filed
