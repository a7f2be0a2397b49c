"""The bank's view: signed reference lookup and payment notification, end to end with USSD."""
from __future__ import annotations

import re
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app import create_app
from core.adapters.sqlalchemy import tables as t
from core.domain.outbox import MessageChannel
from core.domain.periods import ContributionPeriod
from core.services.payment_references import issue_payment_reference
from tests.e2e.conftest import EMPLOYER_PHONE, FINANCE_PHONE, Gateway
from tests.support.bank import SignedClient

PAYMENTS = "/api/bank/v1/payments"


def _issue_overdue_reference(gateway: Gateway) -> str:
    phone = gateway.phone()
    phone.dial()
    final = phone.walk("1234", "1", "1", "1")
    return re.search(r"(\d{4} \d{4} \d{4})", final).group(1).replace(" ", "")  # type: ignore[union-attr]


def _notice(reference: str, amount: int = 93_437, transaction_id: str = "IBB-0001", **extra: Any) -> dict[str, Any]:
    return {"reference": reference, "amount": amount, "currency": "XOF", "transaction_id": transaction_id,
            "paid_at": "2026-11-23T10:05:00Z", "account_label": "Compte courant", **extra}


def _rows(gateway: Gateway, table: sa.Table, *where: Any) -> list[Any]:
    return gateway.rows(table, *where)


def _balance(gateway: Gateway) -> str:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "2")
    return phone.screen.splitlines()[0]


def test_a_reference_issued_by_ussd_is_looked_up_and_paid_by_the_bank(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    assert _balance(gateway) == "Solde: 182 425 FCFA"
    bank = gateway.bank()
    looked_up = bank.get(f"/api/bank/v1/references/{reference}")
    assert looked_up.status_code == 200
    assert looked_up.json == {
        "reference": reference, "amount": 93_437, "currency": "XOF", "employer_number": "1000001",
        "employer_name": "BOULANGERIE DU PORT SARL", "period": None, "issued_at": "2026-11-23T10:00:00Z",
        "expires_at": "2026-12-08T10:00:00Z", "status": "pending"}
    paid = bank.post(PAYMENTS, _notice(reference))
    assert paid.status_code == 201
    assert paid.json == {"status": "accepted", "payment_id": paid.json["payment_id"],  # type: ignore[index]
                         "receipt_number": f"R{reference}"}
    assert _balance(gateway) == "Solde: 88 988 FCFA"
    assert bank.get(f"/api/bank/v1/references/{reference}").json["status"] == "paid"  # type: ignore[index]
    receipts = _rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt")
    by_channel = sorted((r.channel, r.recipient) for r in receipts)
    assert by_channel == [("email", "compta@boulangerie-du-port.tg"), ("sms", "+22870112233"),
                          ("sms", EMPLOYER_PHONE)]
    sms = next(r for r in receipts if r.recipient == EMPLOYER_PHONE)
    assert f"R{reference}" in sms.body and "93 437 FCFA" in sms.body and "Nouveau solde: 88 988 FCFA" in sms.body
    assert sms.status == "queued" and sms.essential


def test_replaying_a_notification_ten_times_credits_once_and_answers_the_same(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    bank = gateway.bank()
    answers = [bank.post(PAYMENTS, _notice(reference)) for _ in range(10)]
    assert [a.status_code for a in answers] == [201] + [200] * 9
    assert all(a.json == answers[0].json for a in answers)
    assert len(_rows(gateway, t.payments)) == 1 + 7  # the demo history holds 7 payments
    assert len(_rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt")) == 3


def test_concurrent_notifications_from_several_threads_credit_once(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def notify() -> None:
        client = SignedClient(gateway.app.test_client(), gateway.clock)
        barrier.wait()
        codes.append(client.post(PAYMENTS, _notice(reference)).status_code)

    threads = [threading.Thread(target=notify) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [200] * 5 + [201]
    assert len(_rows(gateway, t.payments, t.payments.c.reference == reference)) == 1
    assert len(_rows(gateway, t.ledger_entries, t.ledger_entries.c.reference == reference)) == 1
    assert len(_rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt")) == 3


def test_each_refusal_is_a_409_recorded_for_reconciliation(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    bank = gateway.bank()
    mismatch = bank.post(PAYMENTS, _notice(reference, amount=90_000, transaction_id="T-LOW"))
    assert (mismatch.status_code, mismatch.json) == (409, {"error": "amount_mismatch"})
    assert bank.post(PAYMENTS, _notice(reference, transaction_id="T-OK")).status_code == 201
    again = bank.post(PAYMENTS, _notice(reference, transaction_id="T-TWICE"))
    assert (again.status_code, again.json) == (409, {"error": "already_paid"})
    reused = bank.post(PAYMENTS, _notice(reference, amount=1, transaction_id="T-OK"))
    assert (reused.status_code, reused.json) == (409, {"error": "transaction_id_reused"})
    rejections = _rows(gateway, t.payment_rejections)
    assert [(r.reason, r.transaction_id, r.amount) for r in rejections] == [
        ("amount_mismatch", "T-LOW", 90_000), ("already_paid", "T-TWICE", 93_437),
        ("transaction_id_reused", "T-OK", 1)]
    alerts = _rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "finance_alert")
    assert [(a.recipient, "amount_mismatch" in a.body) for a in alerts] == [(FINANCE_PHONE, True)]


def test_expired_and_cancelled_references_are_refused(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    gateway.clock.advance(days=16)
    expired = gateway.bank().post(PAYMENTS, _notice(reference, paid_at="2026-12-09T10:00:00Z"))
    assert (expired.status_code, expired.json) == (409, {"error": "reference_expired"})
    assert len(_rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "finance_alert")) == 1
    late_notice_of_a_timely_payment = gateway.bank().post(PAYMENTS, _notice(reference, transaction_id="T-2"))
    assert late_notice_of_a_timely_payment.status_code == 201, "paid on 23/11, before expiry: accepted"
    fresh = issue_payment_reference("1000001", ContributionPeriod(2026, 11), uow=gateway.rt.uow_factory(),
                                    clock=gateway.clock, rulebook=gateway.rt.rulebook)
    with gateway.rt.uow_factory() as uow:
        uow.references.update(fresh.cancelled())
        uow.commit()
    cancelled = gateway.bank().post(PAYMENTS, _notice(fresh.code, amount=fresh.amount, transaction_id="T-3"))
    assert (cancelled.status_code, cancelled.json) == (409, {"error": "reference_cancelled"})


@pytest.mark.parametrize(("payload", "field"), [
    ({"amount": 93437.0}, "amount"), ({"amount": "93437"}, "amount"), ({"amount": -5}, "amount"),
    ({"amount": True}, "amount"), ({"currency": "EUR"}, "currency"), ({"transaction_id": ""}, "transaction_id"),
    ({"transaction_id": "x" * 65}, "transaction_id"), ({"paid_at": "2026-11-23 10:05:00"}, "paid_at"),
    ({"paid_at": "yesterday"}, "paid_at"), ({"reference": None}, "reference"), ({"account_label": 12}, "account_label"),
], ids=lambda v: str(v))
def test_a_malformed_notification_gets_400_naming_the_field(gateway: Gateway, payload: dict[str, Any],
                                                            field: str) -> None:
    answer = gateway.bank().post(PAYMENTS, {**_notice("311050152686"), **payload})
    assert answer.status_code == 400 and answer.json["field"] == field  # type: ignore[index]


def test_bad_json_unknown_and_mistyped_references(gateway: Gateway) -> None:
    bank = gateway.bank()
    assert bank.post(PAYMENTS, None, raw=b"{not json").json == {"error": "invalid_json",
                                                               "detail": "the body is not JSON"}
    assert bank.post(PAYMENTS, [1, 2]).status_code == 400
    unknown = bank.post(PAYMENTS, _notice("311050152686"))
    assert (unknown.status_code, unknown.json) == (404, {"error": "reference_not_found"})
    mistyped = bank.post(PAYMENTS, _notice("311050152687"))
    assert (mistyped.status_code, mistyped.json["error"]) == (400, "invalid_reference")  # type: ignore[index]
    assert bank.get("/api/bank/v1/references/311050152687").json == {"error": "invalid_reference"}
    assert bank.get("/api/bank/v1/references/311050152686").status_code == 404


def test_unsigned_stale_tampered_or_foreign_requests_get_401(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    bank = gateway.bank()
    path = f"/api/bank/v1/references/{reference}"
    assert gateway.client.get(path).status_code == 401
    now = int(gateway.clock.now().timestamp())
    assert bank.get(path, timestamp=now - 301).json == {"error": "unauthorized", "reason": "stale_timestamp"}
    assert bank.get(path, timestamp=now + 299).status_code == 200
    body = b'{"reference": "%s", "amount": 1, "currency": "XOF", "transaction_id": "T", "paid_at": "2026-11-23T10:05:00Z"}' % reference.encode()
    headers = bank.headers("POST", PAYMENTS, body)
    tampered = body.replace(b'"amount": 1', b'"amount": 93437')
    answer = gateway.client.post(PAYMENTS, data=tampered, content_type="application/json", headers=headers)
    assert (answer.status_code, answer.json["reason"]) == (401, "bad_signature")  # type: ignore[index]
    other_bank = gateway.bank(caller="otherbank", secret="test-bank-secret")
    assert other_bank.get(path).json == {"error": "unauthorized", "reason": "unknown_caller"}
    wrong_secret = gateway.bank(secret="not-the-secret")
    assert wrong_secret.get(path).status_code == 401
    assert len(_rows(gateway, t.payments)) == 7, "nothing was recorded"


def test_a_storage_failure_mid_payment_answers_503_and_writes_nothing(gateway: Gateway,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _issue_overdue_reference(gateway)
    from core.adapters.sqlalchemy import accounts_repo

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO ledger_entries", {}, Exception("server closed the connection"))

    monkeypatch.setattr(accounts_repo.SqlAlchemyLedgerRepository, "append", fail)
    answer = gateway.bank().post(PAYMENTS, _notice(reference))
    assert (answer.status_code, answer.json["error"]) == (503, "unavailable")  # type: ignore[index]
    assert answer.headers["Retry-After"] == "30"
    monkeypatch.undo()
    assert _rows(gateway, t.payments, t.payments.c.reference == reference) == []
    assert _rows(gateway, t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt") == []
    assert gateway.bank().get(f"/api/bank/v1/references/{reference}").json["status"] == "pending"  # type: ignore[index]
    assert gateway.bank().post(PAYMENTS, _notice(reference)).status_code == 201, "the bank's retry succeeds"


def test_a_database_that_is_down_gets_503() -> None:
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "BANK_API_SECRET": "s"})
    clock = app.extensions["cnss"].clock
    bank = SignedClient(app.test_client(), clock, secret="s")
    assert bank.get("/api/bank/v1/references/311050152686").status_code == 503
    answer = bank.post(PAYMENTS, _notice("311050152686"))
    assert (answer.status_code, answer.json["error"]) == (503, "unavailable")  # type: ignore[index]


def test_mobile_money_operators_notify_on_their_own_route_and_secret(gateway: Gateway) -> None:
    reference = _issue_overdue_reference(gateway)
    flooz = gateway.bank(caller="flooz", secret="flooz-secret", id_header="X-Operator-Id")
    path = "/api/mobile-money/v1/flooz/payments"
    assert gateway.bank(caller="flooz", secret="mixx-secret", id_header="X-Operator-Id").post(
        path, _notice(reference, transaction_id="FLZ-1")).status_code == 401
    assert gateway.bank(caller="mixx", secret="mixx-secret", id_header="X-Operator-Id").post(
        path, _notice(reference, transaction_id="FLZ-1")).json["reason"] == "operator_mismatch"  # type: ignore[index]
    assert gateway.bank().post(path, _notice(reference)).status_code == 401, "a bank signature is not enough"
    first = flooz.post(path, _notice(reference, transaction_id="FLZ-1"))
    assert first.status_code == 201 and flooz.post(path, _notice(reference, transaction_id="FLZ-1")).json == first.json
    (payment,) = _rows(gateway, t.payments, t.payments.c.reference == reference)
    assert (payment.provider, payment.channel, payment.transaction_id) == ("flooz", "mobile_money", "FLZ-1")
    assert len(_rows(gateway, t.outbound_messages, t.outbound_messages.c.channel == MessageChannel.SMS.value,
                     t.outbound_messages.c.purpose == "payment_receipt")) == 2
