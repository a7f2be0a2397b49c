"""One contract for the session stores: in memory, on the real Redis (raw and decoded replies), on a Redis Cluster."""
from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from core.domain.msisdn import Msisdn
from menus.memory_store import MemorySessionStore
from menus.redis_store import REGISTRY_BUCKETS, REGISTRY_KEY_TTL, RedisSessionStore
from menus.state import SessionState
from menus.store import STRANGER, SessionBusyError, StoreTtls
from redis.crc import key_slot
from tests.conftest import REDIS_URL
from tests.support.redis_cluster import redis_cluster

__all__ = ["redis_cluster"]

Store = MemorySessionStore | RedisSessionStore
PHONE, OTHER_PHONE = "22890112233", "22899887766"


@dataclass
class Backend:
    """Builds stores of one kind; Redis backends share a client and a per-test key prefix."""

    client: redis.Redis | redis.RedisCluster | None = None
    prefix: str = ""

    def store(self, ttls: StoreTtls = StoreTtls()) -> Store:
        return MemorySessionStore(ttls) if self.client is None else RedisSessionStore(self.client, ttls, self.prefix)

    def write_raw_session(self, store: Store, session_key: str, raw: str) -> None:
        if isinstance(store, MemorySessionStore):
            store.put_raw(f"session:{session_key}", raw, 60)
        else:
            assert self.client is not None
            self.client.set(store.hop_keys(session_key, PHONE)[1], raw, ex=60)


def _redis_backend(decode_responses: bool, cluster_url: str | None = None) -> Iterator[Backend]:
    client: redis.Redis | redis.RedisCluster = (
        redis.Redis.from_url(REDIS_URL, decode_responses=decode_responses) if cluster_url is None
        else redis.RedisCluster.from_url(cluster_url, decode_responses=decode_responses))
    try:
        client.flushdb()
    except redis.ConnectionError as exc:  # fail loudly, never skip
        raise RuntimeError(f"Redis is not reachable at {REDIS_URL}: start it or set TEST_REDIS_URL") from exc
    yield Backend(client, f"test:{uuid.uuid4().hex[:8]}:")
    client.close()


REDIS_KINDS = [pytest.param(kind, marks=pytest.mark.redis) for kind in ("redis", "redis-decoded", "redis-cluster")]


def _redis_kind(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "redis-cluster":  # 3 masters started for the run (tests/support/redis_cluster.py)
        yield from _redis_backend(False, request.getfixturevalue("redis_cluster").url)
    else:
        yield from _redis_backend(decode_responses=request.param == "redis-decoded")


@pytest.fixture(params=["memory", *REDIS_KINDS])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each store kind in turn: memory, Redis with bytes replies, Redis with str replies, a Redis Cluster."""
    if request.param == "memory":
        yield Backend()
    else:
        yield from _redis_kind(request)


@pytest.fixture(params=REDIS_KINDS)
def redis_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The real Redis only: a single server (bytes and str replies), then a Redis Cluster."""
    yield from _redis_kind(request)


def _state(session_id: str = "s1", **data: object) -> SessionState:
    return SessionState(session_id, PHONE, "menu", data=dict(data))


def _hop(store: Store, session_key: str = "at:s1", msisdn: str = PHONE, *, state: SessionState | None = None,
         checkpoint: SessionState | None = None, language: str | None = None) -> None:
    store.commit(store.acquire(session_key, msisdn, wait=1), state, checkpoint=checkpoint, language=language)


def test_a_saved_state_comes_back_intact(backend: Backend) -> None:
    store = backend.store()
    state = SessionState("s1", PHONE, "balance", language="en", history=["home", "employer"],
                         data={"employer": "1000001", "name": "Kɔfi Adétóun €", "periods": [1, 2]},
                         page=2, holder_kind="employer", authenticated=True, cursor="1*2")
    _hop(store, state=state)
    lease = store.acquire("at:s1", PHONE, wait=1)
    assert lease.state == state and lease.checkpoint is None and lease.language is None
    store.release(lease)


def test_committing_none_deletes_the_session_and_the_checkpoint(backend: Backend) -> None:
    store = backend.store()
    _hop(store, state=_state(), checkpoint=_state(step=3))
    _hop(store, state=None, checkpoint=None)
    lease = store.acquire("at:s1", PHONE, wait=1)
    assert (lease.state, lease.checkpoint) == (None, None)
    store.release(lease)


def test_checkpoint_and_language_belong_to_the_phone_number(backend: Backend) -> None:
    store = backend.store()
    _hop(store, "at:s1", PHONE, state=_state(), checkpoint=_state(step=3), language="en")
    _hop(store, "at:s2", PHONE, state=_state("s2"), checkpoint=_state(step=3), language=None)
    new_session = store.acquire("at:s3", PHONE, wait=1)
    other_phone = store.acquire("at:s4", OTHER_PHONE, wait=1)
    assert new_session.state is None and new_session.checkpoint == _state(step=3) and new_session.language == "en"
    assert (other_phone.state, other_phone.checkpoint, other_phone.language) == (None, None, None)


def test_a_second_hop_waits_for_the_lock_then_gives_up(backend: Backend) -> None:
    store = backend.store()
    first = store.acquire("at:s1", PHONE, wait=1)
    started = time.monotonic()
    with pytest.raises(SessionBusyError):
        store.acquire("at:s1", PHONE, wait=0.2)
    assert 0.2 <= time.monotonic() - started < 1.0
    store.acquire("at:s2", PHONE, wait=0)  # other sessions are not blocked
    store.commit(first, _state(), checkpoint=None, language=None)
    second = store.acquire("at:s1", PHONE, wait=0)
    assert second.state == _state()
    store.release(second)
    store.release(store.acquire("at:s1", PHONE, wait=0))


def test_a_waiting_hop_gets_the_lock_once_it_is_released(backend: Backend) -> None:
    store = backend.store()
    first = store.acquire("at:s1", PHONE, wait=1)
    waited: list[float] = []

    def wait_for_lock() -> None:
        started = time.monotonic()
        store.release(store.acquire("at:s1", PHONE, wait=2))
        waited.append(time.monotonic() - started)

    waiter = threading.Thread(target=wait_for_lock)
    waiter.start()
    time.sleep(0.1)
    store.release(first)
    waiter.join(timeout=3)
    assert len(waited) == 1 and 0.1 <= waited[0] < 1.0


def test_two_threads_incrementing_a_counter_lose_no_update(backend: Backend) -> None:
    store = backend.store()
    errors: list[BaseException] = []

    def increment() -> None:
        try:
            for _ in range(50):
                lease = store.acquire("at:counter", PHONE, wait=5)
                state = lease.state or _state("counter", n=0)
                time.sleep(0.0005)  # widen the read-modify-write window
                state.data["n"] += 1
                store.commit(lease, state, checkpoint=None, language=None)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=increment) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    lease = store.acquire("at:counter", PHONE, wait=1)
    assert errors == [] and lease.state is not None and lease.state.data["n"] == 100


def test_an_expired_lock_is_taken_over_and_the_old_holder_writes_nothing(backend: Backend) -> None:
    store = backend.store(StoreTtls(lock=0.2))
    _hop(store, state=_state(step=0))
    stale = store.acquire("at:s1", PHONE, wait=1)
    time.sleep(0.25)
    current = store.acquire("at:s1", PHONE, wait=0)
    with pytest.raises(SessionBusyError):
        store.commit(stale, _state(step=99), checkpoint=_state(step=99), language="en")
    store.release(stale)  # must not free the new holder's lock
    with pytest.raises(SessionBusyError):
        store.acquire("at:s1", PHONE, wait=0)
    assert current.state == _state(step=0)
    store.release(current)
    after = store.acquire("at:s1", PHONE, wait=0)
    assert (after.state, after.checkpoint, after.language) == (_state(step=0), None, None)


def test_sessions_checkpoints_languages_and_values_expire_after_their_ttl(backend: Backend) -> None:
    store = backend.store(StoreTtls(session=1, resume=1, language=1))
    _hop(store, state=_state(), checkpoint=_state(step=3), language="en")
    store.put_value("otp:1000001", "hash", ttl=1)
    assert store.get_value("otp:1000001") == "hash"
    time.sleep(1.2)
    lease = store.acquire("at:s1", PHONE, wait=1)
    assert (lease.state, lease.checkpoint, lease.language) == (None, None, None)
    assert store.get_value("otp:1000001") is None


def test_a_value_can_be_read_and_deleted_before_it_expires(backend: Backend) -> None:
    store = backend.store()
    store.put_value("otp:1000001", "hash-é", ttl=60)
    assert store.get_value("otp:1000001") == "hash-é" and store.get_value("otp:other") is None
    store.delete_value("otp:1000001")
    assert store.get_value("otp:1000001") is None
    with pytest.raises(ValueError):
        store.put_value("forever", "x", ttl=0)


def test_a_corrupt_session_record_counts_as_no_session(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    store = backend.store()
    for raw in ('{"not json', '{"unexpected": 1}', "[1, 2]"):
        backend.write_raw_session(store, "at:s1", raw)
        with caplog.at_level(logging.WARNING):
            lease = store.acquire("at:s1", PHONE, wait=1)
        assert lease.state is None and "corrupt session" in caplog.text and "unexpected" not in caplog.text
        store.commit(lease, _state(), checkpoint=None, language=None)
    lease = store.acquire("at:s1", PHONE, wait=1)
    assert lease.state == _state()


def test_an_uncontended_hop_costs_two_round_trips(backend: Backend) -> None:
    store = backend.store()
    lease = store.acquire("at:s1", PHONE, wait=1)
    store.commit(lease, _state(), checkpoint=_state(step=1), language="fr")
    assert store.round_trips == 2


def test_every_redis_key_carries_its_configured_ttl(redis_backend: Backend) -> None:
    client, prefix = redis_backend.client, redis_backend.prefix
    assert client is not None
    ttls = StoreTtls(session=180, lock=2.5, resume=900, language=86_400)
    store = redis_backend.store(ttls)
    _hop(store, state=_state(), checkpoint=_state(step=1), language="fr")
    store.put_value("otp:1000001", "hash", ttl=120)
    held = store.acquire("at:held", PHONE, wait=1)
    keys = list(client.scan_iter(match=prefix + "*"))
    assert len(keys) == 5 and all(client.pttl(key) > 0 for key in keys)
    lock, session, resume, lang, _caller = store.hop_keys("at:s1", PHONE)
    for key, ttl in ((session, ttls.session), (resume, ttls.resume), (lang, ttls.language),
                     (prefix + "value:otp:1000001", 120)):
        assert ttl - 2 <= client.ttl(key) <= ttl
    held_lock = store.hop_keys("at:held", PHONE)[0]
    assert 2000 <= client.pttl(held_lock) <= 2500
    store.release(held)
    assert client.exists(held_lock) == 0


def test_every_key_in_memory_has_a_ttl() -> None:
    store = MemorySessionStore()
    _hop(store, state=_state(), checkpoint=_state(step=1), language="fr")
    store.put_value("otp:1000001", "hash", ttl=300)
    store.acquire("at:held", PHONE, wait=1)
    keys = store.keys_with_ttl()
    assert sorted(keys) == ["lang:" + PHONE, "lock:at:held", "resume:" + PHONE, "session:at:s1", "value:otp:1000001"]
    assert all(ttl > 0 for ttl in keys.values())


def test_expired_keys_in_memory_are_swept_on_later_writes() -> None:
    now = [1000.0]
    store = MemorySessionStore(StoreTtls(session=60), clock=lambda: now[0])
    for n in range(100):
        _hop(store, f"at:s{n}", state=_state(f"s{n}"))
    now[0] += 120
    store.put_value("otp:1000001", "hash", ttl=300)
    assert list(store.keys_with_ttl()) == ["value:otp:1000001"]
    assert len(store._data) == 1  # noqa: SLF001 - the point is what is still held in memory


def test_only_the_redis_adapters_import_redis_in_menus() -> None:
    menus = Path(__file__).resolve().parents[2] / "menus"
    pattern = re.compile(r"^\s*(import|from)\s+redis\b", re.MULTILINE)
    importers = sorted(path.name for path in menus.rglob("*.py") if pattern.search(path.read_text("utf-8")))
    assert importers == ["redis_limits.py", "redis_store.py"]


def test_the_cached_accounts_of_a_phone_come_back_with_the_lock_and_are_forgotten_on_change(
        backend: Backend) -> None:
    store = backend.store(StoreTtls(caller=60))
    first = store.acquire("at:s1", PHONE, wait=1)
    assert first.caller is None
    store.commit(first, _state(), checkpoint=None, language=None, caller='[{"kind":"employer"}]')
    before = store.round_trips
    again = store.acquire("at:s2", PHONE, wait=1)
    assert again.caller == '[{"kind":"employer"}]' and store.round_trips == before + 1  # read with the lock
    store.commit(again, _state("s2"), checkpoint=None, language=None)  # no caller given: the entry stays
    assert store.acquire("at:s3", OTHER_PHONE, wait=1).caller is None  # belongs to the phone
    assert store.acquire("at:s4", PHONE, wait=1).caller == '[{"kind":"employer"}]'
    store.phone_changed(Msisdn(PHONE))
    assert store.acquire("at:s5", PHONE, wait=1).caller is None


def test_the_caller_cache_expires_after_its_ttl_and_zero_turns_it_off(backend: Backend) -> None:
    store = backend.store(StoreTtls(caller=1))
    _hop_caller(store, "at:s1")
    assert store.acquire("at:s2", PHONE, wait=1).caller == "[]"
    time.sleep(1.2)
    assert store.acquire("at:s3", PHONE, wait=1).caller is None
    off = backend.store(StoreTtls(caller=0))
    _hop_caller(off, "at:s4")
    assert off.acquire("at:s5", PHONE, wait=1).caller is None


def test_the_cached_caller_key_carries_its_ttl_in_redis(redis_backend: Backend) -> None:
    client = redis_backend.client
    assert client is not None
    store = redis_backend.store(StoreTtls(caller=45))
    _hop_caller(store, "at:s1")
    assert 43 <= client.ttl(store.hop_keys("at:s1", PHONE)[4]) <= 45


def test_a_new_session_beyond_the_limit_is_refused_in_the_same_call(backend: Backend) -> None:
    now = [1_000.0]
    store = backend.store()
    store._wall_clock = lambda: now[0]
    limit = (2, 60.0)
    for n in range(2):
        _hop(store, f"at:n{n}", state=_state(f"n{n}"))  # without a limit: not counted
        lease = store.acquire(f"at:m{n}", PHONE, wait=1, session_limit=limit)
        assert not lease.limited
        store.commit(lease, _state(f"m{n}"), checkpoint=None, language="en" if n else None)
    refused = store.acquire("at:m2", PHONE, wait=1, session_limit=limit)
    assert refused.limited and refused.state is None and refused.language == "en"
    store.release(refused)  # harmless: the lock is not held
    going_on = store.acquire("at:m1", PHONE, wait=1, session_limit=limit)
    assert not going_on.limited and going_on.state is not None, "a session already open goes on"
    store.release(going_on)
    assert not store.acquire("at:o1", OTHER_PHONE, wait=1, session_limit=limit).limited, "another phone is not"
    again = store.acquire("at:m2", PHONE, wait=1, session_limit=limit)
    assert again.limited, "a refused session does not free a place"
    now[0] += 61
    assert not store.acquire("at:m2", PHONE, wait=1, session_limit=limit).limited, "the window slides"


def test_the_registry_tells_strangers_without_a_lookup_while_fresh(redis_backend: Backend) -> None:
    client = redis_backend.client
    assert client is not None
    store = redis_backend.store()
    assert store.acquire("at:a", OTHER_PHONE, wait=1).registry_stale, "nothing written yet: stale, look it up"
    assert store.refresh_registry([PHONE], fresh_for=60, read_started=time.time()) == 1
    stranger = store.acquire("at:b", OTHER_PHONE, wait=1)
    assert stranger.caller == STRANGER and not stranger.registry_stale
    registered = store.acquire("at:c", PHONE, wait=1)
    assert registered.caller is None and not registered.registry_stale, "a registered phone is looked up"
    store.phone_changed(Msisdn(OTHER_PHONE))  # registered by the gateway itself: known at once
    assert store.acquire("at:d", OTHER_PHONE, wait=1).caller is None
    store.refresh_registry([], fresh_for=60, read_started=time.time() - 61)  # a refresh read too long ago
    assert store.acquire("at:e", "22870000000", wait=1).registry_stale
    assert store.acquire("at:f", PHONE, wait=1).caller is None, "refreshes only add phones"
    buckets = list(client.scan_iter(match=redis_backend.prefix + "*registry"))
    assert len(buckets) == REGISTRY_BUCKETS and all(0 < client.ttl(key) <= REGISTRY_KEY_TTL for key in buckets)


def test_one_process_at_a_time_refreshes_the_registry(redis_backend: Backend) -> None:
    first, second = redis_backend.store(), redis_backend.store()
    assert first.claim_registry_refresh(30) and not second.claim_registry_refresh(30)
    first.end_registry_refresh()
    assert second.claim_registry_refresh(30)


def test_every_script_touches_keys_of_one_cluster_slot(redis_backend: Backend) -> None:
    store = redis_backend.store()
    for n in range(2_000):
        phone = f"2289{n:07d}"
        keys = [*store.hop_keys(f"at:session-{n}", phone), store._registry_key(phone), store._session_limit_key(phone)]
        assert len({key_slot(key.encode()) for key in keys}) == 1, keys


def _hop_caller(store: Store, session_key: str) -> None:
    store.commit(store.acquire(session_key, PHONE, wait=1), _state(), checkpoint=None, language=None, caller="[]")
