"""SMS keywords over HTTP: each keyword for employer, insured and unknown phones, QUITUS for anyone, opt-out and
its effect on sending."""
from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from core.domain.delivery import DeliveryResult
from core.domain.gsm7 import is_gsm7
from core.domain.outbox import MessageChannel, OutboundMessage, sms_message
from core.domain.parameters import Dated, ServiceRule
from core.domain.parties import HolderKind
from core.domain.payment_references import display_reference
from core.domain.requests import ClaimCategory, RequestStatus, ServiceRequest
from core.services.outbox_worker import deliver_due
from menus import format as fmt
from menus.backend import Backend
from tests.e2e.conftest import ACCOUNTANT_PHONE, EMPLOYER_PHONE, INSURED_PHONE, STRANGER_PHONE, UP_TO_DATE_PHONE, Gateway

INBOUND = "/gateway/at/sms/inbound"
REGISTER = "ce numéro n'est lié à aucun compte"
HELP = "CNSS par SMS: SOLDE, REF"


class FakeSmsTransport:
    """Accepts every SMS and records who it went to."""

    channel = MessageChannel.SMS

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> DeliveryResult:
        self.sent.append(message)
        return DeliveryResult.accepted(f"ATXid_{message.message_id}")


class Texter:
    """A phone texting the CNSS short code; each SMS gets a fresh provider id unless one is given."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.count = 0

    def send(self, text: str, sender: str, message_id: str | None = None) -> str:
        self.count += 1
        message_id = message_id or f"ATXid_in_{self.count}"
        form = {"from": sender, "to": "8323", "text": text, "id": message_id, "date": "2026-11-23 10:06:00",
                "linkId": "", "networkCode": "61501"}
        response = self.gateway.client.post(INBOUND, data=urlencode(form),
                                            content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        return message_id

    def reply(self, text: str, sender: str, message_id: str | None = None) -> Any:
        """The reply row queued for one SMS, checked for what every reply must be."""
        message_id = self.send(text, sender, message_id)
        row = _row(self.gateway, f"reply:{message_id}")
        assert row is not None, f"no reply to {text!r}"
        assert (row.recipient, row.purpose, row.channel, row.status) == (sender, "keyword_reply", "sms", "queued")
        assert is_gsm7(row.body) and row.encoding == "GSM-7" and 1 <= row.segments <= 3, row.body
        assert "PIN" not in row.body.upper().split() and "argent" not in row.body
        return row


@pytest.fixture
def texter(gateway: Gateway) -> Texter:
    return Texter(gateway)


def _row(gateway: Gateway, key: str) -> Any:
    rows = gateway.rows(t.outbound_messages, t.outbound_messages.c.idempotency_key == key)
    return rows[0] if rows else None


def _replies(gateway: Gateway) -> list[Any]:
    return gateway.rows(t.outbound_messages, t.outbound_messages.c.purpose == "keyword_reply")


def _opted_out(gateway: Gateway) -> list[str]:
    with gateway.rt.engine.connect() as connection:
        return [row.msisdn for row in connection.execute(sa.select(t.sms_opt_outs))]


def _backend(gateway: Gateway) -> Backend:
    backend = gateway.rt.ussd.backend
    assert isinstance(backend, Backend)
    return backend


def test_solde_for_an_employer_gives_balance_overdue_and_surcharges(gateway: Gateway, texter: Texter) -> None:
    summary = _backend(gateway).account_summary("1000001")
    row = texter.reply("SOLDE", EMPLOYER_PHONE)
    assert row.body == (f"CNSS BOULANGERIE DU PORT SARL 1000001\nSolde {fmt.money(summary.balance)}, "
                        f"impayé {fmt.money(summary.overdue)}, majorations {fmt.money(summary.surcharges_outstanding)}.")
    assert row.segments == 1 and row.essential


def test_solde_for_an_insured_person_gives_months_and_last_pay(gateway: Gateway, texter: Texter) -> None:
    account = _backend(gateway).individual_account("2000001")
    (period, pay), = account.pay_by_period()[:1]
    row = texter.reply("SOLDE", INSURED_PHONE)
    assert row.body == (f"CNSS AKU Mawuena 2000001\n{account.insured_months} mois d'assurance. "
                        f"Dernier salaire déclaré ({period.label}): {fmt.money(pay)}.")


def test_a_phone_holding_two_employers_gets_both_in_at_most_three_segments(gateway: Gateway, texter: Texter) -> None:
    row = texter.reply("solde", ACCOUNTANT_PHONE)
    assert "BOULANGERIE DU PORT SARL 1000001" in row.body and "PHARMACIE DE LA PAIX SARL 1000002" in row.body
    assert row.body.count("Solde ") == 2 and row.segments <= 2


def test_english_synonyms_answer_in_english(gateway: Gateway, texter: Texter) -> None:
    assert texter.reply("Balance", EMPLOYER_PHONE).body.startswith("CNSS BOULANGERIE DU PORT SARL 1000001\nBalance ")
    assert texter.reply("help", STRANGER_PHONE).body.startswith("CNSS by SMS: BALANCE, REF")
    assert texter.reply("REQUESTS", INSURED_PHONE).body == "CNSS AKU Mawuena 2000001: no request."


@pytest.mark.parametrize("text", ["  solde.", "Solde ?", "sOlDe!!", "CNSS SOLDE", "compte"])
def test_case_spaces_and_punctuation_are_tolerated(gateway: Gateway, texter: Texter, text: str) -> None:
    assert texter.reply(text, EMPLOYER_PHONE).body.startswith("CNSS BOULANGERIE DU PORT SARL 1000001\nSolde ")


def test_ref_shows_status_and_amount_of_the_callers_own_reference(gateway: Gateway, texter: Texter) -> None:
    reference = _backend(gateway).issue_reference("1000001", None)
    spaced = display_reference(reference.code)
    expected = (f"CNSS BOULANGERIE DU PORT SARL\nRéf {spaced} (l'impayé): {fmt.money(reference.amount)}, en attente, "
                f"valable au {fmt.day(gateway.clock.local(reference.expires_at))}.")
    for text in (f"REF {reference.code}", f"Référence {spaced}", f"REF:{reference.code}", f"réf. {spaced}."):
        assert texter.reply(text, EMPLOYER_PHONE).body == expected, text
    assert texter.reply(f"REF {reference.code}", ACCOUNTANT_PHONE).body == expected


def test_ref_of_another_employer_is_not_disclosed(gateway: Gateway, texter: Texter) -> None:
    with gateway.rt.uow_factory() as uow:
        (theirs,) = uow.references.list_for_employer("1000002", 1)
    row = texter.reply(f"REF {theirs.code}", EMPLOYER_PHONE)
    assert row.body == "CNSS: référence inconnue pour les comptes de ce numéro."
    assert fmt.money(theirs.amount) not in row.body and "PHARMACIE" not in row.body
    shown = texter.reply(f"REF {theirs.code}", ACCOUNTANT_PHONE).body
    assert "PHARMACIE DE LA PAIX SARL" in shown and "payée" in shown, "the accountant holds both employers"


def test_ref_checks_the_digits_first_and_explains_its_use(gateway: Gateway, texter: Texter) -> None:
    reference = _backend(gateway).issue_reference("1000001", None)
    swapped = reference.code[:-2] + reference.code[-1] + reference.code[-2]
    if swapped == reference.code:
        swapped = reference.code[:5] + str((int(reference.code[5]) + 1) % 10) + reference.code[6:]
    assert texter.reply(f"REF {swapped}", EMPLOYER_PHONE).body == "CNSS: référence invalide, vérifiez les 12 chiffres."
    assert texter.reply("REF 1234", EMPLOYER_PHONE).body == "CNSS: référence invalide, vérifiez les 12 chiffres."
    assert texter.reply("REF", EMPLOYER_PHONE).body.startswith("CNSS: envoyez REF suivi des 12 chiffres")
    assert texter.reply(f"REF {reference.code}", INSURED_PHONE).body.startswith("CNSS: REF est réservé aux employeurs")


def test_demandes_lists_the_latest_requests_of_each_account(gateway: Gateway, texter: Texter) -> None:
    assert texter.reply("DEMANDES", EMPLOYER_PHONE).body == "CNSS BOULANGERIE DU PORT SARL 1000001: aucune demande."
    backend = _backend(gateway)
    claim = backend.file_claim(HolderKind.EMPLOYER, "1000001", ClaimCategory.WRONG_BALANCE)
    attestation = backend.request_attestation("2000001")
    assert texter.reply("Demandes", EMPLOYER_PHONE).body == (
        f"CNSS BOULANGERIE DU PORT SARL 1000001, demandes:\nRéclamation {claim.tracking_number} du 23/11: recue")
    assert texter.reply("demande", INSURED_PHONE).body == (
        f"CNSS AKU Mawuena 2000001, demandes:\nAttestation {attestation.tracking_number} du 23/11: recue")
    both = texter.reply("DEMANDES", ACCOUNTANT_PHONE).body
    assert claim.tracking_number in both and "PHARMACIE DE LA PAIX SARL 1000002: aucune demande." in both


def test_pension_gives_a_labelled_estimate_for_an_insured_phone(gateway: Gateway, texter: Texter) -> None:
    body = texter.reply("PENSION 60", INSURED_PHONE).body
    assert body.startswith("CNSS AKU Mawuena, estimation indicative:\nEstimation à 60 ans, 250 mois:\nPension ")
    assert "FCFA/mois" in body
    usage = "CNSS: envoyez PENSION suivi de l'age de départ (60 à 65), ex. PENSION 60."
    assert texter.reply("retraite 55", INSURED_PHONE).body == usage, "born in 1966: 55 is already past"
    assert texter.reply("PENSION 70", INSURED_PHONE).body == usage
    assert texter.reply("PENSION 99999999999999999999", INSURED_PHONE).body == usage
    assert texter.reply("PENSION", INSURED_PHONE).body.startswith("CNSS: envoyez PENSION")
    assert texter.reply("PENSION 60", EMPLOYER_PHONE).body.startswith("CNSS: PENSION est réservé aux assurés")


@pytest.mark.parametrize("text", ["SOLDE", "REF 482133907715", "DEMANDES", "PENSION 60", "bonjour"])
def test_an_unregistered_phone_is_told_how_to_register(gateway: Gateway, texter: Texter, text: str) -> None:
    row = texter.reply(text, STRANGER_PHONE)
    assert REGISTER in row.body and "8323" in row.body
    assert row.essential is (text != "bonjour")


def test_help_stop_and_start_work_for_any_phone(gateway: Gateway, texter: Texter) -> None:
    for phone in (STRANGER_PHONE, EMPLOYER_PHONE, INSURED_PHONE):
        assert texter.reply("AIDE", phone).body.startswith(HELP)
        assert texter.reply("STOP", phone).body.startswith("CNSS: vous ne recevrez plus nos SMS d'information.")
        assert texter.reply("START", phone).body.startswith("CNSS: vous recevez à nouveau nos SMS d'information.")
    assert _opted_out(gateway) == []


def test_anything_else_gets_the_help_text_which_is_not_essential(gateway: Gateway, texter: Texter) -> None:
    row = texter.reply("Bonjour, je voudrais mon solde", EMPLOYER_PHONE)
    assert row.body.startswith(HELP) and not row.essential
    assert texter.reply("", INSURED_PHONE).body.startswith(HELP)


def test_stop_silences_non_essential_sms_until_start(gateway: Gateway, texter: Texter) -> None:
    stop = texter.reply("Arrêt", EMPLOYER_PHONE)
    assert stop.essential and _opted_out(gateway) == [EMPLOYER_PHONE]
    now = gateway.clock.now()
    with gateway.rt.uow_factory() as uow:
        uow.outbox.add(sms_message(EMPLOYER_PHONE, "CNSS rappel", "reminder", "test:reminder:1", now))
        uow.outbox.add(sms_message(EMPLOYER_PHONE, "CNSS recu", "payment_receipt", "test:receipt:1", now,
                                   essential=True))
        uow.outbox.add(sms_message(INSURED_PHONE, "CNSS info", "reminder", "test:other:1", now))
        uow.commit()
    transport = FakeSmsTransport()
    report = deliver_due(transport, uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    assert report.skipped == 1 and report.claimed == report.sent + 1
    assert _row(gateway, "test:reminder:1").status == "skipped"
    assert _row(gateway, "test:reminder:1").attempts == 0
    assert {m.idempotency_key for m in transport.sent} >= {stop.idempotency_key, "test:receipt:1", "test:other:1"}
    assert "test:reminder:1" not in {m.idempotency_key for m in transport.sent}

    start = texter.reply("START", EMPLOYER_PHONE)
    assert not start.body.startswith(HELP) and _opted_out(gateway) == []
    with gateway.rt.uow_factory() as uow:
        uow.outbox.add(sms_message(EMPLOYER_PHONE, "CNSS rappel", "reminder", "test:reminder:2", now))
        uow.commit()
    report = deliver_due(transport, uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    assert report.skipped == 0 and _row(gateway, "test:reminder:2").status == "sent"


def test_an_opted_out_phone_still_gets_the_answers_it_asks_for_but_not_the_help_text(
        gateway: Gateway, texter: Texter) -> None:
    texter.reply("STOP", INSURED_PHONE)
    solde = texter.reply("SOLDE", INSURED_PHONE)
    chatter = texter.reply("merci", INSURED_PHONE)
    deliver_due(FakeSmsTransport(), uow_factory=gateway.rt.uow_factory, clock=gateway.clock)
    assert _row(gateway, solde.idempotency_key).status == "sent"
    assert _row(gateway, chatter.idempotency_key).status == "skipped"


def test_a_repeated_inbound_id_gets_one_reply_and_one_opt_change(gateway: Gateway, texter: Texter) -> None:
    texter.send("SOLDE", EMPLOYER_PHONE, "dup-1")
    texter.send("SOLDE", EMPLOYER_PHONE, "dup-1")
    assert [r.idempotency_key for r in _replies(gateway)] == ["reply:dup-1"]
    texter.send("STOP", INSURED_PHONE, "dup-stop")
    texter.send("START", INSURED_PHONE, "dup-start")
    texter.send("STOP", INSURED_PHONE, "dup-stop")  # the provider retries the old STOP: no new opt-out
    assert _opted_out(gateway) == []
    assert len(_replies(gateway)) == 3
    with gateway.rt.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.inbound_messages)).scalar_one() == 3


def test_payment_alert_senders_get_no_keyword_reply(gateway: Gateway, texter: Texter) -> None:
    texter.send("SOLDE", "IBBANK")
    texter.send("AIDE", "+22890990000")
    assert _replies(gateway) == []


QUITUS_UNKNOWN = "CNSS quitus: statut INCONNU. Vérifiez le numéro (ex. QUITUS QS12345678) ou appelez le 8323."


def _issued_quitus(gateway: Gateway, status: RequestStatus = RequestStatus.READY) -> ServiceRequest:
    """A quitus request of the up-to-date employer, moved to ``status`` now (the day it is issued)."""
    request = _backend(gateway).request_quitus("1000002")
    with gateway.rt.uow_factory() as uow:
        uow.requests.update(request.with_status(status, gateway.clock.now()))
        uow.commit()
    return request


@pytest.mark.parametrize("sender", [STRANGER_PHONE, UP_TO_DATE_PHONE, INSURED_PHONE])
def test_quitus_tells_anyone_the_employer_the_last_valid_day_and_valid(
        gateway: Gateway, texter: Texter, sender: str) -> None:
    quitus = _issued_quitus(gateway)
    expected = (f"CNSS quitus {quitus.tracking_number}\nEmployeur: PHARMACIE DE LA PAIX SARL\n"
                "Valable jusqu'au 20/02/2027\nStatut: VALIDE")  # 90 days counting 23/11/2026
    row = texter.reply(f"QUITUS {quitus.tracking_number}", sender)
    assert row.body == expected and row.essential
    digits = quitus.tracking_number[2:]
    for text in (f"quitus {digits[:4]} {digits[4:]}", f"Quitus: qs-{digits}", f"CNSS QUITUS {digits}"):
        assert texter.reply(text, STRANGER_PHONE).body == expected, text


def test_quitus_is_expired_the_day_after_its_last_valid_day(gateway: Gateway, texter: Texter) -> None:
    quitus = _issued_quitus(gateway, RequestStatus.VALIDATED)
    gateway.clock.advance(days=89)
    assert texter.reply(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE).body.endswith("Statut: VALIDE")
    gateway.clock.advance(days=1)
    assert texter.reply(f"QUITUS {quitus.tracking_number}", "+22896000001").body == (
        f"CNSS quitus {quitus.tracking_number}\nEmployeur: PHARMACIE DE LA PAIX SARL\n"
        "Valable jusqu'au 20/02/2027\nStatut: EXPIRÉ")


def test_quitus_validity_follows_the_dated_parameter(gateway: Gateway, texter: Texter) -> None:
    backend = _backend(gateway)
    shorter = backend.rulebook.services.with_entries([Dated(gateway.clock.today(), ServiceRule(15, 30), "test")])
    backend.rulebook = dataclasses.replace(backend.rulebook, services=shorter)
    quitus = _issued_quitus(gateway)
    assert "Valable jusqu'au 22/12/2026" in texter.reply(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE).body


@pytest.mark.parametrize("status", [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS, RequestStatus.REJECTED])
def test_a_quitus_not_issued_is_unknown(gateway: Gateway, texter: Texter, status: RequestStatus) -> None:
    quitus = _issued_quitus(gateway, status)
    row = texter.reply(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE)
    assert row.body == QUITUS_UNKNOWN and "PHARMACIE" not in row.body


def test_malformed_unknown_and_other_tracking_numbers_get_the_same_unknown_answer(
        gateway: Gateway, texter: Texter) -> None:
    claim = _backend(gateway).file_claim(HolderKind.EMPLOYER, "1000001", ClaimCategory.OTHER)
    with gateway.rt.uow_factory() as uow:
        uow.requests.update(claim.with_status(RequestStatus.READY, gateway.clock.now()))
        uow.commit()
    texts = ["QUITUS", "QUITUS QS1234", "QUITUS QS123456789", "QUITUS XY12345678", "QUITUS QS99999999",
             f"QUITUS {claim.tracking_number}", f"QUITUS QS{claim.tracking_number[2:]}", "QUITUS ' OR 1=1 --",
             "QUITUS " + "9" * 500]
    for number, text in enumerate(texts):
        row = texter.reply(text, f"+2289600{number:04d}")
        assert row.body == QUITUS_UNKNOWN, text
        assert "BOULANGERIE" not in row.body


def test_quitus_replies_count_against_the_senders_reply_limit(gateway: Gateway, texter: Texter) -> None:
    quitus = _issued_quitus(gateway)
    limit = gateway.rt.ussd.backend.limits.settings.keyword_replies_per_hour
    for _ in range(limit):
        texter.reply(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE)
    texter.send(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE, "over-the-limit")
    assert _row(gateway, "reply:over-the-limit") is None
    assert len(_replies(gateway)) == limit


def test_a_quitus_counts_its_validity_from_the_day_it_was_issued_not_from_later_changes(
        gateway: Gateway, texter: Texter) -> None:
    quitus = _backend(gateway).request_quitus("1000002")
    runner = gateway.app.test_cli_runner()
    assert runner.invoke(args=["request-status", quitus.tracking_number, "ready"]).exit_code == 0
    gateway.clock.advance(days=30)
    assert runner.invoke(args=["request-status", quitus.tracking_number, "validated", "--note", "retire"]).exit_code == 0
    body = texter.reply(f"QUITUS {quitus.tracking_number}", STRANGER_PHONE).body
    assert "Valable jusqu'au 20/02/2027\nStatut: VALIDE" in body, "90 days from 23/11, not from the later change"
