"""The gateway served over real HTTP (a threaded WSGI server) on a private PostgreSQL and a private Redis."""
from __future__ import annotations

import gc
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.migrate import upgrade
from core.domain.pins import PinHasher
from core.services.demo import seed_demo
from gateway.runtime import Runtime
from tests.conftest import _truncate
from tests.support.bank import BANK_SECRET, SignedClient
from tests.support.clock import SettableClock
from tests.support.phone import UssdPhone
from tests.support.http import HttpResponse
from tests.support.private_servers import (PrivatePostgres, PrivateRedis, postgres_server, private_postgres,
                                           private_redis, redis_server)

__all__ = ["postgres_server", "private_postgres", "private_redis", "redis_server"]

EMPLOYER_PHONE = "+22890112233"
CLIENT_TIMEOUT = 30.0  # far above every bound the tests assert: a hung gateway fails the test, never blocks it


class HttpClient:
    """``post``/``get`` like Flask's test client, over a socket to the served app; remembers the last timing."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy between the test and 127.0.0.1
        self.last: HttpResponse | None = None

    def _send(self, method: str, path: str, data: Any = None, content_type: str | None = None,
              headers: dict[str, str] | None = None) -> HttpResponse:
        all_headers = dict(headers or {})
        if content_type:
            all_headers["Content-Type"] = content_type
        started = time.monotonic()
        raw = self.session.request(method, self.base_url + path, data=data, headers=all_headers,
                                   timeout=CLIENT_TIMEOUT)
        self.last = HttpResponse(raw, time.monotonic() - started)
        return self.last

    def post(self, path: str, data: Any = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> HttpResponse:
        """A POST; ``data`` is bytes or a form string."""
        return self._send("POST", path, data, content_type, headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        """A GET."""
        return self._send("GET", path, headers=headers)


@dataclass
class ServedGateway:
    """The app served on a socket, its HTTP client, its clock, its wiring and the servers under it."""

    app: Flask
    client: HttpClient
    clock: SettableClock
    rt: Runtime
    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str

    def phone(self, msisdn: str = EMPLOYER_PHONE) -> UssdPhone:
        """A phone posting Africa's Talking's USSD form to the served app."""
        return UssdPhone(self.client, msisdn)  # type: ignore[arg-type]  # duck-typed: FlaskClient's post()

    def bank(self) -> SignedClient:
        """The bank's signed client."""
        return SignedClient(self.client, self.clock)  # type: ignore[arg-type]

    def count(self, table: sa.Table, *where: Any) -> int:
        """Rows of a table matching ``where``, read on a fresh connection (not the app's pool)."""
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())
        finally:
            engine.dispose()

    def form(self, path: str, fields: dict[str, str]) -> HttpResponse:
        """A form-encoded POST (the Africa's Talking callbacks)."""
        return self.client.post(path, data=urlencode(fields), content_type="application/x-www-form-urlencoded")


@pytest.fixture(scope="session")
def fault_database(private_postgres: PrivatePostgres) -> str:
    """One migrated database on the private cluster for the whole fault suite."""
    url = private_postgres.create_database(f"faults_{uuid.uuid4().hex[:8]}")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def served(postgres_server: PrivatePostgres, redis_server: PrivateRedis, fault_database: str) -> Iterator[ServedGateway]:
    """The gateway with the demo data on the private servers, behind a threaded WSGI server on a free port."""
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    app = create_app({"TESTING": True, "CLOCK": clock, "DATABASE_URL": fault_database, "REDIS_URL": redis_server.url,
                      "BANK_API_SECRET": BANK_SECRET,
                      "PIN_HASHER": PinHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))})
    rt: Runtime = app.extensions["cnss"]
    _truncate(rt.engine)
    seed_demo(uow_factory=rt.uow_factory, clock=clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="faults-wsgi", daemon=True)
    thread.start()
    client = HttpClient(f"http://127.0.0.1:{server.server_port}")
    try:
        yield ServedGateway(app, client, clock, rt, postgres_server, redis_server, fault_database)
    finally:
        postgres_server.heal()  # a request held by a frozen server finishes before the socket closes
        redis_server.heal()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        client.session.close()
        _close_redis_connections(rt)
        rt.engine.dispose()


def _close_redis_connections(rt: Runtime) -> None:
    """Close the app's Redis sockets once the readiness probes a frozen Redis held have given up (their
    1 s socket timeout): redis-py can leave a half-opened connection behind such a timeout, whose socket
    would otherwise be reported as unclosed whenever the garbage collector reaches it."""
    time.sleep(1.2)
    ping = rt.readiness.get("redis")
    client = getattr(ping, "__self__", None)
    if client is not None:
        client.connection_pool.disconnect()
    gc.collect()
