"""The web phone simulator over HTTP: development only, its page, its screen measure and a phone's outbox."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from app import create_app
from core.domain.msisdn import redact_phones
from core.domain.outbox import sms_message
from core.services.demo import DEMO_ACCOUNTANT_PHONE, DEMO_ACCOUNTS
from gateway.simulator.identities import UNREGISTERED_PHONE
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, Gateway

# What production needs to start (see tests/integration/test_production_edge.py); nothing is contacted.
PRODUCTION_READY = {
    "GATEWAY_ENV": "production", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/cnss",
    "REDIS_URL": "redis://127.0.0.1:1/0", "AT_CALLBACK_KEY": "at-callback-key-0123",
    "GATEWAY_SECRET_KEY": "a-long-server-side-key-0123456789", "BANK_API_SECRET": "bank-secret",
    "PIN_PEPPER": "k1:a-long-pin-pepper-0123456789",
}


def _text(gateway: Gateway, sender: str, text: str, message_id: str) -> None:
    form = {"from": sender, "to": "8323", "text": text, "id": message_id, "date": "2026-11-23 10:06:00",
            "linkId": "", "networkCode": "61501"}
    response = gateway.client.post("/gateway/at/sms/inbound", data=urlencode(form),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_production_serves_no_simulator() -> None:
    client = create_app(PRODUCTION_READY).test_client()
    for path in ("/simulator", "/simulator/static/simulator.js", f"/simulator/outbox?phone={INSURED_PHONE}"):
        with client.get(path) as response:
            assert response.status_code == 404, path
    assert client.post("/simulator/measure", json={"text": "x"}).status_code == 404


def test_the_page_offers_every_demo_phone_with_its_pin_and_posts_to_the_real_endpoint(gateway: Gateway) -> None:
    response = gateway.client.get("/simulator")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for account in DEMO_ACCOUNTS:
        assert f'data-phone="{account.phone}"' in page and f"PIN {account.pin}" in page
        assert account.name in page
    assert f'data-phone="{DEMO_ACCOUNTANT_PHONE}"' in page and f'data-phone="{UNREGISTERED_PHONE}"' in page
    assert 'data-ussd-url="/gateway/at/ussd"' in page and 'data-sms-url="/gateway/at/sms/inbound"' in page
    assert 'data-service-code="*909#"' in page and 'data-callback-key=""' in page
    for asset in ("simulator.js", "simulator.css"):
        assert f"/simulator/static/{asset}" in page
        with gateway.client.get(f"/simulator/static/{asset}") as served:  # a file response: closed here
            assert served.status_code == 200
    assert "Raccrocher" in page and "Envoyer" in page


def test_the_page_carries_the_development_callback_key_so_its_hops_pass(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/sim.db", "TESTING": True,
                      "AT_CALLBACK_KEY": "dev-callback-key"})
    page = app.test_client().get("/simulator").get_data(as_text=True)
    assert 'data-callback-key="dev-callback-key"' in page
    with app.test_client().get("/simulator/static/simulator.js") as served:
        script = served.get_data(as_text=True)
    assert '"?key=" + encodeURIComponent(cfg.callbackKey)' in script


def test_measure_counts_septets_and_says_whether_a_screen_is_gsm7(gateway: Gateway) -> None:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    phone.send("1234")
    balance = phone.send("2")
    assert phone.hop_label == "account.summary"
    measured = gateway.client.post("/simulator/measure", json={"text": balance}).get_json()
    assert measured == {"length": len(balance), "gsm7": True, "limit": 160, "fits": True}
    euro = gateway.client.post("/simulator/measure", json={"text": "Solde 5 €"}).get_json()
    assert euro["length"] == 10 and euro["gsm7"] is True  # an extension character takes two septets
    unicode = gateway.client.post("/simulator/measure", json={"text": "Reçu ✓"}).get_json()
    assert unicode["gsm7"] is False and unicode["fits"] is False and unicode["length"] == 6
    too_long = gateway.client.post("/simulator/measure", json={"text": "9" * 161}).get_json()
    assert too_long["fits"] is False and too_long["length"] == 161
    for bad in ({"text": 5}, ["text"], {"text": "x" * 2001}):
        assert gateway.client.post("/simulator/measure", json=bad).status_code == 400
    assert gateway.client.post("/simulator/measure", data="text=x").status_code == 400


def test_outbox_lists_a_phones_sms_newest_first_with_the_phone_masked(gateway: Gateway) -> None:
    _text(gateway, INSURED_PHONE, "SOLDE", "SIM-1")
    _text(gateway, INSURED_PHONE, "AIDE", "SIM-2")
    _text(gateway, EMPLOYER_PHONE, "SOLDE", "SIM-3")
    response = gateway.client.get("/simulator/outbox", query_string={"phone": INSURED_PHONE})
    assert response.status_code == 200
    listed = response.get_json()
    assert listed["phone"] == "****2233"
    messages = listed["messages"]
    assert [m["purpose"] for m in messages] == ["keyword_reply", "keyword_reply"]
    assert "SOLDE, REF" in messages[0]["text"] and "250 mois d'assurance" in messages[1]["text"]
    assert messages[0]["id"] > messages[1]["id"]
    assert {m["status"] for m in messages} == {"queued"} and all(m["time"].startswith("2026-11-23T") for m in messages)
    assert all(m["recipient"] == "****2233" for m in messages)
    assert INSURED_PHONE not in response.get_data(as_text=True) and "99112233" not in response.get_data(as_text=True)


def test_outbox_accepts_a_national_number_and_refuses_garbage(gateway: Gateway) -> None:
    _text(gateway, INSURED_PHONE, "SOLDE", "SIM-1")
    national = gateway.client.get("/simulator/outbox", query_string={"phone": "99 11 22 33"}).get_json()
    assert len(national["messages"]) == 1
    for digits in ("22899112233", "99112233"):  # the page sends digits only, which the log mask hides
        assert len(gateway.client.get(f"/simulator/outbox?phone={digits}").get_json()["messages"]) == 1
        assert "9112233" not in redact_phones(f'"GET /simulator/outbox?phone={digits} HTTP/1.1" 200 -')
    assert gateway.client.get("/simulator/outbox", query_string={"phone": UNREGISTERED_PHONE}).get_json()[
        "messages"] == []
    for bad in ("", "abc", "123"):
        response = gateway.client.get("/simulator/outbox", query_string={"phone": bad})
        assert response.status_code == 400 and response.get_json()["error"] == "phone"


def test_outbox_shows_the_newest_twenty_of_a_long_history(gateway: Gateway) -> None:
    with gateway.rt.uow_factory() as uow:
        for n in range(105):  # more than one page of the outbox's own query
            uow.outbox.add(sms_message(EMPLOYER_PHONE, f"Message {n}", "statement", f"sim-{n}",
                                       gateway.clock.now()))
        uow.commit()
    messages = gateway.client.get("/simulator/outbox", query_string={"phone": EMPLOYER_PHONE}).get_json()["messages"]
    assert [m["text"] for m in messages] == [f"Message {n}" for n in range(104, 84, -1)]
