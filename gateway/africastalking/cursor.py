"""Opaque USSD cursors: where a session stands without keeping what was typed (AT's text carries the PIN)."""
from __future__ import annotations

import hmac
from typing import Final

SEPARATOR: Final = "*"  # AT joins every input of a session with the same key the subscriber can type
DIGEST_CHARS: Final = 16


def cursor_of(text: str, key: bytes) -> str:
    """``<length>:<keyed digest>`` of AT's cumulative text: equal texts give equal cursors, the text stays unknown."""
    return f"{len(text)}:{_digest(text, key)}"


def _digest(text: str, key: bytes) -> str:
    data = text.encode("utf-8", "surrogatepass")
    return hmac.digest(key, data, "sha256").hex()[:DIGEST_CHARS]  # one-shot: the C path, no HMAC object


def _prefix_length(cursor: str, text: str, key: bytes) -> int | None:
    """The length recorded in ``cursor`` if ``text`` starts with the text it was made of; else None."""
    length, _, digest = cursor.partition(":")
    if not length.isascii() or not length.isdigit() or len(length) > 6 or int(length) > len(text):
        return None
    size = int(length)
    return size if hmac.compare_digest(_digest(text[:size], key), digest) else None


def inputs_since(previous: str | None, text: str, key: bytes) -> tuple[str, ...]:
    """What the subscriber typed since the hop whose cursor was ``previous`` (None: new session)."""
    if previous is None:
        # A chained dial (*909*1*2#) starts the session with "1*2": several answers at once.
        return tuple(text.split(SEPARATOR)) if text else ()
    size = _prefix_length(previous, text, key)
    if size == len(text):
        return ()  # duplicate hop
    if size == 0:
        return (text,)  # first answer, kept whole: the subscriber may have typed a '*'
    if size is not None and text[size] == SEPARATOR:
        return (text[size + 1:],)  # may contain '*', may be "" (empty reply)
    # The text does not extend the previous one: a resent, non-cumulative (Airtel-style) or
    # truncated text, or a cursor from before this format. No delta exists, so take the last token,
    # which is what such providers mean by "the latest input"; a '*' typed inside it is lost.
    return (text.rsplit(SEPARATOR, 1)[-1],)
