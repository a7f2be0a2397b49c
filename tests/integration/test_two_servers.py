"""Horizontal scale: two production granian servers on one PostgreSQL and one Redis serve one session between them.

Both servers are started exactly as ``deploy/systemd/cnss-gateway-web.service`` starts one (``granian
app:create_app`` configured by ``deploy/granian.env``, ``GATEWAY_ENV=production``), on two ports; the database
is migrated and seeded through the CLI, as an operator would. The hops of one USSD session alternate between
the servers, the final hop is posted to both at once, and the bank's duplicate notification too.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
import requests
import sqlalchemy as sa

from config import SETTINGS
from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.database import make_engine
from tests.conftest import REDIS_URL
from tests.support.databases import throwaway_database
from tests.support.bank import BANK_SECRET, SignedClient
from tests.support.phone import UssdPhone
from tests.support.http import HttpResponse
from tests.support.private_servers import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMPLOYER_PHONE = "+22890112233"
CALLBACK_KEY = "two-servers-callback-key"
REFERENCE = re.compile(r"(\d{4} \d{4} \d{4})")
AMOUNT = re.compile(r"(\d[\d ]*) FCFA")
T = TypeVar("T")


@dataclass
class Server:
    """One granian process serving the gateway on a port."""

    name: str
    port: int
    process: subprocess.Popen[str]
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def base(self) -> str:
        """Its address."""
        return f"http://127.0.0.1:{self.port}"

    def post(self, path: str, data: Any = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> HttpResponse:
        """A POST, as Flask's test client takes it."""
        sent = {**(headers or {}), **({"Content-Type": content_type} if content_type else {})}
        return HttpResponse(self.session.post(self.base + path, data=data, headers=sent, timeout=30), server=self.name)

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        """A GET."""
        return HttpResponse(self.session.get(self.base + path, headers=headers, timeout=30), server=self.name)


class Alternating:
    """A client whose requests go to server A, then B, then A...: the load balancer at its most unhelpful."""

    def __init__(self, *servers: Server) -> None:
        self.servers, self.turn, self.served_by = servers, 0, list[str]()

    def _next(self) -> Server:
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        self.served_by.append(server.name)
        return server

    def post(self, path: str, data: Any = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> HttpResponse:
        """The next server's POST."""
        return self._next().post(path, data, content_type, headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        """The next server's GET."""
        return self._next().get(path, headers)


class WallClock:
    """What SignedClient reads: the real time (the servers run on it too)."""

    def now(self) -> datetime:
        """Now, in UTC."""
        return datetime.now(timezone.utc)


@dataclass
class Cluster:
    """Two servers on one database and one Redis."""

    a: Server
    b: Server
    database_url: str

    def count(self, table: sa.Table, *where: Any) -> int:
        """Rows of ``table`` matching ``where``, read on a fresh connection."""
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())
        finally:
            engine.dispose()


def _granian_env() -> dict[str, str]:
    """deploy/granian.env, the file the web unit reads."""
    pairs = (line.split("=", 1) for line in (ROOT / "deploy" / "granian.env").read_text().splitlines()
             if line.strip() and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def _production_env(database_url: str) -> dict[str, str]:
    """A complete production environment (the gateway refuses to start without every part of it)."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS and not k.startswith("GRANIAN_")}
    env.update(GATEWAY_ENV="production", DATABASE_URL=database_url, REDIS_URL=REDIS_URL,
               GATEWAY_SECRET_KEY="two-servers-secret-key-0123456789", PIN_PEPPER="k1:two-servers-pepper-0123456789",
               AT_CALLBACK_KEY=CALLBACK_KEY, BANK_API_SECRET=BANK_SECRET, PYTHONUNBUFFERED="1")
    return env


def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _start(name: str, env: dict[str, str]) -> Server:
    port = free_port()
    served = {**env, **_granian_env(), "GRANIAN_HOST": "127.0.0.1", "GRANIAN_PORT": str(port),
              "GRANIAN_WORKERS": "1", "GRANIAN_BLOCKING_THREADS": "4"}
    process = subprocess.Popen([str(BIN / "granian"), "app:create_app"], cwd=ROOT, env=served,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Server(name, port, process)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"server {server.name} exited: {server.process.communicate()[0]}"
        try:
            if server.get("/readyz").status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server {server.name} not ready within 60 s")


def _stop(server: Server) -> str:
    server.session.close()
    if server.process.poll() is None:
        server.process.terminate()
    try:
        return server.process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        server.process.kill()
        return server.process.communicate(timeout=10)[0]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A throw-away database migrated and seeded by the CLI, and two production servers on it and on Redis."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    servers: list[Server] = []
    with throwaway_database("cnss_two_servers") as url:
        try:
            env = _production_env(url)
            assert "database schema created" in _flask(env, "db-upgrade")
            assert "demo data created" in _flask(env, "seed-demo")
            servers += [_start("A", env), _start("B", env)]
            for server in servers:
                _wait_ready(server)
            yield Cluster(servers[0], servers[1], url)
        finally:
            for server in servers:
                _stop(server)


def _at_once(*calls: Callable[[], T]) -> list[T]:
    """Run each call in its own thread, released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _fcfa(text: str, label: str) -> int:
    """The amount after ``label`` on a screen, in francs."""
    match = re.search(re.escape(label) + r" ?" + AMOUNT.pattern, text)
    assert match, f"no '{label}' amount in {text!r}"
    return int(match.group(1).replace(" ", ""))


def _hop(server: Server, phone: UssdPhone) -> str:
    """Post ``phone``'s current hop (its session and cumulative text) to one server; the raw reply."""
    body = {"sessionId": phone.session_id, "phoneNumber": phone.msisdn, "networkCode": phone.network_code,
            "serviceCode": phone.service_code, "text": phone.text}
    answer = server.session.post(server.base + phone.path, data=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.text


def test_one_session_alternating_between_two_servers_completes_and_a_doubled_final_hop_issues_one_reference(
        cluster: Cluster) -> None:
    client = Alternating(cluster.a, cluster.b)
    phone = UssdPhone(client, EMPLOYER_PHONE, path=f"/gateway/at/ussd?key={CALLBACK_KEY}")  # type: ignore[arg-type]
    phone.dial()
    assert phone.hop_label == "auth.pin" and not phone.ended
    phone.send("1234")
    assert phone.hop_label == "employer.home" and "BOULANGERIE DU PORT SARL" in phone.screen
    phone.send("1")
    assert phone.hop_label == "pay.scope"
    overdue = _fcfa(phone.screen, "Impayé:")
    phone.send("1")
    assert phone.hop_label == "pay.confirm" and _fcfa(phone.screen, "Total:") == overdue
    assert client.served_by == ["A", "B", "A", "B"]

    # The subscriber presses 1 once; the network (or a retry) delivers it to both servers at the same instant.
    phone.inputs.append("1")
    phone.text = "*".join(phone.inputs)
    references_before = cluster.count(t.payment_references)
    on_a, on_b = _at_once(lambda: _hop(cluster.a, phone), lambda: _hop(cluster.b, phone))
    assert on_a == on_b, "both servers answer the same final screen"
    assert on_a.startswith("END ") and _fcfa(on_a, "Montant:") == overdue
    shown = REFERENCE.search(on_a).group(1)  # type: ignore[union-attr]
    code = shown.replace(" ", "")
    assert cluster.count(t.payment_references) == references_before + 1
    assert cluster.count(t.payment_references, t.payment_references.c.channel == "ussd") == 1
    assert cluster.count(t.payment_references, t.payment_references.c.code == code) == 1
    texted = cluster.count(t.outbound_messages, t.outbound_messages.c.recipient == EMPLOYER_PHONE,
                           t.outbound_messages.c.body.contains(shown))
    assert texted == 1, "the reference is texted to the employer once"
    assert _hop(cluster.a, phone) == on_a, "a late duplicate gets the same answer"
    assert cluster.count(t.payment_references) == references_before + 1
    assert _final_hops(cluster, phone.session_id) == [False, True, True], (
        "the engine ran the final hop once; the other two were answered from the stored reply")

    # A new session, starting on the other server, follows the reference issued across both.
    follow = UssdPhone(Alternating(cluster.b, cluster.a), EMPLOYER_PHONE,  # type: ignore[arg-type]
                       path=f"/gateway/at/ussd?key={CALLBACK_KEY}")
    follow.dial()
    follow.walk("1234", "3")
    status = follow.send(code)
    assert follow.hop_label == "ref.status" and f"Réf {shown}" in status and "Statut: en attente" in status


def _final_hops(cluster: Cluster, session_id: str, expected: int = 3) -> list[bool]:
    """The ``repeat`` flag of each final hop the servers recorded for a session (their hop logs write within
    about a second, in the background), sorted."""
    hops = t.ussd_hops
    deadline = time.monotonic() + 15
    while cluster.count(hops, hops.c.session_id == session_id, hops.c.final.is_(True)) < expected:
        assert time.monotonic() < deadline, "the servers did not record the final hops"
        time.sleep(0.2)
    engine = make_engine(cluster.database_url)
    try:
        with engine.connect() as connection:
            return sorted(bool(row.repeat) for row in connection.execute(
                sa.select(hops.c.repeat).where(hops.c.session_id == session_id, hops.c.final.is_(True))))
    finally:
        engine.dispose()


def _bank(server: Server) -> Any:
    """The bank's signed client on one server, at the real time."""
    return SignedClient(server, WallClock())  # type: ignore[arg-type]  # duck-typed: FlaskClient's get/post


def test_a_bank_notification_posted_to_both_servers_at_once_credits_once(cluster: Cluster) -> None:
    phone = UssdPhone(Alternating(cluster.a, cluster.b), EMPLOYER_PHONE,  # type: ignore[arg-type]
                      path=f"/gateway/at/ussd?key={CALLBACK_KEY}")
    phone.dial()
    final = phone.walk("1234", "1", "1", "1")
    assert phone.ended
    code = REFERENCE.search(final).group(1).replace(" ", "")  # type: ignore[union-attr]
    looked_up = _bank(cluster.b).get(f"/api/bank/v1/references/{code}")
    assert looked_up.status_code == 200 and looked_up.json["status"] == "pending"
    notice = {"reference": code, "amount": looked_up.json["amount"], "currency": "XOF", "transaction_id": "IBB-2SRV",
              "paid_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "account_label": "Compte courant"}
    payments_before = cluster.count(t.payments)

    def notify(server: Server) -> Callable[[], Any]:
        return lambda: _bank(server).post("/api/bank/v1/payments", notice)

    on_a, on_b = _at_once(notify(cluster.a), notify(cluster.b))
    assert sorted([on_a.status_code, on_b.status_code]) == [200, 201], "one credits, the other is told it is done"
    assert on_a.json == on_b.json and on_a.json["status"] == "accepted"
    assert cluster.count(t.payments) == payments_before + 1
    assert cluster.count(t.payments, t.payments.c.reference == code) == 1
    assert cluster.count(t.ledger_entries, t.ledger_entries.c.reference == code) == 1
    assert cluster.count(t.outbound_messages, t.outbound_messages.c.purpose == "payment_receipt") == 3
    paid = _bank(cluster.a).get(f"/api/bank/v1/references/{code}")
    assert paid.json["status"] == "paid"
