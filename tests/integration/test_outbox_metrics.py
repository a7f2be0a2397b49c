"""``outbox-work`` counts what it sent by result, and /metrics shows it with the queue's depth."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.domain.outbox import sms_message
from tests.support.fake_at import FakeAfricasTalking, Reply
from tests.support.metrics import scrape, value


@pytest.fixture
def fake() -> Iterator[FakeAfricasTalking]:
    with FakeAfricasTalking("key") as server:
        yield server


def test_the_worker_counts_sent_and_refused_sms_and_the_queue_drains(fake: FakeAfricasTalking, tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "AT_API_KEY": "key", "AT_USERNAME": "sandbox",
                      "AT_API_BASE_URL": fake.url, "SMTP_URL": None})
    rt = app.extensions["cnss"]
    upgrade(rt.engine)
    now = datetime.now(timezone.utc) - timedelta(seconds=1)
    fake.reply_to("+22890110003", Reply.recipient_error(403, "InvalidPhoneNumber"))
    with rt.uow_factory() as uow:
        for n in range(1, 4):
            uow.outbox.add(sms_message(f"+2289011000{n}", f"Recu R-{n}", "payment_receipt", f"receipt:{n}:sms", now,
                                       essential=True))
        uow.commit()
    before = scrape(app.test_client())
    assert value(before, "cnss_outbox_messages", channel="sms", status="queued") == 3

    result = app.test_cli_runner().invoke(args=["outbox-work", "--once"])

    assert result.exit_code == 0, result.output
    samples = scrape(app.test_client())
    assert value(samples, "cnss_outbox_sends_total", channel="sms", result="sent") == 2
    assert value(samples, "cnss_outbox_sends_total", channel="sms", result="failed") == 1
    assert value(samples, "cnss_outbox_sends_total", channel="sms", result="retried") == 0
    rt.engine.dispose()
    # The depth is cached for a few seconds; another app (as another worker's first scrape) counts afresh.
    other = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert value(scrape(other.test_client()), "cnss_outbox_messages", channel="sms", status="queued") == 0
    other.extensions["cnss"].engine.dispose()
