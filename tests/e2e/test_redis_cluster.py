"""The gateway on a real 3-master Redis Cluster (``REDIS_CLUSTER=true``) and PostgreSQL: a payment journey, the
session limit, the phone registry, readiness, and every phone's keys landing on the master of its hash tag."""
from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app import create_app
from config import ConfigError
from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.pins import PinHasher
from core.services.demo import seed_demo
from gateway.runtime import Runtime
from menus.redis_store import REGISTRY_BUCKETS, phone_tag
from tests.conftest import _truncate
from tests.e2e.conftest import EMPLOYER_PHONE, STRANGER_PHONE, Gateway, QueuedSms
from tests.support.clock import SettableClock
from tests.support.redis_cluster import RedisClusterServers, redis_cluster
from tests.support.spies import calls_to

__all__ = ["redis_cluster"]
pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REFERENCE = re.compile(r"(\d{4} \d{4} \d{4})")
CLOSED_PORT_DB = "postgresql://postgres@127.0.0.1:1/none"


@pytest.fixture
def cluster_gateway(redis_cluster: RedisClusterServers, postgres_url: str) -> Iterator[Gateway]:
    """The gateway with the demo data on PostgreSQL, its sessions, limits and registry on the cluster."""
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    app = create_app({"TESTING": True, "CLOCK": clock, "DATABASE_URL": postgres_url, "REDIS_URL": redis_cluster.url,
                      "REDIS_CLUSTER": "true",
                      "PIN_HASHER": PinHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))})
    rt: Runtime = app.extensions["cnss"]
    client: Any = rt.ussd.store.client  # type: ignore[attr-defined]
    client.flushdb()  # on a cluster: every master
    _truncate(rt.engine)
    seed_demo(uow_factory=rt.uow_factory, clock=clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)
    yield Gateway(app, app.test_client(), clock, QueuedSms(rt), rt, client)
    if rt.ussd.registry is not None:
        rt.ussd.registry.close()
    rt.engine.dispose()
    client.close()


def test_the_demo_employer_logs_in_and_gets_a_payment_reference(cluster_gateway: Gateway) -> None:
    phone = cluster_gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    assert phone.hop_label == "auth.pin"
    phone.send("1234")
    assert phone.hop_label == "employer.home" and "BOULANGERIE DU PORT SARL" in phone.screen
    assert "Impayé: 93 437 FCFA" in phone.send("1")
    phone.send("1")
    final = phone.send("1")
    assert phone.ended and "Montant: 93 437 FCFA" in final
    shown = REFERENCE.search(final).group(1)  # type: ignore[union-attr]
    (row,) = cluster_gateway.rows(t.payment_references, t.payment_references.c.channel == "ussd")
    assert row.code == shown.replace(" ", "") and row.amount == 93_437
    (sms,) = cluster_gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert shown in sms
    again = cluster_gateway.phone(EMPLOYER_PHONE)
    again.dial()
    again.send("1234")
    again.send("3")
    assert "Statut: en attente" in again.send(shown.replace(" ", "")), "the reference is followed in a new session"


def test_the_keys_of_each_phone_live_on_the_master_of_its_tag_and_phones_spread_over_all(
        cluster_gateway: Gateway, redis_cluster: RedisClusterServers) -> None:
    phones = [f"+228960000{n:02d}" for n in range(30)]
    for msisdn in phones:
        assert cluster_gateway.dial(msisdn) == "public.home"
    sessions = redis_cluster.keys_per_master("cnss:ussd:*:session:*")
    assert sum(sessions.values()) == 30 and all(count > 0 for count in sessions.values()), sessions
    client = cluster_gateway.redis
    assert client is not None
    for msisdn in phones:
        owner = client.get_node_from_key(f"cnss:ussd:{phone_tag(msisdn)}:x").port  # type: ignore[union-attr]
        node = redis_cluster.node(owner)
        try:  # the open session and its limit window: both on the master owning the phone's tag
            assert list(node.scan_iter(match=f"cnss:ussd:{phone_tag(msisdn)}:session:*")) != []
            assert node.exists(f"cnss:ussd:{phone_tag(msisdn)}:sessions:{msisdn}") == 1
        finally:
            node.close()


def test_the_seventh_session_in_a_minute_is_refused(cluster_gateway: Gateway) -> None:
    first = cluster_gateway.phone(STRANGER_PHONE)
    first.dial()
    for _ in range(5):
        assert cluster_gateway.dial(STRANGER_PHONE) == "public.home"
    extra = cluster_gateway.phone(STRANGER_PHONE)
    extra.dial()
    assert extra.ended and extra.hop_label == "session.too_many" and extra.screen.startswith("Trop de sessions")
    assert not first.send("1").startswith("Trop"), "a session already open goes on"
    assert cluster_gateway.dial(EMPLOYER_PHONE) == "auth.pin", "another phone is not limited"
    cluster_gateway.clock.advance(seconds=61)
    assert cluster_gateway.dial(STRANGER_PHONE) == "public.home"


def test_the_registry_is_refreshed_over_every_master_and_tells_a_stranger_without_a_lookup(
        cluster_gateway: Gateway, redis_cluster: RedisClusterServers, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = calls_to(monkeypatch, cluster_gateway.rt.ussd.backend, "caller", lambda msisdn: msisdn.e164)
    assert cluster_gateway.dial("+22896100001") == "public.home"  # the registry is stale: looked up, refreshed
    deadline = time.monotonic() + 10
    while sum(redis_cluster.keys_per_master("cnss:ussd:*:registry").values()) < REGISTRY_BUCKETS:
        assert time.monotonic() < deadline, "the registry was not refreshed"
        time.sleep(0.05)
    client = cluster_gateway.redis
    assert client is not None
    assert client.hexists(f"cnss:ussd:{phone_tag(EMPLOYER_PHONE)}:registry", EMPLOYER_PHONE)
    buckets = redis_cluster.keys_per_master("cnss:ussd:*:registry")
    assert all(count > REGISTRY_BUCKETS // 4 for count in buckets.values()), buckets
    while client.exists("cnss:ussd:registry-refresh"):  # the claim goes once the last bucket is written
        assert time.monotonic() < deadline
        time.sleep(0.05)
    statements: list[str] = []

    def record(*args: Any) -> None:
        if "ussd_hops" not in args[2]:  # the hop log writes from its own thread, off the hop path
            statements.append(args[2])

    sa.event.listen(cluster_gateway.rt.engine, "before_cursor_execute", record)
    try:
        assert cluster_gateway.dial("+22896100002") == "public.home"
    finally:
        sa.event.remove(cluster_gateway.rt.engine, "before_cursor_execute", record)
    assert statements == [] and lookups == ["+22896100001"], "a stranger told by the cluster alone"
    assert cluster_gateway.dial(EMPLOYER_PHONE) == "auth.pin", "a registered phone is still looked up"


def test_readiness_pings_every_master(cluster_gateway: Gateway, redis_cluster: RedisClusterServers) -> None:
    client = cluster_gateway.app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready", "checked": ["database", "migrations", "redis"]}
    frozen = redis_cluster.processes[-1]  # not the node REDIS_URL names: only a probe of every master sees it
    frozen.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        assert time.monotonic() - started < 1.5
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert response.status_code == 503 and response.json == {"status": "unavailable", "failing": ["redis"]}
    deadline = time.monotonic() + 10
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "readiness did not come back after the master was thawed"
        time.sleep(0.1)


def test_a_frozen_master_costs_only_its_own_phones_an_apology_within_two_timeouts(
        cluster_gateway: Gateway, redis_cluster: RedisClusterServers) -> None:
    client = cluster_gateway.redis
    assert client is not None
    frozen_port, frozen = redis_cluster.ports[-1], redis_cluster.processes[-1]
    phones = [f"+228961000{n:02d}" for n in range(40)]
    on_frozen = [m for m in phones if client.get_node_from_key(f"cnss:ussd:{phone_tag(m)}:x").port == frozen_port]
    elsewhere = [m for m in phones if m not in on_frozen]
    assert cluster_gateway.dial(on_frozen[0]) == "public.home"  # connected to every master before the freeze
    frozen.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        hit = cluster_gateway.phone(on_frozen[1])
        hit.dial()
        waited = time.monotonic() - started
        assert cluster_gateway.dial(elsewhere[0]) == "public.home", "phones of the other masters go on"
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert hit.ended and hit.hop_label == "common.internal_error", hit.screen
    # REDIS_TIMEOUT 1 s and one retry: 2 s; when the pool has no idle connection to that master (another thread
    # holds it) the new connection's handshake read is bounded by the same 1 s: 3 s at most.
    assert 1.0 <= waited < 3.5, f"a frozen master held the hop {waited:.1f} s (REDIS_TIMEOUT 1 s, one retry)"
    deadline = time.monotonic() + 10
    while cluster_gateway.dial(on_frozen[2]) != "public.home":
        assert time.monotonic() < deadline, "the phones of the thawed master did not come back"
        time.sleep(0.1)


def test_a_cluster_gateway_starts_with_the_cluster_down_and_says_so_when_asked() -> None:
    app = create_app({"DATABASE_URL": CLOSED_PORT_DB, "REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_CLUSTER": "true"})
    assert app.test_client().get("/healthz").status_code == 200
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and "redis" in response.json["failing"]  # type: ignore[index]


@pytest.mark.parametrize(("settings", "named"), [
    ({"REDIS_URL": "redis://127.0.0.1:7000/2", "REDIS_CLUSTER": "true"}, "REDIS_URL (a Redis Cluster has only database 0)"),
    ({"REDIS_URL": "redis://127.0.0.1:7000?db=3", "REDIS_CLUSTER": "on"}, "REDIS_URL (a Redis Cluster has only database 0)"),
    ({"REDIS_URL": "unix:///run/redis.sock", "REDIS_CLUSTER": "yes"}, "REDIS_URL (a Redis Cluster is reached over TCP"),
    ({"REDIS_CLUSTER": "1"}, "REDIS_CLUSTER (needs REDIS_URL"),
])
def test_cluster_settings_a_cluster_cannot_serve_stop_the_start(settings: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(named)):
        create_app({"DATABASE_URL": CLOSED_PORT_DB, **settings})
