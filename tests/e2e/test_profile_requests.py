"""Profile change requests over the Africa's Talking endpoint, for employers and insured persons: a new phone
confirmed by a code texted to it (sealed, 10 minutes, 3 tries, rate-limited), e-mail shape, address text."""
from __future__ import annotations

import re

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, Gateway
from tests.support.phone import UssdPhone

NEW_PHONE = "+22891000001"
FILED = re.compile(r"Suivi: ((?:TM|EM|AD)\d{8})\. La CNSS fera le changement après vérification")


def _login(gateway: Gateway, msisdn: str = EMPLOYER_PHONE) -> UssdPhone:
    phone = gateway.phone(msisdn)
    phone.dial()
    phone.send("1234" if msisdn == EMPLOYER_PHONE else "4321")
    return phone


def _code(gateway: Gateway) -> str:
    texts = gateway.sms.to(Msisdn(NEW_PHONE))
    found = re.fullmatch(r"CNSS: votre code de confirmation de numéro est (\d{6})\. Ne le donnez à personne\.",
                         texts[-1])
    assert found, texts
    return found.group(1)


def _expire_code(gateway: Gateway) -> None:
    """What the code's 10-minute TTL does (the USSD session and its resume point live no longer)."""
    name = "phone_change:employer:1000001"
    if gateway.redis is None:
        gateway.app.config["SESSION_STORE"].delete_value(name)
    else:
        gateway.redis.delete(f"cnss:ussd:value:{name}")


def test_a_new_phone_is_confirmed_by_the_code_texted_to_it_before_the_request_is_filed(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.walk("5", "7")
    assert phone.hop_label == "profile.home" and "1 Téléphone\n2 E-mail\n3 Adresse" in phone.screen
    phone.send("1")
    assert phone.send("123").startswith("Numéro de téléphone invalide.")
    assert phone.send("90 11 22 33").startswith("C'est déjà votre numéro.")
    assert phone.send("91000001").startswith("Nouveau téléphone: +22891000001\nUn code lui sera envoyé par SMS.\n"
                                             "1 Envoyer le code")
    assert phone.send("1").startswith("Entrez le code à 6 chiffres recu par SMS sur le +22891000001:")
    assert gateway.rows(t.service_requests) == [], "nothing filed before the code"
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE)) == [], "the code goes to the new phone only"
    code = _code(gateway)
    (queued,) = gateway.rows(t.outbound_messages, t.outbound_messages.c.recipient == NEW_PHONE)
    assert (queued.purpose, queued.essential) == ("phone_code", True), "masked once sent, like activation codes"
    assert phone.send("12").startswith("Code invalide.")
    assert phone.send(f"{(int(code) + 1) % 10 ** 6:06d}").startswith("Code incorrect.")
    filed = phone.send(code)
    assert phone.ended and phone.hop_label == "phone_change.filed"
    tracking = FILED.search(filed).group(1)  # type: ignore[union-attr]
    (row,) = gateway.rows(t.service_requests)
    assert (row.tracking_number, row.kind, row.holder_kind, row.holder_number, row.details, row.msisdn) == (
        tracking, "phone_change", "employer", "1000001", {"new_phone": NEW_PHONE}, EMPLOYER_PHONE)
    assert code not in str(gateway.rows(t.ussd_session_events)) + str(row.details)

    runner = gateway.app.test_cli_runner()
    assert runner.invoke(args=["request-status", tracking, "validated"]).exit_code == 0
    assert gateway.sms.to(Msisdn(EMPLOYER_PHONE)) == [
        f"CNSS: votre demande {tracking} (Changement de téléphone) est validée."]
    assert gateway.sms.to(Msisdn(NEW_PHONE))[-1] == "CNSS: ce numéro est désormais enregistré sur votre compte CNSS."
    assert _login(gateway).walk("5", "3", "1").startswith(f"Changement de téléphone {tracking}\ndu 23/11: validée")


def test_three_wrong_codes_block_it_and_codes_to_one_phone_are_rate_limited(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.walk("5", "7", "1", "91000001", "1")
    code = _code(gateway)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    phone.walk(wrong, wrong)
    assert phone.send(wrong) == "Code bloqué après 3 erreurs. Refaites la demande plus tard."
    retry = _login(gateway)
    retry.walk("5", "7", "1", "91000001")
    assert retry.send("1") == "Code non envoyé: trop de demandes récentes vers ce numéro. Réessayez plus tard."
    assert len(gateway.sms.to(Msisdn(NEW_PHONE))) == 1, "no second code within the gap"

    gateway.clock.advance(minutes=3)  # past the gap between two codes to one phone
    again = _login(gateway)
    again.walk("5", "7", "1", "91000001", "1")
    second = _code(gateway)
    assert second and len(gateway.sms.to(Msisdn(NEW_PHONE))) == 2
    again.send("0")
    assert again.hop_label == "phone_change.confirm"
    assert again.send("1").startswith("Code non envoyé")
    assert gateway.rows(t.service_requests) == []


def test_an_expired_code_is_refused(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.walk("5", "7", "1", "91000001", "1")
    code = _code(gateway)
    _expire_code(gateway)
    assert phone.send(code) == "Code expiré. Refaites la demande depuis Modifier mes infos."
    assert gateway.rows(t.service_requests) == []


def test_a_phone_change_dropped_at_the_code_resumes_after_the_pin(gateway: Gateway) -> None:
    phone = _login(gateway)
    phone.walk("5", "7", "1", "91000001", "1")
    code = _code(gateway)
    again = gateway.phone(EMPLOYER_PHONE)
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "1234")
    assert again.hop_label == "profile.phone_code"
    again.send(code)
    assert again.hop_label == "phone_change.filed"
    (row,) = gateway.rows(t.service_requests)
    assert row.details == {"new_phone": NEW_PHONE}


def test_an_insured_person_changes_e_mail_and_address_and_hears_of_them(gateway: Gateway) -> None:
    phone = _login(gateway, INSURED_PHONE)
    assert "7 Mes infos" in phone.screen
    phone.walk("7", "2")
    assert phone.hop_label == "email_change.email"
    assert phone.send("aku@@mail").startswith("E-mail invalide (ex. nom@domaine.tg).")
    assert phone.send("aku mawuena@mail.tg").startswith("E-mail invalide")
    assert phone.send(" Aku.Mawuena@Mail.TG ").startswith("Nouvel e-mail:\naku.mawuena@mail.tg\n1 Confirmer")
    phone.send("0")
    assert phone.hop_label == "email_change.email"
    phone.send("00")
    assert phone.hop_label == "insured.home"
    phone.walk("7", "2", "aku.mawuena@mail.tg")
    email_tracking = FILED.search(phone.send("1")).group(1)  # type: ignore[union-attr]

    address = _login(gateway, INSURED_PHONE)
    address.walk("7", "3")
    assert address.send("Rue #12").startswith("Texte invalide")
    assert address.send("Quartier Bè,  rue 254").startswith("Nouvelle adresse:\nQuartier Be, rue 254\n1 Confirmer")
    dropped = gateway.phone(INSURED_PHONE)  # the network drops the session at the confirmation
    dropped.dial()
    dropped.walk("1", "4321")
    assert dropped.hop_label == "address_change.confirm" and "Quartier Be, rue 254" in dropped.screen
    address_tracking = FILED.search(dropped.send("1")).group(1)  # type: ignore[union-attr]
    rows = {r.kind: r for r in gateway.rows(t.service_requests)}
    assert rows["email_change"].details == {"email": "aku.mawuena@mail.tg"}
    assert (rows["address_change"].holder_kind, rows["address_change"].holder_number,
            rows["address_change"].details) == ("insured", "2000001", {"address": "Quartier Be, rue 254"})

    runner = gateway.app.test_cli_runner()
    assert runner.invoke(args=["request-status", address_tracking, "documents_missing", "--note",
                               "Certificat de residence"]).exit_code == 0
    assert gateway.sms.to(Msisdn(INSURED_PHONE))[-1].startswith(
        f"CNSS: votre demande {address_tracking} (Changement d'adresse) est incomplète. Certificat de residence")
    listing = _login(gateway, INSURED_PHONE)
    screen = listing.walk("5", "1")
    assert f"{address_tracking} à compléter" in screen and f"{email_tracking} recue" in screen
