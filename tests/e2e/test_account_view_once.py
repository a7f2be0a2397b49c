"""An employer's account is read once per USSD session: summary, payments and back show the same reading,
and the next session reads it afresh (a payment made in between shows)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Gateway
from tests.support.spies import calls_to


def test_summary_payments_and_back_read_the_account_once_and_the_next_session_reads_it_again(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = calls_to(monkeypatch, gateway.rt.ussd.backend, "account_summary", lambda employer_number: employer_number)
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    summary = phone.send("2")
    assert summary.startswith("Solde: 182 425 FCFA")
    assert phone.send("1").count("88 988 FCFA") == 3
    assert phone.send("0") == summary, "back shows the same reading"
    assert reads == ["1000001"]

    payer = gateway.phone()
    payer.dial()
    reference = re.search(r"(\d{4} \d{4} \d{4})", payer.walk("1234", "1", "1", "1")).group(1)  # type: ignore[union-attr]
    assert reads == ["1000001"] * 2, "the payment screen of another session read the account itself"
    paid = gateway.bank().post("/api/bank/v1/payments", {
        "reference": reference.replace(" ", ""), "amount": 93_437, "currency": "XOF", "transaction_id": "IBB-VIEW-1",
        "paid_at": "2026-11-23T10:05:00Z", "account_label": "Compte courant"})
    assert paid.status_code == 201

    again = gateway.phone()
    again.dial()
    again.send("1234")
    assert again.send("2").startswith("Solde: 88 988 FCFA"), "a new session reads the account afresh"
    assert len(reads) == 3
