"""Redis, which holds USSD sessions, stopped or frozen under the running gateway: callers get an apology fast."""
from __future__ import annotations

import re

import pytest

from core.adapters.sqlalchemy import tables as t
from tests.faults.conftest import EMPLOYER_PHONE, ServedGateway
from tests.faults.expectations import HOP_BOUND, PROBE_BOUND, is_apology

pytestmark = pytest.mark.faults

REFERENCE = re.compile(r"(\d{4} \d{4} \d{4})")


def _references(served: ServedGateway) -> int:
    return served.count(t.payment_references)


def _queued_sms_with(served: ServedGateway, text: str) -> int:
    return served.count(t.outbound_messages, t.outbound_messages.c.recipient == EMPLOYER_PHONE,
                        t.outbound_messages.c.body.contains(text))


def test_redis_stopped_mid_session_apologises_fast_and_a_new_session_works_after_restart(
        served: ServedGateway) -> None:
    phone = served.phone()
    phone.dial()
    phone.walk("1234", "1", "1")  # Payer > overdue balance: one more "1" would issue the reference
    references_before = _references(served)
    served.redis.stop()

    confirm = phone.send("1")
    assert phone.ended and is_apology(confirm), confirm
    assert served.client.last is not None and served.client.last.seconds < HOP_BOUND
    fresh = served.phone()
    assert is_apology(fresh.dial()) and fresh.ended, fresh.screen
    ready = served.client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["redis"], ready.get_data(as_text=True)
    assert ready.seconds < PROBE_BOUND
    assert _references(served) == references_before, "a hop that could not load its session issued nothing"

    served.redis.start()  # empty: the sessions held before the stop are gone
    ready = served.client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready", ready.get_data(as_text=True)
    again = served.phone()
    again.dial()
    screen = again.walk("1234", "1", "1", "1")
    found = REFERENCE.search(screen)
    assert found is not None, screen
    assert _references(served) == references_before + 1
    assert _queued_sms_with(served, found.group(1)) == 1, "the reference is texted once"


def test_redis_frozen_answers_within_the_hop_deadline_and_recovers_after_thaw(served: ServedGateway) -> None:
    phone = served.phone()
    phone.dial()
    phone.send("1234")
    served.redis.freeze()

    balance = phone.send("2")
    assert served.client.last is not None
    hop_seconds = served.client.last.seconds
    assert phone.ended and is_apology(balance), balance
    assert hop_seconds < HOP_BOUND, f"the hop took {hop_seconds:.2f} s"
    fresh = served.phone()
    assert is_apology(fresh.dial()), fresh.screen
    assert served.client.last.seconds < HOP_BOUND, f"a new dial took {served.client.last.seconds:.2f} s"
    ready = served.client.get("/readyz")
    assert ready.seconds < PROBE_BOUND, f"/readyz took {ready.seconds:.2f} s"
    assert ready.status_code == 503 and ready.json["failing"] == ["redis"], ready.get_data(as_text=True)

    served.redis.thaw()
    assert served.client.get("/readyz").status_code == 200
    again = served.phone()
    again.dial()
    assert again.walk("1234", "2").startswith("Solde: "), again.screen
