"""The console's USSD pages on real journeys: funnel drop-off, day overview, lockouts, X-ray, purge."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from core.adapters.sqlalchemy import tables as t
from gateway.hop_log import hop_log_of
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.ops import signed_in_client
from tests.support.typed import shows_typed


def _walk_journeys(gateway: Gateway) -> None:
    """One payment reference issued; one caller gives up choosing what to pay, another before confirming;
    one locked out by three wrong PINs."""
    paid = gateway.phone()
    paid.dial()
    paid.walk("1234", "1", "1", "1")
    assert paid.ended
    gave_up = gateway.phone()
    gave_up.dial()
    assert gave_up.walk("1234", "1").startswith("Impayé")  # pay.scope, then silence
    hesitated = gateway.phone()
    hesitated.dial()
    assert "Confirmer" in hesitated.walk("1234", "1", "1")  # pay.confirm, then silence
    locked = gateway.phone("+22899112233")
    locked.dial()
    locked.walk("9999", "9998", "9997")
    assert locked.ended
    log = hop_log_of(gateway.rt.ussd)
    assert log is not None
    log.flush()
    gateway.clock.advance(minutes=10)  # the silent sessions are now abandoned


def _row(page: str, screen: str) -> list[str]:
    found = re.search(rf'<tr data-screen="{re.escape(screen)}">(.*?)</tr>', page, re.S)
    assert found, f"{screen} missing from the page"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def _get(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_funnel_shows_where_callers_gave_up(gateway: Gateway) -> None:
    _walk_journeys(gateway)
    client = signed_in_client(gateway.app)
    today = gateway.clock.today().isoformat()
    page = _get(client, f"/ops/funnel?from={today}&to={today}")
    # screen, reached, moved on, ended here, abandoned here, drop-off
    assert _row(page, "pay.scope") == ["pay.scope", "3", "2", "0", "1", "33 %"]
    assert _row(page, "pay.confirm") == ["pay.confirm", "2", "1", "0", "1", "50 %"]
    assert _row(page, "employer.home")[1:3] == ["3", "3"]
    assert _row(page, "auth.locked")[1:4] == ["1", "0", "1"]
    assert EMPLOYER_PHONE not in page and not shows_typed("1234", page)


def test_the_day_overview_counts_sessions_by_outcome_and_charts_hops_per_hour(gateway: Gateway) -> None:
    _walk_journeys(gateway)
    page = _get(signed_in_client(gateway.app), f"/ops/ussd?day={gateway.clock.today().isoformat()}")
    assert re.search(r'id="sessions-count">4<', page) and re.search(r'id="hops-count">16<', page)
    outcomes = re.search(r'<table id="outcomes">(.*?)</table>', page, re.S)
    assert outcomes is not None
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", outcomes.group(1), re.S)]
    assert ["at", "abandonnée", "2"] in rows and ["at", "auth.locked", "1"] in rows
    assert page.count("<svg") == 2 and "viewBox" in page  # outcomes and hops per hour, drawn on the server


def test_refused_inputs_and_the_lockout_are_counted_without_what_was_typed(gateway: Gateway) -> None:
    _walk_journeys(gateway)
    today = gateway.clock.today().isoformat()
    page = _get(signed_in_client(gateway.app), f"/ops/inputs?from={today}&to={today}")
    assert re.search(r'id="lockouts">1<', page)
    assert re.search(r"<td>auth.pin</td><td>auth.pin_wrong</td><td class=\"num\">2</td>", page)
    assert "9999" not in page and "9998" not in page
    latency = _get(signed_in_client(gateway.app), f"/ops/latency?from={today}&to={today}")
    assert re.search(r'<tr data-screen="\*"><td>\*</td><td class="num">16</td>', latency)


def test_recent_sessions_show_masked_phones_and_open_their_xray(gateway: Gateway) -> None:
    _walk_journeys(gateway)
    client = signed_in_client(gateway.app)
    listing = _get(client, "/ops/sessions")
    assert "****2233" in listing and EMPLOYER_PHONE not in listing and "90112233" not in listing
    links = re.findall(r'href="(/ops/sessions/[^"]+)"', listing)
    assert len(links) == 4
    xrays = [_get(client, link) for link in links]
    paid = next(page for page in xrays if "pay.confirm" in page and "contrib" not in page and "fin<" in page)
    assert "auth.pin" in paid and "employer.home" in paid and "****2233" in paid
    typed_pin = re.compile(r"(?<![\w.])1234(?![\w.])")  # the PIN as typed, not inside a session id or a time
    assert all(EMPLOYER_PHONE not in page and not typed_pin.search(page) for page in xrays)
    assert client.get("/ops/sessions/unknown-session").status_code == 404
    found = client.get("/ops/sessions?session_id=abc")
    assert found.status_code == 302 and found.headers["Location"].endswith("/ops/sessions/abc")


def test_the_pages_are_for_signed_in_staff_only(gateway: Gateway) -> None:
    for path in ("/ops/ussd", "/ops/funnel", "/ops/latency", "/ops/inputs", "/ops/sessions", "/ops/sessions/x"):
        response = gateway.client.get(path)
        assert response.status_code == 302 and "/ops/login" in response.headers["Location"], path


def test_purge_keeps_the_funnel_of_a_purged_day(gateway: Gateway) -> None:
    _walk_journeys(gateway)
    client = signed_in_client(gateway.app)
    day = gateway.clock.today().isoformat()
    before = _get(client, f"/ops/funnel?from={day}&to={day}")
    gateway.clock.advance(days=3)
    client = signed_in_client(gateway.app)  # three days later: a new sign-in
    result = gateway.app.test_cli_runner().invoke(args=["purge", "--days", "1"])
    assert result.exit_code == 0, result.output
    assert f"days rolled up into ussd_daily_stats: 1 ({day})" in result.output
    assert "deleted: 16 USSD hop(s)" in result.output
    assert gateway.count(t.ussd_hops) == 0
    after = _get(client, f"/ops/funnel?from={day}&to={day}")
    assert _row(after, "pay.scope") == _row(before, "pay.scope") == ["pay.scope", "3", "2", "0", "1", "33 %"]
    again = gateway.app.test_cli_runner().invoke(args=["purge", "--days", "1"])
    assert "days rolled up into ussd_daily_stats: 0 (none)" in again.output
    assert _get(client, f"/ops/funnel?from={day}&to={day}") == after
