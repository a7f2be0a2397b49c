"""The hop log through a PostgreSQL outage: hops answered as fast as ever, their records kept and written after."""
from __future__ import annotations

import time

import pytest

from core.adapters.sqlalchemy import tables as t
from gateway.hop_log import hop_log_of
from tests.faults.conftest import ServedGateway
from tests.faults.expectations import HOP_BOUND

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("how", ["stopped", "frozen"])
def test_hops_during_an_outage_are_answered_in_time_and_recorded_once_the_database_is_back(
        served: ServedGateway, how: str) -> None:
    log = hop_log_of(served.rt.ussd)
    assert log is not None
    phone = served.phone()
    phone.dial()
    phone.send("1234")
    log.flush()
    assert served.count(t.ussd_hops) == 2

    served.postgres.stop() if how == "stopped" else served.postgres.freeze()
    for _ in range(3):
        served.phone().dial()  # each answered (an apology), none waits for the hop log
        assert served.client.last is not None and served.client.last.seconds < HOP_BOUND
    started = time.monotonic()
    log.flush()  # the database is away: the records stay in the buffer
    assert time.monotonic() - started < 10

    served.postgres.start() if how == "stopped" else served.postgres.thaw()
    deadline = time.monotonic() + 20
    while served.count(t.ussd_hops) < 5 and time.monotonic() < deadline:
        log.flush()
        time.sleep(0.2)
    assert served.count(t.ussd_hops) == 5 and log.dropped == 0
