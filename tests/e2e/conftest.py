"""The whole gateway over HTTP: SQLite with the in-process store, and PostgreSQL with the real Redis."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import redis
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageChannel
from core.adapters.sqlalchemy.migrate import upgrade
from core.domain.pins import PinHasher
from core.services.demo import seed_demo
from gateway.runtime import Runtime
from menus.memory_store import MemorySessionStore
from tests.conftest import REDIS_URL, _truncate
from tests.support.bank import BANK_SECRET, SignedClient
from tests.support.clock import SettableClock
from tests.support.phone import UssdPhone

EMPLOYER_PHONE, INSURED_PHONE, UP_TO_DATE_PHONE = "+22890112233", "+22899112233", "+22891223344"
FINANCE_PHONE = "+22890000001"
# Allow-listed payment-alert senders: the bank (untrusted) and an operator's number (trusted).
ALERT_SENDERS = {"senders": [
    {"sender": "IBBANK", "provider": "ibbank", "channel": "bank", "trusted": False, "templates": [
        r"Credit de (?P<amount>[\d .]+) FCFA.*?Ref\.? ?(?P<reference>[\d ]{12,14}).*?Trx ?(?P<transaction_id>[\w-]+)"]},
    {"sender": "+22890990000", "provider": "flooz", "channel": "mobile_money", "trusted": True, "templates": [
        r"Paiement (?P<amount>\d+)F ref (?P<reference>\d{12}) id (?P<transaction_id>\w+)"]},
]}
ACCOUNTANT_PHONE, STRANGER_PHONE = "+22870112233", "+22896000000"


class QueuedSms:
    """The SMS the gateway queued in its outbox, read back by recipient."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def to(self, msisdn: Msisdn) -> list[str]:
        """Bodies queued for one phone, oldest first."""
        with self.rt.uow_factory() as uow:
            return [m.body for m in uow.outbox.find(recipient=msisdn.e164, channel=MessageChannel.SMS)]


@dataclass
class Gateway:
    """A running app, its client, clock, outgoing SMS and wiring."""

    app: Flask
    client: FlaskClient
    clock: SettableClock
    sms: QueuedSms
    rt: Runtime
    redis: redis.Redis | None

    def phone(self, msisdn: str = EMPLOYER_PHONE) -> UssdPhone:
        """A new phone on this gateway."""
        return UssdPhone(self.client, msisdn)

    def dial(self, msisdn: str = EMPLOYER_PHONE) -> str:
        """Dial once in a new session; the id of the screen the gateway answered (the hop label)."""
        phone = self.phone(msisdn)
        phone.dial()
        return phone.hop_label

    def rows(self, table: sa.Table, *where: Any) -> list[Any]:
        """Rows of a table matching ``where``, in id order."""
        with self.rt.engine.connect() as connection:
            return list(connection.execute(sa.select(table).where(*where).order_by(*table.primary_key.columns)))

    def count(self, table: sa.Table, *where: Any) -> int:
        """How many rows of a table match ``where``."""
        with self.rt.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())

    def bank(self, **kwargs: str) -> SignedClient:
        """The bank's signed client."""
        return SignedClient(self.client, self.clock, **kwargs)


@pytest.fixture(params=["sqlite-memory", pytest.param("postgresql-redis", marks=[pytest.mark.postgres,
                                                                                   pytest.mark.redis])])
def gateway(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gateway]:
    """The gateway with the demo data, on both real stacks."""
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    config: dict[str, object] = {"TESTING": True, "CLOCK": clock,
                                 "BANK_API_SECRET": BANK_SECRET, "FINANCE_ALERT_PHONES": FINANCE_PHONE,
                                 "MOBILE_MONEY_SECRETS": "flooz:flooz-secret,mixx:mixx-secret",
                                 "PAYMENT_ALERT_SENDERS": ALERT_SENDERS,
                                 "PIN_HASHER": PinHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))}
    client_redis = None
    if request.param == "sqlite-memory":
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'gateway.db'}"
        now = lambda: clock.instant.timestamp()  # noqa: E731 - expiry and session limits on the test clock
        config["SESSION_STORE"] = MemorySessionStore(clock=now, wall_clock=now)
    else:
        config["DATABASE_URL"] = request.getfixturevalue("postgres_url")
        config["REDIS_URL"] = REDIS_URL
        client_redis = redis.Redis.from_url(REDIS_URL)
        client_redis.flushdb()
    app = create_app(config)
    rt: Runtime = app.extensions["cnss"]
    if request.param == "sqlite-memory":
        upgrade(rt.engine)
    else:
        _truncate(rt.engine)
    seed_demo(uow_factory=rt.uow_factory, clock=clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)
    yield Gateway(app, app.test_client(), clock, QueuedSms(rt), rt, client_redis)
    if rt.ussd.registry is not None:
        rt.ussd.registry.close()  # a background refresh must give its connection back before the pool goes
    rt.engine.dispose()


@pytest.fixture()
def flask_hits(gateway: Gateway) -> Iterator[list[str]]:
    """The requests Flask's request machinery saw (a hop served by the fast USSD edge never reaches it)."""
    hits: list[str] = []
    app: Flask = gateway.app
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: hits.append("flask") and None)
    yield hits
