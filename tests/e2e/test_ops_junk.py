"""Junk on the console and the simulator, on both stacks: a clear 4xx or a page, never a 5xx, nothing lost."""
from __future__ import annotations

import pytest

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import Gateway
from tests.support.ops import post_form, signed_in_client

LONG = "9" * 5000
JUNK = (LONG, "\x00", "%00", "'; DROP TABLE staff; --", "é" * 300, "-1", "2026-13-45", "\ud800".encode(
    "utf-8", "surrogatepass").decode("latin-1"))
GETS = ("/ops/ussd?day={v}", "/ops/funnel?from={v}&to={v}", "/ops/latency?from={v}&to={v}", "/ops/inputs?day={v}",
        "/ops/sessions?session_id={v}", "/ops/sessions/{v}", "/ops/sms?status={v}&purpose={v}&page={v}",
        "/ops/payments?page={v}", "/ops/requests?kind={v}&status={v}&page={v}", "/ops/requests/{v}",
        "/ops/incidents?error_id={v}", "/ops/pins?page={v}", "/ops/staff?page={v}", "/simulator/outbox?phone={v}")
POSTS = (("/ops/requests/{v}/status", {"status": "{v}", "note": "{v}"}), ("/ops/pins/unlock", {"kind": "{v}",
         "number": "{v}"}), ("/ops/staff/{v}/role", {"role": "{v}"}), ("/ops/staff/{v}/disable", {}),
         ("/ops/sms/999999999/retry", {}))


@pytest.mark.parametrize("value", JUNK, ids=range(len(JUNK)))
def test_junk_on_every_console_and_simulator_route_is_refused_cleanly(gateway: Gateway, value: str) -> None:
    client = signed_in_client(gateway.app, "admin")
    outbox, requests = gateway.count(t.outbound_messages), gateway.count(t.service_requests)
    for path in GETS:
        response = client.get(path.format(v=value))
        assert response.status_code < 500, (path, response.status_code)
    for path, form in POSTS:
        status, _ = post_form(client, path.format(v=value), {k: v.format(v=value) for k, v in form.items()})
        assert status < 500, (path, status)
    measured = client.post("/simulator/measure", data=value.encode("utf-8", "surrogatepass"),
                           content_type="application/json")
    assert measured.status_code < 500
    login = gateway.app.test_client().post("/ops/login", data={"username": value, "password": value})
    assert login.status_code < 500
    assert gateway.count(t.outbound_messages) == outbox and gateway.count(t.service_requests) == requests, \
        "junk changed nothing"
    assert client.get("/ops/").status_code == 200, "the console still works afterwards"
