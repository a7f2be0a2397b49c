"""Typed secrets kept for a few minutes (activation codes, a new PIN awaiting confirmation) are sealed with the server key."""
from __future__ import annotations

from core.domain.pins import seal, sealed_matches

KEY, OTHER_KEY = b"server-side-key-0123456789", b"a-thief-guessing-the-key"


def test_a_sealed_pin_matches_only_itself_under_the_server_key() -> None:
    sealed = seal(KEY, "5831")
    assert "5831" not in sealed
    assert sealed_matches(KEY, sealed, "5831") and not sealed_matches(KEY, sealed, "5830")


def test_whoever_reads_the_session_store_without_the_key_cannot_search_the_pins() -> None:
    sealed = seal(KEY, "5831")
    assert [pin for pin in (f"{n:04d}" for n in range(10_000)) if sealed_matches(OTHER_KEY, sealed, pin)] == []
    assert [pin for pin in (f"{n:04d}" for n in range(10_000)) if sealed_matches(KEY, sealed, pin)] == ["5831"]


def test_the_same_pin_sealed_twice_looks_different() -> None:
    assert seal(KEY, "5831") != seal(KEY, "5831")


def test_garbage_never_matches() -> None:
    assert not sealed_matches(KEY, "", "5831") and not sealed_matches(KEY, "no-dollar", "5831")
