"""The bank API under hostile or broken conditions: permanent errors are 4xx, outages 503 JSON, never a 500 page."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy.exc import OperationalError

from core.adapters.sqlalchemy import tables as t
from core.services.payment_references import issue_payment_reference
from gateway.bank.notices import MAX_AMOUNT
from tests.e2e.conftest import Gateway

PAYMENTS = "/api/bank/v1/payments"
MOBILE_MONEY = "/api/mobile-money/v1/flooz/payments"
OVERDUE = 93_437  # the demo employer 1000001's whole overdue balance


def _reference(gateway: Gateway) -> str:
    reference = issue_payment_reference("1000001", None, uow=gateway.rt.uow_factory(), clock=gateway.clock,
                                        rulebook=gateway.rt.rulebook)
    assert reference.amount == OVERDUE
    return reference.code


def _notice(reference: str, **changes: Any) -> dict[str, Any]:
    return {"reference": reference, "amount": OVERDUE, "currency": "XOF", "transaction_id": "IBB-0001",
            "paid_at": "2026-11-23T10:05:00Z", "account_label": "Compte courant", **changes}


def _nothing_recorded(gateway: Gateway) -> bool:
    return gateway.count(t.payments) == 7 and gateway.count(t.payment_rejections) == 0  # 7 demo payments


@pytest.mark.parametrize("amount", [10 ** 20, MAX_AMOUNT + 1, 2 ** 63])
def test_an_amount_beyond_the_bound_is_a_permanent_400_not_a_503(gateway: Gateway, amount: int) -> None:
    answer = gateway.bank().post(PAYMENTS, _notice(_reference(gateway), amount=amount))
    assert answer.status_code == 400
    assert (answer.json["error"], answer.json["field"]) == ("amount_out_of_range", "amount")  # type: ignore[index]
    assert _nothing_recorded(gateway)


@pytest.mark.parametrize(("paid_at", "error"), [
    ("2999-01-01T00:00:00Z", "paid_at_in_future"),
    ("2026-11-23T10:11:00Z", "paid_at_in_future"),  # 11 minutes ahead of CNSS's clock
    ("9999-12-31T23:59:59-14:00", "paid_at_out_of_range"),  # past the last representable instant
    ("0001-01-01T00:00:00+14:00", "paid_at_out_of_range"),
    ("1999-12-31T23:59:59Z", "paid_at_out_of_range"),
])
def test_a_paid_at_outside_the_sane_window_is_refused_and_never_booked(gateway: Gateway, paid_at: str,
                                                                       error: str) -> None:
    answer = gateway.bank().post(PAYMENTS, _notice(_reference(gateway), paid_at=paid_at))
    assert answer.status_code == 400
    assert (answer.json["error"], answer.json["field"]) == (error, "paid_at")  # type: ignore[index]
    assert _nothing_recorded(gateway)


def test_a_bank_clock_a_few_minutes_ahead_is_tolerated(gateway: Gateway) -> None:
    ahead = (gateway.clock.now() + timedelta(minutes=9)).isoformat()
    assert gateway.bank().post(PAYMENTS, _notice(_reference(gateway), paid_at=ahead)).status_code == 201


def test_a_replayed_refusal_counts_a_replay_and_alerts_finance_once(gateway: Gateway) -> None:
    reference = _reference(gateway)
    flooz = gateway.bank(caller="flooz", secret="flooz-secret", id_header="X-Operator-Id")
    for _ in range(4):
        answer = gateway.bank().post(PAYMENTS, _notice(reference, amount=90_000, transaction_id="T-LOW"))
        assert (answer.status_code, answer.json) == (409, {"error": "amount_mismatch"})
    assert flooz.post(MOBILE_MONEY, _notice(reference, amount=90_000, transaction_id="T-LOW")).status_code == 409
    rows = gateway.rows(t.payment_rejections)
    assert [(r.provider, r.transaction_id, r.reason, r.replays) for r in rows] == [
        ("ibbank", "T-LOW", "amount_mismatch", 3), ("flooz", "T-LOW", "amount_mismatch", 0)]
    assert gateway.count(t.outbound_messages, t.outbound_messages.c.purpose == "finance_alert") == 2


@pytest.mark.parametrize("body", [
    b"[" * 5000 + b"]" * 5000,
    b'{"reference": ' + b"[" * 33 + b"]" * 33 + b"}",
    b"{" * 100_000,
], ids=["5000-deep", "33-deep", "unclosed"])
def test_deeply_nested_json_is_invalid_json_not_a_crash(gateway: Gateway, body: bytes) -> None:
    answer = gateway.bank().post(PAYMENTS, None, raw=body[:60_000])
    assert (answer.status_code, answer.json["error"]) == (400, "invalid_json")  # type: ignore[index]


def test_brackets_inside_strings_do_not_count_as_nesting(gateway: Gateway) -> None:
    answer = gateway.bank().post(PAYMENTS, _notice(_reference(gateway), transaction_id="[{" * 32))
    assert answer.status_code == 201
    (payment,) = gateway.rows(t.payments, t.payments.c.provider == "ibbank", t.payments.c.transaction_id == "[{" * 32)
    assert payment.amount == OVERDUE


@pytest.mark.parametrize("path", [PAYMENTS, MOBILE_MONEY])
def test_an_oversized_body_gets_a_json_413(gateway: Gateway, path: str) -> None:
    gateway.app.config["MAX_CONTENT_LENGTH"] = 4096
    client = gateway.bank(caller="flooz", secret="flooz-secret", id_header="X-Operator-Id") \
        if path == MOBILE_MONEY else gateway.bank()
    answer = client.post(path, _notice(_reference(gateway), account_label="x" * 5000))
    assert (answer.status_code, answer.json["error"]) == (413, "payload_too_large")  # type: ignore[index]


@pytest.mark.parametrize(("field", "value"), [
    ("transaction_id", "IBB\x000001"), ("transaction_id", "IBB\u00850001"), ("transaction_id", "IBB-0001\n"),
    ("reference", "3110\x0050152686"), ("reference", "\t311050152686"),
    ("account_label", "Compte\x00courant"), ("account_label", "\x1b[31mCompte"),
])
def test_control_characters_are_a_400_naming_the_field(gateway: Gateway, field: str, value: str) -> None:
    answer = gateway.bank().post(PAYMENTS, {**_notice(_reference(gateway)), field: value})
    assert (answer.status_code, answer.json["field"]) == (400, field)  # type: ignore[index]
    assert _nothing_recorded(gateway)


def test_a_lone_surrogate_is_a_400_naming_the_field(gateway: Gateway) -> None:
    body = json.dumps(_notice(_reference(gateway))).replace("Compte courant", "\\ud800").encode()
    answer = gateway.bank().post(PAYMENTS, None, raw=body)
    assert (answer.status_code, answer.json["field"]) == (400, "account_label")  # type: ignore[index]


def test_a_reference_path_that_is_not_a_reference_is_a_400(gateway: Gateway) -> None:
    bank = gateway.bank()
    for raw in ("3110\x0050152686", "1" * 41, "3110-5015-2686" + "-" * 30):
        path = f"/api/bank/v1/references/{raw}"
        answer = gateway.client.get(quote(path), headers=bank.headers("GET", path, b""))
        assert (answer.status_code, answer.json) == (400, {"error": "invalid_reference"}), raw


def _failing(error: Exception) -> Callable[..., Any]:
    def fail(*_args: object, **_kwargs: object) -> Any:
        raise error

    return fail


@pytest.mark.parametrize("error", [ConnectionRefusedError(111, "refused"), OSError(5, "I/O error"),
                                   OperationalError("SELECT", {}, Exception("down"))], ids=type)
def test_storage_down_is_a_json_503_with_retry_after_on_every_route(gateway: Gateway, error: Exception,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _reference(gateway)
    monkeypatch.setattr(gateway.rt, "uow_factory", _failing(error))
    flooz = gateway.bank(caller="flooz", secret="flooz-secret", id_header="X-Operator-Id")
    for answer in (gateway.bank().get(f"/api/bank/v1/references/{reference}"),
                   gateway.bank().post(PAYMENTS, _notice(reference)), flooz.post(MOBILE_MONEY, _notice(reference))):
        assert (answer.status_code, answer.json["error"]) == (503, "unavailable")  # type: ignore[index]
        assert answer.headers["Retry-After"] == "30"


def test_an_unexpected_error_is_a_json_500_with_an_error_id(gateway: Gateway,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _reference(gateway)
    monkeypatch.setattr(gateway.rt, "uow_factory", _failing(RuntimeError("a bug with 93437 in it")))
    for answer in (gateway.bank().get(f"/api/bank/v1/references/{reference}"),
                   gateway.bank().post(PAYMENTS, _notice(reference))):
        assert answer.status_code == 500 and answer.mimetype == "application/json"
        assert answer.json["error"] == "internal_error" and answer.json["error_id"]  # type: ignore[index]


def test_a_frozen_storage_answers_503_in_time_and_the_late_commit_makes_the_retry_a_replay(
        gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _reference(gateway)
    gateway.app.config["BANK_REQUEST_DEADLINE"] = 0.2
    real = gateway.rt.uow_factory

    def frozen_for_a_second() -> Any:
        time.sleep(1.0)
        return real()

    monkeypatch.setattr(gateway.rt, "uow_factory", frozen_for_a_second)
    started = time.monotonic()
    answer = gateway.bank().post(PAYMENTS, _notice(reference))
    assert time.monotonic() - started < 0.9
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "30")
    body = dict(answer.json or {})
    assert len(body.pop("error_id")) == 8 and body == {"error": "unavailable", "detail": "not recorded; retry later"}
    monkeypatch.setattr(gateway.rt, "uow_factory", real)
    deadline = time.monotonic() + 10
    while gateway.count(t.payments, t.payments.c.reference == reference) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    retried = gateway.bank().post(PAYMENTS, _notice(reference))
    assert retried.status_code == 200 and retried.json["receipt_number"] == f"R{reference}"  # type: ignore[index]
    assert gateway.count(t.payments, t.payments.c.reference == reference) == 1
