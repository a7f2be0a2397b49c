"""Requests as data over the Africa's Talking endpoint: the claim form, staff status changes by CLI, the SMS."""
from __future__ import annotations

import re

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind
from core.domain.requests import RequestStatus
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, Gateway
from tests.support.phone import UssdPhone

TRACKING = re.compile(r"Suivi: (RC\d{8})")


def _employer(gateway: Gateway) -> UssdPhone:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    phone.send("1234")
    return phone


def test_the_claim_form_re_asks_goes_back_and_home_and_files(gateway: Gateway) -> None:
    phone = _employer(gateway)
    demandes = phone.send("5")
    assert phone.hop_label == "requests.employer"
    assert "1 Quitus social\n2 Réclamation\n3 Suivi des demandes\n4 Historique" in demandes
    phone.send("2")
    assert phone.hop_label == "claim.category"
    assert phone.send("7").startswith("Choix invalide.\nObjet de la réclamation:")
    phone.send("2")
    assert phone.hop_label == "claim.confirm" and "Réclamation: Solde erroné" in phone.screen
    phone.send("0")
    assert phone.hop_label == "claim.category", "back to the field, to change it"
    phone.send("00")
    assert phone.hop_label == "employer.home"
    phone.walk("5", "2", "98", "1")
    assert "Réclamation: Retard de prestation" in phone.screen
    phone.send("1")
    assert phone.ended and phone.hop_label == "claim.filed"
    tracking = TRACKING.search(phone.screen).group(1)  # type: ignore[union-attr]
    (row,) = gateway.rows(t.service_requests)
    assert (row.tracking_number, row.kind, row.holder_kind, row.holder_number) == (
        tracking, "claim", "employer", "1000001")
    assert (row.details, row.msisdn, row.status) == ({"category": "benefit_delay"}, EMPLOYER_PHONE, "received")


def test_a_claim_dropped_at_its_confirmation_resumes_with_its_choice(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    phone.walk("4321", "4", "3")
    assert phone.hop_label == "claim.confirm" and "Périodes manquantes" in phone.screen
    again = gateway.phone(INSURED_PHONE)  # the network dropped the session; the subscriber redials
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "4321")
    assert again.hop_label == "claim.confirm" and "Réclamation: Périodes manquantes" in again.screen
    again.send("1")
    assert again.ended and TRACKING.search(again.screen)
    with gateway.rt.uow_factory() as uow:
        (request,) = uow.requests.list_for(HolderKind.INSURED, "2000001", 5)
    assert request.details == {"category": "missing_periods"} and request.msisdn == Msisdn(INSURED_PHONE)


def test_a_status_change_by_cli_reaches_the_person_by_sms_and_shows_in_my_requests(gateway: Gateway) -> None:
    phone = _employer(gateway)
    phone.walk("5", "2", "2", "1")
    tracking = TRACKING.search(phone.screen).group(1)  # type: ignore[union-attr]
    gateway.clock.advance(minutes=30)
    runner = gateway.app.test_cli_runner()
    result = runner.invoke(args=["request-status", tracking.lower(), "documents_missing",
                                 "--note", "Apportez   le releve bancaire de novembre"])
    assert result.exit_code == 0, result.output
    assert f"{tracking} (claim): documents_missing" in result.output.splitlines()
    (sms,) = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert sms == (f"CNSS: votre demande {tracking} (Réclamation) est incomplète. Apportez le releve bancaire de "
                   "novembre Apportez les pièces manquantes en agence. Aide: 8323 (gratuit).")
    (queued,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.purpose == "request_status")
    assert queued.essential and queued.idempotency_key == f"request-status:{tracking}:documents_missing:{EMPLOYER_PHONE}"
    again = runner.invoke(args=["request-status", tracking, "documents_missing"])
    assert again.exit_code == 0 and len(gateway.sms.to(Msisdn(EMPLOYER_PHONE))) == 1, "one SMS per status"

    listing = _employer(gateway)
    listing.walk("5", "3")
    assert f"1 {tracking} à compléter" in listing.screen
    assert listing.send("1").startswith(f"Réclamation {tracking}\ndu 23/11: à compléter\n")
    assert runner.invoke(args=["request-status", tracking, "validated", "--note", "Solde corrige"]).exit_code == 0
    listing = _employer(gateway)
    detail = listing.walk("5", "3", "1")
    assert detail.startswith(f"Réclamation {tracking}\ndu 23/11: validée\nSolde corrige")
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE))[-1] == (
        f"CNSS: votre demande {tracking} (Réclamation) est validée. Solde corrige")
    history = listing.walk("0", "0", "4")
    assert f"23/11 {tracking} validée\n23/11 {tracking} à compléter" in history
    with gateway.rt.uow_factory() as uow:
        stored = uow.requests.get(tracking)
    assert stored is not None and stored.status is RequestStatus.VALIDATED and stored.note == "Solde corrige"


def test_the_cli_refuses_an_unknown_tracking_number_status_or_a_long_note(gateway: Gateway) -> None:
    runner = gateway.app.test_cli_runner()
    unknown = runner.invoke(args=["request-status", "RC00000000", "validated"])
    assert unknown.exit_code == 1 and "no request has the tracking number 'RC00000000'" in unknown.output
    phone = _employer(gateway)
    phone.walk("5", "2", "1", "1")
    tracking = TRACKING.search(phone.screen).group(1)  # type: ignore[union-attr]
    bad_status = runner.invoke(args=["request-status", tracking, "done"])
    assert bad_status.exit_code == 1 and "unknown status 'done'; use one of: received, in_progress" in bad_status.output
    long_note = runner.invoke(args=["request-status", tracking, "rejected", "--note", "x" * 61])
    assert long_note.exit_code == 1 and "longer than 60 characters" in long_note.output
    with gateway.rt.uow_factory() as uow:
        assert uow.requests.get(tracking).status is RequestStatus.RECEIVED  # type: ignore[union-attr]
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE)) == []
