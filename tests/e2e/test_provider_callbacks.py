"""The Hubtel-style and Freeflow callbacks at the HTTP edge: their secrets (closed by default in production), the
fast edge answering as Flask would, refusals with a reason, the operator's own parameter names."""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from werkzeug.serving import make_server

from app import create_app
from config import ConfigError

from tests.e2e.conftest import EMPLOYER_PHONE, Gateway

HUBTEL, FREEFLOW = "/gateway/hubtel/ussd", "/gateway/freeflow/ussd"


def _hubtel(session: str, kind: str = "Initiation", message: str = "*909#", sequence: int = 1) -> dict[str, Any]:
    return {"Mobile": EMPLOYER_PHONE.lstrip("+"), "SessionId": session, "ServiceCode": "*909#", "Type": kind,
            "Message": message, "Operator": "moov", "Sequence": sequence, "ClientState": ""}


def _freeflow(session: str, typed: str = "909", **extra: str) -> dict[str, str]:
    return {"MSISDN": EMPLOYER_PHONE.lstrip("+"), "SessionID": session, "MSC": "61501", "input": typed, **extra}


def test_hubtel_hops_skip_flask_and_answer_as_flask_would(gateway: Gateway, flask_hits: list[str]) -> None:
    fast = gateway.client.post(HUBTEL, json=_hubtel("h-fast"))
    assert flask_hits == []
    slow = gateway.client.post(HUBTEL, data=json.dumps(_hubtel("h-slow")), content_type="text/plain")
    assert flask_hits == ["flask"], "a body not typed as JSON goes to Flask's route, which still reads it"
    assert fast.status_code == slow.status_code == 200 and fast.get_json() == slow.get_json()
    assert fast.get_json()["Message"].startswith("CNSS - BOULANGERIE DU PORT SARL")
    assert fast.headers["Content-Type"] == slow.headers["Content-Type"] == "application/json; charset=utf-8"
    ended = gateway.client.post(HUBTEL, json=_hubtel("h-fast", "Timeout", "", 2))
    assert ended.get_json() == {"Type": "Release", "Message": "", "ClientState": ""}
    assert flask_hits == ["flask", "flask"], "a session end is Flask's"


def test_freeflow_hops_skip_flask_and_answer_as_flask_would(gateway: Gateway, flask_hits: list[str]) -> None:
    fast = gateway.client.get(FREEFLOW, query_string=_freeflow("f-fast"))
    assert flask_hits == [] and fast.status_code == 200
    assert fast.headers["Freeflow"] == "FC" and fast.headers["charge"] == "N"
    assert fast.get_data(as_text=True).startswith("CNSS - BOULANGERIE DU PORT SARL\nEntrez votre code PIN")
    refused = gateway.client.get(FREEFLOW, query_string=_freeflow("f-bad", MSISDN="12"))
    assert refused.status_code == 400 and refused.get_data(as_text=True) == "bad request: MSISDN: invalid_number"
    assert flask_hits == ["flask"]


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    (b"{", "application/json", "body: not a JSON object"),
    (b"[" * 5000, "application/json", "body: not a JSON object"),
    (b"[]", "application/json", "body: not a JSON object"),
    (json.dumps(_hubtel("h")).encode("utf-16"), "application/json", "body: not a JSON object"),
    (json.dumps({**_hubtel("h"), "Sequence": None}).encode(), "application/json", "missing field: Sequence"),
    (json.dumps({**_hubtel("h"), "Mobile": "22812"}).encode(), "application/json", "Mobile: invalid_number"),
    (json.dumps({**_hubtel("h"), "Message": "1\u0000"}).encode(), "application/json", "Message: non-printable character"),
])
def test_a_malformed_hubtel_callback_is_a_400_with_the_reason(gateway: Gateway, body: bytes, content_type: str,
                                                               reason: str) -> None:
    response = gateway.client.post(HUBTEL, data=body, content_type=content_type)
    assert response.status_code == 400 and response.get_data(as_text=True) == f"bad request: {reason}"


def test_the_hubtel_key_is_checked_and_production_is_closed_without_one(gateway: Gateway) -> None:
    gateway.app.config["HUBTEL_CALLBACK_KEY"] = "hubtel-key-1"
    assert gateway.client.post(HUBTEL, json=_hubtel("h1")).status_code == 403
    assert gateway.client.post(HUBTEL + "?key=wrong", json=_hubtel("h1")).status_code == 403
    assert gateway.client.post(HUBTEL + "?key=hubtel-key-1", json=_hubtel("h1")).get_json()["Type"] == "Response"
    assert gateway.client.post(HUBTEL + "?key=hubtel-key-1", data=b"{", content_type="application/json").status_code \
        == 400
    gateway.app.config.update(HUBTEL_CALLBACK_KEY=None, GATEWAY_ENV="production")
    assert gateway.client.post(HUBTEL, json=_hubtel("h2")).status_code == 403
    assert gateway.client.post(HUBTEL, data=b"{", content_type="application/json").status_code == 403, \
        "a stranger learns nothing from the parser either"


def test_freeflow_credentials_are_checked_and_production_is_closed_without_them(gateway: Gateway) -> None:
    gateway.app.config.update(FREEFLOW_USERID="moov", FREEFLOW_PASSWORD="pass-1")
    for given in ({}, {"userid": "moov"}, {"userid": "moov", "password": "wrong"}, {"userid": "x", "password": "pass-1"}):
        assert gateway.client.get(FREEFLOW, query_string=_freeflow("f1", **given)).status_code == 403, given
    allowed = gateway.client.get(FREEFLOW, query_string=_freeflow("f1", userid="moov", password="pass-1"))
    assert allowed.status_code == 200 and allowed.headers["Freeflow"] == "FC"
    gateway.app.config.update(FREEFLOW_USERID=None, FREEFLOW_PASSWORD=None, GATEWAY_ENV="production")
    assert gateway.client.get(FREEFLOW, query_string=_freeflow("f2")).status_code == 403


def test_an_operator_with_its_own_parameter_names(gateway: Gateway) -> None:
    gateway.app.config["FREEFLOW_PARAM_NAMES"] = "MSISDN=msisdn,SessionID=sessionId,input=ussdString,clean=action"
    query = urlencode({"msisdn": EMPLOYER_PHONE.lstrip("+"), "sessionId": "op-1", "ussdString": "909"})
    first = gateway.client.get(f"{FREEFLOW}?{query}")
    assert first.status_code == 200 and "Entrez votre code PIN" in first.get_data(as_text=True)
    assert "1 Payer" in gateway.client.get(f"{FREEFLOW}?{query.replace('909', '1234')}").get_data(as_text=True)
    ended = gateway.client.get(f"{FREEFLOW}?{query}&action=clean-session")
    assert ended.headers["Freeflow"] == "FB" and ended.get_data(as_text=True) == ""
    default = gateway.client.get(FREEFLOW, query_string=_freeflow("op-2"))
    assert default.status_code == 400 and default.get_data(as_text=True) == "bad request: missing field: sessionId"


def test_a_wrong_parameter_renaming_stops_the_app_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"FREEFLOW_PARAM_NAMES \('PHONE=msisdn' is not NAME=operator_name"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
                    "FREEFLOW_PARAM_NAMES": "PHONE=msisdn"})


def test_a_pin_typed_over_freeflow_reaches_no_request_log_line(gateway: Gateway,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """Freeflow puts what was typed in the URL; the HTTP server's request lines (``flask run``) show the path only."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, gateway.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}{FREEFLOW}"
        requests.get(base, params=_freeflow("f-log"), timeout=10)
        answered = requests.get(base, params=_freeflow("f-log", "1234"), timeout=10)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    assert answered.status_code == 200 and "1 Payer" in answered.text, "the PIN was taken"
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 2 and all(f"GET {FREEFLOW}?[query hidden] HTTP/1.1" in line for line in lines), lines
    assert not any("1234" in line or "SessionID" in line for line in lines)
