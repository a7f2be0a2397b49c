"""Whatever a subscriber types into a form, on the in-process store (SQLite stack) and on Redis (PostgreSQL stack):
kept in the session state (encoded by orjson) across a drop, re-asked with the reason, or refused at the edge with
the reason; never an apology, and the form so far is never lost."""
from __future__ import annotations

import pytest

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.phone import UssdPhone


def _at_last_name(gateway: Gateway) -> UssdPhone:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    phone.walk("1234", "5", "5", "1")
    assert phone.hop_label == "worker_registration.last_name"
    return phone


@pytest.mark.parametrize(("typed", "stored"), [
    ("Ékoué Zoé", "Ekoue Zoe"), ("N'Guessan-Kouassi", "N'Guessan-Kouassi"), ("Mensah 😀", "Mensah")])
def test_a_name_kept_in_the_session_survives_a_drop_and_is_filed(gateway: Gateway, typed: str, stored: str) -> None:
    phone = _at_last_name(gateway)
    phone.walk(typed, "Afi", "01022000")
    assert phone.hop_label == "worker_registration.sex", phone.screen
    again = gateway.phone(EMPLOYER_PHONE)
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "1234")
    assert again.hop_label == "worker_registration.sex"
    again.walk("1", "20112026", "52500", "1")
    assert again.hop_label == "worker_registration.confirm"
    again.send("1")
    (row,) = gateway.rows(t.service_requests)
    assert (row.details["last_name"], row.details["birth_date"]) == (stored, "2000-02-01")


@pytest.mark.parametrize("typed", ["李", "😀😀", "12"])
def test_a_name_the_form_refuses_is_asked_again_with_the_reason(gateway: Gateway, typed: str) -> None:
    phone = _at_last_name(gateway)
    assert phone.send(typed).startswith("Nom invalide: lettres, espaces et tirets, 2 à 18 caractères.")
    assert not phone.ended and phone.hop_label == "worker_registration.last_name"
    phone.send("Mensah")
    assert phone.hop_label == "worker_registration.first_names"


@pytest.mark.parametrize("typed", ["Afi\u00a0Dede", "\u202eAdjo", "Ad\x00jo"])
def test_a_character_no_keypad_types_is_refused_at_the_edge_and_the_form_carries_on(
        gateway: Gateway, typed: str) -> None:
    phone = _at_last_name(gateway)
    response = gateway.client.post("/gateway/at/ussd", data={
        "sessionId": phone.session_id, "phoneNumber": EMPLOYER_PHONE, "networkCode": phone.network_code,
        "serviceCode": phone.service_code, "text": "*".join([*phone.inputs, typed])})
    assert response.status_code == 400 and response.get_data(as_text=True).startswith("bad request: text:")
    phone.send("Mensah")
    assert phone.hop_label == "worker_registration.first_names"
