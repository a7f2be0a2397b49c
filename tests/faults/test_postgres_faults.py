"""PostgreSQL stopped, killed or frozen under the running gateway: apologies, 503s, and payments credited once after."""
from __future__ import annotations

import re
from typing import Any

import pytest

from core.adapters.sqlalchemy import tables as t
from tests.faults.conftest import EMPLOYER_PHONE, ServedGateway
from tests.faults.expectations import BANK_BOUND, HOP_BOUND, PROBE_BOUND, is_apology, is_sms_follows, is_try_again

pytestmark = pytest.mark.faults

PAYMENTS = "/api/bank/v1/payments"
INBOUND = "/gateway/at/sms/inbound"


def _reference(served: ServedGateway) -> str:
    phone = served.phone()
    phone.dial()
    found = re.search(r"(\d{4} \d{4} \d{4})", phone.walk("1234", "1", "1", "1"))
    assert found is not None, phone.screen
    return found.group(1).replace(" ", "")


def _notice(reference: str) -> dict[str, Any]:
    return {"reference": reference, "amount": 93_437, "currency": "XOF", "transaction_id": "IBB-FAULT-1",
            "paid_at": "2026-11-23T10:05:00Z", "account_label": "Compte courant"}


def _credited(served: ServedGateway, reference: str) -> tuple[int, int, int]:
    """Payments, payment ledger entries and queued receipts of one reference."""
    return (served.count(t.payments, t.payments.c.reference == reference),
            served.count(t.ledger_entries, t.ledger_entries.c.kind == "payment",
                         t.ledger_entries.c.reference == reference),
            served.count(t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt",
                         t.outbound_messages.c.body.contains(f"R{reference}")))


def _retries_credit_once(served: ServedGateway, reference: str) -> None:
    """The bank's retry credits; a second retry is recognised (same body, 200), nothing added."""
    bank = served.bank()
    first = bank.post(PAYMENTS, _notice(reference))
    assert first.status_code == 201, first.get_data(as_text=True)
    payments, entries, receipts = _credited(served, reference)
    assert (payments, entries) == (1, 1) and receipts >= 1
    second = bank.post(PAYMENTS, _notice(reference))
    assert (second.status_code, second.json) == (200, first.json)
    assert _credited(served, reference) == (1, 1, receipts)


def _refused_while_down(served: ServedGateway, reference: str) -> float:
    """The notification gets a 503 JSON with Retry-After; returns how long the answer took."""
    answer = served.bank().post(PAYMENTS, _notice(reference))
    assert answer.status_code == 503, (answer.status_code, answer.get_data(as_text=True))
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json
    assert body is not None and body["error"] == "unavailable" and int(answer.headers["Retry-After"]) > 0
    return float(served.client.last.seconds) if served.client.last else 0.0


@pytest.mark.parametrize("how", ["graceful", "sigkill"])
def test_postgres_stopped_ussd_apologises_bank_gets_503_and_the_retry_credits_once(
        served: ServedGateway, how: str) -> None:
    reference = _reference(served)
    phone = served.phone()
    phone.dial()
    phone.send("1234")
    served.postgres.stop(kill=how == "sigkill")

    account = phone.send("2")  # Compte cotisant reads the ledger
    assert phone.ended and is_apology(account), account
    assert served.client.last is not None and served.client.last.seconds < HOP_BOUND
    fresh = served.phone()
    assert is_apology(fresh.dial()) and fresh.ended, fresh.screen
    seconds = _refused_while_down(served, reference)
    assert seconds < BANK_BOUND
    ready = served.client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["database", "migrations"], ready.get_data(as_text=True)

    served.postgres.start()
    assert _credited(served, reference) == (0, 0, 0), "the refused notification left nothing behind"
    assert served.client.get("/readyz").status_code == 200
    _retries_credit_once(served, reference)
    again = served.phone()
    again.dial()
    assert again.walk("1234", "2").startswith("Solde: "), again.screen


def test_postgres_frozen_every_answer_is_bounded_and_the_retry_credits_once_after_thaw(
        served: ServedGateway) -> None:
    reference = _reference(served)
    phone = served.phone()
    phone.dial()
    phone.send("1234")
    served.postgres.freeze()

    account = phone.send("2")
    assert served.client.last is not None
    hop_seconds = served.client.last.seconds
    assert phone.ended and (is_apology(account) or is_sms_follows(account) or is_try_again(account)), account
    assert hop_seconds < HOP_BOUND, f"the hop took {hop_seconds:.2f} s"
    ready = served.client.get("/readyz")
    assert ready.seconds < PROBE_BOUND, f"/readyz took {ready.seconds:.2f} s"
    assert ready.status_code == 503 and ready.json["failing"] == ["database", "migrations"], ready.get_data(as_text=True)
    seconds = _refused_while_down(served, reference)
    assert seconds < BANK_BOUND, f"the bank waited {seconds:.2f} s for its 503"

    served.postgres.thaw()
    assert _credited(served, reference) == (0, 0, 0), "the refused notification left nothing behind"
    _retries_credit_once(served, reference)


def test_sms_inbound_with_postgres_down_is_refused_then_stored_and_answered_once(served: ServedGateway) -> None:
    form = {"from": EMPLOYER_PHONE, "to": "8323", "text": "SOLDE", "id": "ATXid_fault_1",
            "date": "2026-11-23 10:06:00", "linkId": "", "networkCode": "61501"}
    served.postgres.stop()
    refused = served.form(INBOUND, form)
    assert refused.status_code == 503, (refused.status_code, refused.get_data(as_text=True))
    assert "<html" not in refused.get_data(as_text=True).lower()

    served.postgres.start()
    stored = (t.inbound_messages, t.inbound_messages.c.provider_message_id == "ATXid_fault_1")
    replies = (t.outbound_messages, t.outbound_messages.c.idempotency_key == "reply:ATXid_fault_1")
    assert (served.count(*stored), served.count(*replies)) == (0, 0)
    for _ in range(2):  # the provider's retry, then a duplicate of it
        assert served.form(INBOUND, form).status_code == 200
        assert (served.count(*stored), served.count(*replies)) == (1, 1)
