"""Whether what a caller typed shows up in stored or logged text, without false alarms from random ids."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any


def shows_typed(secret: str, text: str) -> bool:
    """True when ``secret`` appears as a token of its own, not inside a longer run of letters and digits.

    Typed input is kept whole ("1234") or joined by ``*`` ("1234*2"); a hex id, a timestamp or a duration
    contains the same four digits by chance (a test that looked for the bare substring failed 1 run in ~1,000).
    """
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", text) is not None


def redis_texts(client: Any) -> Iterator[tuple[str, str]]:
    """(key, text) of everything a Redis database holds: strings, hash fields and values, set and list members."""
    for raw_key in client.scan_iter():
        key = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
        kind = client.type(raw_key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "string":
            parts = [client.get(raw_key)]
        elif kind == "hash":
            parts = [item for pair in client.hgetall(raw_key).items() for item in pair]
        elif kind == "zset":
            parts = client.zrange(raw_key, 0, -1)
        elif kind == "set":
            parts = list(client.smembers(raw_key))
        elif kind == "list":
            parts = client.lrange(raw_key, 0, -1)
        else:
            raise AssertionError(f"{key}: a Redis {kind} this reader does not know")
        yield key, " ".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in parts if p)
