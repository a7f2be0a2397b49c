"""The OpenAPI document is valid and tells the truth: real responses validate against it."""
from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.e2e.conftest import Gateway
from tests.support.phone import UssdPhone


def _checker(document: dict[str, Any]) -> Any:
    def check(template: str, method: str, status: int, body: Any) -> None:
        responses = document["paths"][template][method]["responses"]
        assert str(status) in responses, f"{method.upper()} {template} answered an undocumented {status}"
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        # '#/components/...' references resolve against the root: carry the components along.
        Draft202012Validator({**schema, "components": document["components"]}).validate(body)

    return check


def test_the_document_is_served_unsigned_and_is_valid_openapi(gateway: Gateway) -> None:
    response = gateway.client.get("/api/bank/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)
    assert set(response.json["paths"]) >= {"/api/bank/v1/references/{reference}", "/api/bank/v1/payments"}


def test_real_responses_match_the_document(gateway: Gateway) -> None:
    document = gateway.client.get("/api/bank/v1/openapi.json").json
    check = _checker(document)
    phone = UssdPhone(gateway.client, "+22890112233")
    phone.dial()
    reference = re.search(r"(\d{4} \d{4} \d{4})", phone.walk("1234", "1", "1", "1")).group(1).replace(" ", "")
    bank = gateway.bank()
    ref_path, pay_path = "/api/bank/v1/references/{reference}", "/api/bank/v1/payments"
    seen = set()
    for raw, expected in ((reference, 200), ("311050152687", 400), ("311050152686", 404)):
        answer = bank.get(f"/api/bank/v1/references/{raw}")
        assert answer.status_code == expected
        check(ref_path, "get", answer.status_code, answer.json)
        seen.add(("get", expected))
    unsigned = gateway.client.get(f"/api/bank/v1/references/{reference}")
    check(ref_path, "get", unsigned.status_code, unsigned.json)
    notice = {"reference": reference, "amount": 93_437, "currency": "XOF", "transaction_id": "T1",
              "paid_at": "2026-11-23T10:05:00Z", "account_label": None}
    for body, expected in (({**notice, "amount": 1}, 409), (notice, 201), (notice, 200),
                           ({**notice, "transaction_id": "T2"}, 409), ({**notice, "currency": "XAF"}, 400),
                           ({**notice, "reference": "311050152686"}, 404)):
        answer = bank.post(pay_path, body)
        assert answer.status_code == expected, answer.json
        check(pay_path, "post", answer.status_code, answer.json)
    after = bank.get(f"/api/bank/v1/references/{reference}")
    check(ref_path, "get", 200, after.json)
    assert after.json["status"] == "paid"


@pytest.mark.parametrize("status", [401, 503])
def test_error_bodies_match_the_document(gateway: Gateway, status: int, monkeypatch: pytest.MonkeyPatch) -> None:
    check = _checker(gateway.client.get("/api/bank/v1/openapi.json").json)
    if status == 503:
        from sqlalchemy.exc import OperationalError

        def down(*_a: object, **_k: object) -> None:
            raise OperationalError("SELECT", {}, Exception("down"))

        monkeypatch.setattr(gateway.rt, "uow_factory", down)
        answer = gateway.bank().get("/api/bank/v1/references/311050152686")
    else:
        answer = gateway.client.post("/api/bank/v1/payments", json={})
    assert answer.status_code == status
    check("/api/bank/v1/payments" if status == 401 else "/api/bank/v1/references/{reference}",
          "post" if status == 401 else "get", status, answer.json)


def test_the_document_states_the_bounds_and_who_signs_what(gateway: Gateway) -> None:
    document: dict[str, Any] = gateway.client.get("/api/bank/v1/openapi.json").json or {}
    schemes = document["components"]["securitySchemes"]
    paths = document["paths"]

    def signer(template: str, method: str) -> str:
        (requirement,) = paths[template][method]["security"]
        (id_scheme,) = set(requirement) - {"timestamp", "signature"}
        return str(schemes[id_scheme]["name"])

    assert signer("/api/mobile-money/v1/{operator}/payments", "post") == "X-Operator-Id"
    assert signer("/api/bank/v1/payments", "post") == signer("/api/bank/v1/references/{reference}", "get") == "X-Bank-Id"
    notice = document["components"]["schemas"]["PaymentNotification"]["properties"]
    assert (notice["amount"]["minimum"], notice["amount"]["maximum"]) == (1, 100_000_000_000)
    pattern = re.compile(notice["reference"]["pattern"])
    assert pattern.fullmatch("3110 5015 2686") and pattern.fullmatch("311050152686")
    assert not pattern.fullmatch("31105015268") and not pattern.fullmatch("3110\x0050152686")
    for template, method in (("/api/bank/v1/payments", "post"), ("/api/mobile-money/v1/{operator}/payments", "post")):
        responses = paths[template][method]["responses"]
        assert {"amount_out_of_range", "paid_at_in_future", "paid_at_out_of_range"} <= set(
            responses["400"]["content"]["application/json"]["schema"]["properties"]["error"]["enum"])
        assert {"400", "401", "404", "409", "413", "500", "503"} <= set(responses)


def test_hardening_answers_match_the_document(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    check = _checker(gateway.client.get("/api/bank/v1/openapi.json").json or {})
    bank, pay_path = gateway.bank(), "/api/bank/v1/payments"
    notice = {"reference": "311050152686", "amount": 10 ** 20, "currency": "XOF", "transaction_id": "T1",
              "paid_at": "2026-11-23T10:05:00Z"}
    for body, status in ((notice, 400), ({**notice, "amount": 1, "paid_at": "2999-01-01T00:00:00Z"}, 400)):
        answer = bank.post(pay_path, body)
        assert answer.status_code == status
        check(pay_path, "post", status, answer.json)
    gateway.app.config["MAX_CONTENT_LENGTH"] = 1024
    too_large = bank.post(pay_path, {**notice, "account_label": "x" * 2000})
    assert too_large.status_code == 413
    check(pay_path, "post", too_large.status_code, too_large.json)

    def bug(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(gateway.rt, "uow_factory", bug)
    broken = bank.get("/api/bank/v1/references/311050152686")
    check("/api/bank/v1/references/{reference}", "get", broken.status_code, broken.json)
    assert broken.status_code == 500
