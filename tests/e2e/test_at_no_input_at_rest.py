"""No typed input at rest in USSD sessions: after a login journey the session store holds neither the PIN nor AT's text."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from menus.memory_store import MemorySessionStore
from tests.e2e.conftest import Gateway

PIN, CUMULATIVE_TEXT = "1234", "1234*2"


def stored_values(gateway: Gateway) -> dict[str, str]:
    """Every key of the session store and its value as text (Redis: the whole test database)."""
    if gateway.redis is None:
        store = gateway.rt.ussd.store
        assert isinstance(store, MemorySessionStore)
        return {key: value for key, (value, _expires) in store._data.items()}
    client, values = gateway.redis, {}
    readers: dict[str, Callable[[Any], object]] = {
        "string": client.get, "hash": client.hgetall, "list": lambda key: client.lrange(key, 0, -1),
        "set": client.smembers, "zset": lambda key: client.zrange(key, 0, -1, withscores=True)}
    for key in client.scan_iter(match="*"):
        value = readers[_text(client.type(key))](key)
        values[_text(key)] = _text(value) if isinstance(value, bytes) else repr(value)
    return values


def _text(raw: object) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def test_after_a_login_journey_the_session_store_holds_no_pin_nor_typed_text(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    screen = phone.walk(PIN, "2")
    assert not phone.ended and "93 437" in screen, "logged in and reading the account"
    values = stored_values(gateway)
    sessions = [json.loads(value) for key, value in values.items() if "session:" in key]
    assert sessions and all(re.fullmatch(r"\d+:[0-9a-f]{16}", state["cursor"]) for state in sessions)
    for key, value in values.items():
        assert PIN not in key and PIN not in value, f"{key} holds the PIN"
        assert CUMULATIVE_TEXT not in value, f"{key} holds the typed text"
