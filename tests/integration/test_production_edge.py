"""Closed by default in production, typed settings, the provider allow-list, JSON logs, never an HTML error page."""
from __future__ import annotations

import io
import json
import logging
import time
from contextlib import redirect_stderr
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from config import ConfigError, load_config
from core.adapters.sqlalchemy.database import make_engine
from gateway.logs import hashed_session

BLACKHOLE_DB = "postgresql://postgres@10.255.255.1:5432/none"  # a non-routable address: connects never answer
PRODUCTION_READY = {
    "GATEWAY_ENV": "production", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/cnss",
    "REDIS_URL": "redis://127.0.0.1:1/0", "AT_CALLBACK_KEY": "at-callback-key-0123",
    "GATEWAY_SECRET_KEY": "a-long-server-side-key-0123456789", "BANK_API_SECRET": "bank-secret",
    "PIN_PEPPER": "k1:a-long-pin-pepper-0123456789",
}


def _app(tmp_path: Path, **config: object) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'gw.db'}", "TESTING": True, **config})


def test_production_refuses_to_start_naming_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as refused:
        create_app({"GATEWAY_ENV": "production", "DATABASE_URL": "sqlite:///x.db", "REDIS_URL": None,
                    "AT_CALLBACK_KEY": None, "GATEWAY_SECRET_KEY": None, "BANK_API_SECRET": None,
                    "BANK_API_SECRETS": None})
    message = str(refused.value)
    for name in ("AT_CALLBACK_KEY", "REDIS_URL", "GATEWAY_SECRET_KEY", "DATABASE_URL", "BANK_API_SECRET"):
        assert name in message


def test_production_refuses_the_development_secret_key() -> None:
    with pytest.raises(ConfigError, match="GATEWAY_SECRET_KEY"):
        create_app({**PRODUCTION_READY, "GATEWAY_SECRET_KEY": "development-only-key"})


def test_production_starts_with_its_secrets_and_answers_without_debug() -> None:
    app = create_app(PRODUCTION_READY)
    assert app.debug is False
    assert app.test_client().get("/healthz").status_code == 200


def test_production_without_the_bank_api_needs_no_bank_secret() -> None:
    app = create_app({**PRODUCTION_READY, "BANK_API_SECRET": None, "BANK_API_ENABLED": False})
    assert app.config["GATEWAY_ENV"] == "production"


def test_the_production_callback_key_closes_the_provider_routes() -> None:
    client = create_app(PRODUCTION_READY).test_client()
    form = {"sessionId": "S1", "phoneNumber": "+22890112233", "networkCode": "61501", "serviceCode": "*909#",
            "text": ""}
    assert client.post("/gateway/at/ussd", data=form).status_code == 403
    assert client.post("/gateway/at/ussd?key=wrong", data=form).status_code == 403


def test_every_other_provider_is_closed_in_production_until_its_secret_is_set() -> None:
    client = create_app(PRODUCTION_READY).test_client()
    hubtel = {"Mobile": "22890112233", "SessionId": "h1", "ServiceCode": "*909#", "Type": "Initiation",
              "Message": "*909#", "Operator": "moov", "Sequence": 1, "ClientState": ""}
    freeflow = {"MSISDN": "22890112233", "SessionID": "f1", "MSC": "61501", "input": "909"}
    assert client.post("/gateway/hubtel/ussd", json=hubtel).status_code == 403
    assert client.get("/gateway/freeflow/ussd", query_string=freeflow).status_code == 403
    assert client.get("/gateway/kannel/sms/inbound", query_string={"from": "+22890112233", "to": "8323",
                                                                   "id": "k1", "text": "AIDE"}).status_code == 403
    assert client.get("/gateway/kannel/sms/delivery", query_string={"id": "kannel-1", "status": "1"}).status_code \
        == 403


def test_production_refuses_a_kannel_link_whose_callbacks_would_stay_closed() -> None:
    kannel = {"KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms", "KANNEL_USERNAME": "cnss",
              "KANNEL_PASSWORD": "pw", "KANNEL_CALLBACK_URL": "http://10.0.0.5:8000"}
    with pytest.raises(ConfigError, match="KANNEL_CALLBACK_KEY is not set while Kannel sends the SMS"):
        create_app({**PRODUCTION_READY, **kannel})
    with pytest.raises(ConfigError, match="FREEFLOW_USERID and FREEFLOW_PASSWORD are set one without the other"):
        create_app({**PRODUCTION_READY, "FREEFLOW_USERID": "moov"})
    assert create_app({**PRODUCTION_READY, **kannel, "KANNEL_CALLBACK_KEY": "k-0123"}).config["GATEWAY_ENV"] \
        == "production"


def test_settings_are_parsed_once_into_typed_values(tmp_path: Path) -> None:
    config = load_config({"USSD_HOP_DEADLINE": "1.5", "PIN_MAX_ATTEMPTS": "4", "AT_ALLOWED_NETWORKS": "10.0.0.0/8",
                          "TRUSTED_PROXY_COUNT": "1"}, str(tmp_path))
    assert config["USSD_HOP_DEADLINE"] == 1.5 and config["PIN_MAX_ATTEMPTS"] == 4
    assert config["TRUSTED_PROXY_COUNT"] == 1 and [str(n) for n in config["AT_ALLOWED_NETWORKS"]] == ["10.0.0.0/8"]
    assert config["MAX_CONTENT_LENGTH"] == 65536 and config["GATEWAY_ENV"] == "development"


def test_bad_settings_are_all_named_in_one_message(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config({"PIN_MAX_ATTEMPTS": "three", "AT_ALLOWED_NETWORKS": "10.0.0.0/33", "GATEWAY_ENV": "prod",
                     "USSD_HOP_DEADLINE": "-1"}, str(tmp_path))
    for name in ("PIN_MAX_ATTEMPTS", "AT_ALLOWED_NETWORKS", "GATEWAY_ENV", "USSD_HOP_DEADLINE"):
        assert name in str(refused.value)


ALLOWED = {"AT_ALLOWED_NETWORKS": load_config({"AT_ALLOWED_NETWORKS": "196.201.214.0/24"}, "/x")["AT_ALLOWED_NETWORKS"]}
HOP = {"sessionId": "S-allow", "phoneNumber": "+22896000000", "networkCode": "61501", "serviceCode": "*909#",
       "text": ""}


def test_provider_callbacks_from_outside_the_allowed_networks_are_refused(tmp_path: Path) -> None:
    client = _app(tmp_path, **ALLOWED).test_client()
    assert client.post("/gateway/at/ussd", data=HOP, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    inside = client.post("/gateway/at/ussd", data=HOP, environ_base={"REMOTE_ADDR": "196.201.214.7"})
    assert inside.status_code != 403


def test_forwarded_for_is_believed_only_behind_the_configured_proxies(tmp_path: Path) -> None:
    spoofed = {"REMOTE_ADDR": "203.0.113.9"}
    headers = {"X-Forwarded-For": "196.201.214.7"}
    direct = _app(tmp_path, **ALLOWED).test_client()
    assert direct.post("/gateway/at/ussd", data=HOP, headers=headers, environ_base=spoofed).status_code == 403
    proxied = _app(tmp_path, TRUSTED_PROXY_COUNT=1, **ALLOWED).test_client()
    behind_proxy = {"REMOTE_ADDR": "10.0.0.2"}  # the proxy; it appended the real caller
    assert proxied.post("/gateway/at/ussd", data=HOP, headers=headers, environ_base=behind_proxy).status_code != 403
    two_hops = {"X-Forwarded-For": "196.201.214.7, 203.0.113.9"}  # the caller forged the first hop
    assert proxied.post("/gateway/at/ussd", data=HOP, headers=two_hops, environ_base=behind_proxy).status_code == 403


def test_a_body_over_the_limit_is_refused_with_413_not_read(tmp_path: Path) -> None:
    client = _app(tmp_path, MAX_CONTENT_LENGTH=1024).test_client()
    response = client.post("/gateway/at/ussd", data={**HOP, "text": "1" * 4096})
    assert response.status_code == 413 and b"<html" not in response.data.lower()
    api = client.post("/api/bank/v1/payments", data=b"{" * 4096, content_type="application/json")
    assert api.status_code in (401, 413) and api.is_json


@pytest.mark.parametrize("path", ["/nowhere", "/api/bank/v1/nowhere", "/gateway/at/nowhere"])
def test_unknown_routes_answer_without_an_html_page(tmp_path: Path, path: str) -> None:
    response = _app(tmp_path).test_client().get(path)
    assert response.status_code == 404 and b"<html" not in response.data.lower()
    assert response.is_json == path.startswith("/api/")


def test_an_unexpected_error_is_a_json_500_with_an_error_id(tmp_path: Path) -> None:
    app = _app(tmp_path)

    @app.get("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/api/boom")
    assert response.status_code == 500 and response.json is not None
    assert response.json["error"] == "internal_error" and len(response.json["error_id"]) == 8


def test_readiness_answers_within_a_second_whatever_hangs(tmp_path: Path) -> None:
    app = _app(tmp_path)
    upgrade(app.extensions["cnss"].engine)  # only the frozen probe fails
    app.extensions["cnss"].readiness["frozen"] = lambda: time.sleep(5)
    started = time.monotonic()
    response = app.test_client().get("/readyz")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503 and response.json == {"status": "unavailable", "failing": ["frozen"]}


def test_logs_are_json_lines_with_level_time_and_request_id_and_no_phone_number(tmp_path: Path) -> None:
    app = _app(tmp_path)
    stream = io.StringIO()
    with redirect_stderr(stream):
        app.test_client().post("/gateway/at/ussd", data={**HOP, "phoneNumber": "not a phone"},
                               headers={"X-Request-Id": "req-42"})
        logging.getLogger("cnss.test").warning("caller +22890112233 (90 11 22 33) asked")
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert lines, stream.getvalue()
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line.get("request_id") == "req-42" for line in lines)
    assert "+22890112233" not in stream.getvalue() and "90 11 22 33" not in stream.getvalue()
    assert "****2233" in stream.getvalue()


def test_provider_session_ids_are_logged_keyed_not_raw() -> None:
    assert hashed_session("at", "ATUid_1") != hashed_session("at", "ATUid_2")
    assert "ATUid" not in hashed_session("at", "ATUid_1") and len(hashed_session("at", "ATUid_1")) == 12


def test_an_unreachable_database_fails_fast_instead_of_hanging() -> None:
    engine = make_engine(BLACKHOLE_DB, connect_timeout=1)
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError):
        with engine.connect():
            pass
    assert time.monotonic() - started < 3


@pytest.mark.postgres
def test_a_statement_is_cut_at_the_statement_timeout(postgres_url: str) -> None:
    engine = make_engine(postgres_url, statement_timeout_ms=300)
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError) as cut:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 2 and "statement timeout" in str(cut.value)
    assert "pg_sleep" in str(cut.value)  # the statement is shown, never its parameters (hide_parameters)
    engine.dispose()


def test_sql_parameters_never_reach_an_error_message(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with pytest.raises(sa.exc.OperationalError) as failed:
        with engine.connect() as connection:
            connection.execute(sa.text("INSERT INTO missing_table VALUES (:pin)"), {"pin": "4321"})
    assert "4321" not in str(failed.value) and "hidden" in str(failed.value)
