"""schemathesis against the served OpenAPI document, every request signed: no 5xx, no answer the document denies."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from core.services.payment_references import issue_payment_reference
from gateway.bank.notices import is_reference
from gateway.bank.signing import signature
from tests.e2e.conftest import Gateway
from tests.support.bank import BANK_ID, BANK_SECRET

# Every check runs but positive_data_acceptance: rules JSON Schema cannot state (check digits, paid_at within
# [2000-01-01, now + 10 min], 93437.0 refused where "integer" admits it) rightly refuse some schema-valid bodies.
UNKNOWN_REFERENCE = "311050152686"  # valid check digits, issued to nobody
EXAMPLES = 40  # per operation and mode: about 10 s per stack
OPERATIONS = {  # operation -> (id header, caller, secret, fixed path parameters)
    ("/api/bank/v1/references/{reference}", "GET"): ("X-Bank-Id", BANK_ID, BANK_SECRET, {}),
    ("/api/bank/v1/payments", "POST"): ("X-Bank-Id", BANK_ID, BANK_SECRET, {}),
    ("/api/mobile-money/v1/{operator}/payments", "POST"): ("X-Operator-Id", "flooz", "flooz-secret",
                                                           {"operator": "flooz"}),
}


def _is_valid_shape(raw: Any) -> bool:
    return isinstance(raw, str) and is_reference(raw)


def _with_digits(shape: str, code: str) -> str:
    """``shape`` with its twelve digits replaced, in order, by those of ``code``."""
    digits = iter(code)
    return "".join(next(digits) if ch.isdigit() else ch for ch in shape)


def _signed(case: Any, gateway: Gateway, id_header: str, caller: str, secret: str) -> tuple[dict[str, str], bytes]:
    """The signature headers and the exact body bytes they sign."""
    sent = case.as_transport_kwargs()
    body = json.dumps(sent["json"]).encode() if "json" in sent else bytes(sent.get("data") or b"")
    stamp = str(int(gateway.clock.now().timestamp()))
    path = unquote(sent["path"], errors="replace")  # the path as the app sees it
    return {id_header: caller, "X-Timestamp": stamp,
            "X-Signature": signature(secret, stamp, case.method, path, body)}, body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("operation", list(OPERATIONS), ids=lambda o: f"{o[1]} {o[0]}")
def test_generated_requests_get_no_5xx_and_only_documented_answers(gateway: Gateway, operation: tuple[str, str],
                                                                     mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/bank/v1/openapi.json", gateway.app)
    id_header, caller, secret, path_parameters = OPERATIONS[operation]
    strategy = schema[operation[0]][operation[1]].as_strategy(mode, path_parameters=path_parameters or None)
    real = issue_payment_reference("1000001", None, uow=gateway.rt.uow_factory(), clock=gateway.clock,
                                   rulebook=gateway.rt.rulebook)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy, known=st.booleans())
    def check(case: Any, known: bool) -> None:
        # Check digits are beyond JSON Schema: give a generated reference valid ones, keeping its separators,
        # and half the time the digits of a real pending reference (to reach 2xx and 409, not only 404).
        code = real.code if known else UNKNOWN_REFERENCE
        if isinstance(case.body, dict) and _is_valid_shape(case.body.get("reference")):
            case.body["reference"] = _with_digits(case.body["reference"], code)
        path_reference = unquote((case.path_parameters or {}).get("reference", ""))  # generated URL-encoded
        if _is_valid_shape(path_reference):
            case.path_parameters["reference"] = quote(_with_digits(path_reference, code), safe="")
        headers, body = _signed(case, gateway, id_header, caller, secret)
        response = case.call_and_validate(headers=headers, data=body, excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500

    check()
