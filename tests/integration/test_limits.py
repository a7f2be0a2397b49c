"""One contract for the rate limiters (in memory, and on the real Redis), and what the limits do when Redis is down."""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis

from core.domain.msisdn import Msisdn
from menus.limits import AbuseLimits, LimiterUnavailableError, LimitSettings
from menus.memory_limits import MemoryRateLimiter
from menus.redis_limits import RedisRateLimiter
from tests.conftest import REDIS_URL

Limiter = MemoryRateLimiter | RedisRateLimiter
PHONE = Msisdn("+22890112233")
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Clock:
    """Seconds that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:  # fail loudly, never skip
        raise RuntimeError(f"Redis is not reachable at {REDIS_URL}: start it or set TEST_REDIS_URL") from exc
    yield client
    client.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def limiter(request: pytest.FixtureRequest, clock: Clock) -> Limiter:
    """Each limiter kind in turn, on the same hand-moved clock."""
    if request.param == "memory":
        return MemoryRateLimiter(clock)
    return RedisRateLimiter(request.getfixturevalue("client"), clock, prefix=f"test:{uuid.uuid4().hex[:8]}:")


def test_admits_up_to_the_limit_then_refuses_until_the_oldest_event_leaves_the_window(
        limiter: Limiter, clock: Clock) -> None:
    admitted = []
    for _ in range(3):
        admitted.append(limiter.admit("k", 3, 60))
        clock.now += 10
    assert admitted == [True, True, True]
    assert not limiter.admit("k", 3, 60)
    clock.now += 29  # the first event is 59 s old: still inside the window
    assert not limiter.admit("k", 3, 60)
    clock.now += 2
    assert limiter.admit("k", 3, 60)
    assert not limiter.admit("k", 3, 60), "a sliding window: only the event that aged out made room"


def test_refused_events_do_not_count_and_keys_are_independent(limiter: Limiter, clock: Clock) -> None:
    assert limiter.admit("a", 1, 120)
    for _ in range(50):
        clock.now += 1
        assert not limiter.admit("a", 1, 120)
    assert limiter.admit("b", 1, 120), "another phone has its own counter"
    clock.now += 71  # 121 s after the only admitted event: a flood of refusals did not extend the wait
    assert limiter.admit("a", 1, 120)


def test_only_the_limit_gets_through_when_many_threads_race(limiter: Limiter) -> None:
    admitted: list[bool] = []
    barrier = threading.Barrier(20)

    def hit() -> None:
        barrier.wait()
        admitted.append(limiter.admit("race", 5, 60))

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 5


def test_every_memory_key_expires_one_window_after_its_newest_event(clock: Clock) -> None:
    limiter = MemoryRateLimiter(clock)
    limiter.admit("a", 3, 60)
    clock.now += 30
    limiter.admit("a", 3, 60)
    limiter.admit("b", 3, 3600)
    assert limiter.keys_with_ttl() == {"a": 60, "b": 3600}
    clock.now += 3601
    assert limiter.keys_with_ttl() == {}


@pytest.mark.redis
def test_every_redis_key_carries_the_window_as_its_ttl(client: redis.Redis, clock: Clock) -> None:
    limiter = RedisRateLimiter(client, clock)
    limits = AbuseLimits(limiter)
    limits.new_session(PHONE)
    limits.activation_sms(PHONE)
    limits.keyword_reply(PHONE)
    ttls = {key.decode(): client.pttl(key) for key in client.scan_iter("cnss:limit:*")}
    assert set(ttls) == {f"cnss:limit:{name}:{PHONE.e164}"
                         for name in ("sessions", "activation_gap", "activation_day", "keyword_replies")}
    windows = {"sessions": 60_000, "activation_gap": 120_000, "activation_day": 86_400_000,
               "keyword_replies": 3_600_000}
    for key, ttl in ttls.items():
        assert 0 < ttl <= windows[key.split(":")[2]], key


def test_activation_sms_are_limited_per_day_and_spaced(clock: Clock) -> None:
    limits = AbuseLimits(MemoryRateLimiter(clock))
    assert limits.activation_sms(PHONE)
    clock.now += 119
    assert not limits.activation_sms(PHONE), "at most one per 2 minutes"
    clock.now += 2
    assert limits.activation_sms(PHONE)
    clock.now += 121
    assert limits.activation_sms(PHONE)
    clock.now += 121
    assert not limits.activation_sms(PHONE), "at most 3 per 24 h"
    clock.now += 24 * 3600
    assert limits.activation_sms(PHONE)


def test_zero_means_no_limit(clock: Clock) -> None:
    limits = AbuseLimits(MemoryRateLimiter(clock), LimitSettings(sessions_per_minute=0))
    assert all(limits.new_session(PHONE) for _ in range(100))


def test_a_redis_that_does_not_answer_fails_open_for_sessions_and_closed_for_sms(
        caplog: pytest.LogCaptureFixture) -> None:
    dead = redis.Redis.from_url(CLOSED_PORT, socket_connect_timeout=0.5, socket_timeout=0.5)
    with pytest.raises(LimiterUnavailableError):
        RedisRateLimiter(dead).admit("k", 1, 60)
    limits = AbuseLimits(RedisRateLimiter(dead))
    with caplog.at_level(logging.WARNING, logger="menus.limits"):
        assert limits.new_session(PHONE), "the USSD service stays up"
        assert not limits.activation_sms(PHONE), "no activation code goes out unmetered"
        assert not limits.keyword_reply(PHONE), "no keyword reply goes out unmetered"
    assert "msisdn=****2233" in caplog.text and PHONE.e164 not in caplog.text and "90112233" not in caplog.text
