"""The USSD edge in front of Flask: valid hops skip Flask's machinery and answer exactly as Flask's route would;
every other request (malformed, wrong key, wrong network, too big, not a form) gets Flask's own refusal."""
from __future__ import annotations

import io
import ipaddress
import sys
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from gateway.africastalking.ussd import format_ussd_reply, parse_ussd_request
from gateway.ussd_edge import HopRoute, Payload, UssdEdge
from menus.hop import Reply
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway

PATH = "/gateway/at/ussd"
FORM_TYPE = "application/x-www-form-urlencoded"


def _call(wsgi: Any, body: bytes, *, query: str = "", content_type: str = FORM_TYPE, method: str = "POST",
          length: str | None = None, remote: str = "127.0.0.1", path: str = PATH) -> tuple[str, dict[str, str], str]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "gateway",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "REMOTE_ADDR": remote,
               "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)) if length is None else length}
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], _exc: object = None) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    chunks = wsgi(environ, start_response)
    try:
        text = b"".join(chunks).decode()
    finally:
        getattr(chunks, "close", lambda: None)()
    return seen["status"], seen["headers"], text


def _form(session: str, text: str = "", phone: str = EMPLOYER_PHONE, **extra: str) -> bytes:
    return urlencode({"sessionId": session, "phoneNumber": phone, "networkCode": "61501", "serviceCode": "*909#",
                      "text": text, **extra}).encode()


def test_a_valid_hop_is_answered_without_flask_and_as_flask_would(gateway: Gateway, flask_hits: list[str]) -> None:
    edge = gateway.app.wsgi_app
    inner = _flask_only(gateway.app)
    fast = _call(edge, _form("ATUid_fast"))
    slow = _call(inner, _form("ATUid_slow"))
    assert flask_hits == ["flask"], "only the call made around the edge went through Flask"
    assert fast[0] == slow[0] == "200 OK"
    assert fast[2] == slow[2] and fast[2].startswith("CON CNSS - ")
    for name in ("Content-Type", "at-ussd-hop-metadata"):
        assert fast[1][name] == slow[1][name]
    assert int(fast[1]["Content-Length"]) == len(fast[2].encode())
    assert len(fast[1]["X-Request-Id"]) == 16
    given = _call(_with_header(edge, "HTTP_X_REQUEST_ID", "lb-1234"), _form("ATUid_fast3"))
    assert given[1]["X-Request-Id"] == "lb-1234", "a caller's request id is kept, as Flask's edge keeps it"


def test_the_edge_walks_a_whole_session_and_repeats_a_duplicate_hop(gateway: Gateway, flask_hits: list[str]) -> None:
    edge = gateway.app.wsgi_app
    assert _call(edge, _form("ATUid_walk"))[2].startswith("CON CNSS - ")
    home = _call(edge, _form("ATUid_walk", "1234"))[2]
    assert _call(edge, _form("ATUid_walk", "1234"))[2] == home, "the same hop twice gets the same screen"
    assert _call(edge, _form("ATUid_walk", "1234*2"))[2].startswith("CON Solde:")
    assert flask_hits == []


@pytest.mark.parametrize(("label", "request_args", "status", "reason"), [
    ("missing text", {"body": b"sessionId=x&phoneNumber=%2B22890112233&networkCode=1&serviceCode=*909%23"},
     "400", "missing field: text"),
    ("bad phone", {"body": _form("ATUid_bad", phone="+228 1234")}, "400", "phoneNumber: invalid_number"),
    ("not UTF-8", {"body": _form("ATUid_bad") + b"&text=%FF"}, "400", "bad encoding"),
    ("a newline typed", {"body": _form("ATUid_bad", "1\n2")}, "400", "text:"),
    ("too big", {"body": _form("ATUid_bad", "1" * 400) + b"&pad=" + b"x" * 70_000}, "413", ""),
    ("not a form", {"body": b'{"sessionId": "x"}', "content_type": "application/json"}, "400", "missing field"),
    ("a GET", {"body": b"", "method": "GET"}, "405", ""),
], ids=lambda v: v if isinstance(v, str) else "")
def test_every_refusal_is_flasks_own(gateway: Gateway, flask_hits: list[str], label: str,
                                     request_args: dict[str, Any], status: str, reason: str) -> None:
    options = {k: v for k, v in request_args.items() if k != "body"}
    got = _call(gateway.app.wsgi_app, request_args["body"], **options)
    assert got[0].startswith(status) and reason in got[2], (label, got)
    assert flask_hits == ["flask"], "the refusal came from Flask's route"
    assert got[1]["Content-Type"].startswith(("text/plain", "application/json"))
    assert "<html" not in got[2].lower()


def test_a_wrong_key_or_network_is_refused_by_flask_even_after_the_edge_read_the_body(
        gateway: Gateway, flask_hits: list[str]) -> None:
    gateway.app.config["AT_CALLBACK_KEY"] = "k-123"
    edge = gateway.app.wsgi_app
    assert _call(edge, _form("ATUid_key"), query="key=wrong")[0].startswith("403")
    assert _call(edge, _form("ATUid_key"))[0].startswith("403")
    assert _call(edge, _form("ATUid_key"), query="key=k-123")[2].startswith("CON ")
    assert flask_hits == ["flask", "flask"]
    gateway.app.config["AT_ALLOWED_NETWORKS"] = (ipaddress.ip_network("10.0.0.0/8"),)
    assert _call(edge, _form("ATUid_net"), query="key=k-123", remote="192.0.2.7")[0].startswith("403")
    assert _call(edge, _form("ATUid_net"), query="key=k-123", remote="10.1.2.3")[2].startswith("CON ")


def test_a_reply_that_cannot_be_formatted_is_a_500_with_an_error_id_like_flasks(gateway: Gateway) -> None:
    def broken_format(reply: Reply) -> tuple[str, dict[str, str]]:
        raise ValueError(f"screen {reply.screen_id} cannot be sent")

    route = HopRoute(PATH, Payload.FORM, lambda *_given: True, lambda form: parse_ussd_request(form, cursor_key=b"k"),
                     broken_format)
    edge = UssdEdge(_flask_only(gateway.app), gateway.app.config, gateway.rt.ussd, [route])
    status, headers, text = _call(edge, _form("ATUid_500"))
    assert status.startswith("500") and headers["Content-Type"].startswith("text/plain")
    assert text.startswith("internal error (error_id ") and EMPLOYER_PHONE not in text
    assert format_ussd_reply(Reply("Menu", False, "x"))[0] == "CON Menu"


def _flask_only(app: Flask) -> Any:
    """Flask's own WSGI callable (a bound method), under the middlewares (ProxyFix, the USSD edge)."""
    wsgi = app.wsgi_app
    while not hasattr(wsgi, "__self__"):
        wsgi = wsgi.app
    return wsgi


def _with_header(wsgi: Any, name: str, value: str) -> Any:
    def call(environ: dict[str, Any], start_response: Any) -> Any:
        return wsgi({**environ, name: value}, start_response)
    return call
