"""The registry refresher: one attempt per process every few seconds, one process at a time, failures harmless."""
from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, Future
from typing import Any, Callable

import pytest

from menus import phone_registry
from menus.phone_registry import RegistryRefresher


class InlineExecutor(Executor):
    """Runs submitted work at once, so the test sees its effect."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class FakeRegistry:
    def __init__(self, fail: bool = False) -> None:
        self.claimed, self.fail, self.refreshes = False, fail, []  # type: ignore[var-annotated]

    def refresh_registry(self, phones: Iterable[str], *, fresh_for: float, read_started: float) -> int:
        if self.fail:
            raise ConnectionError("redis down")
        listed = list(phones)
        self.refreshes.append((listed, fresh_for))
        return len(listed)

    def claim_registry_refresh(self, seconds: float) -> bool:
        if self.claimed:
            return False
        self.claimed = True
        return True

    def end_registry_refresh(self) -> None:
        self.claimed = False


def test_a_stale_registry_is_refreshed_once_per_retry_period(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(phone_registry.time, "monotonic", lambda: now[0])
    registry = FakeRegistry()
    refresher = RegistryRefresher(registry, lambda: ["+22890112233"], 300, InlineExecutor())
    refresher.stale()
    refresher.stale()
    assert registry.refreshes == [(["+22890112233"], 300)] and not registry.claimed
    now[0] += phone_registry.RETRY_AFTER
    refresher.stale()
    assert len(registry.refreshes) == 2


def test_another_process_refreshing_means_this_one_does_not() -> None:
    registry = FakeRegistry()
    registry.claimed = True
    assert RegistryRefresher(registry, lambda: [], 300, InlineExecutor()).refresh() is None
    assert registry.refreshes == []


def test_a_failed_refresh_is_logged_and_gives_the_claim_back(caplog: pytest.LogCaptureFixture) -> None:
    registry = FakeRegistry(fail=True)
    assert RegistryRefresher(registry, lambda: ["+22890112233"], 300, InlineExecutor()).refresh() is None
    assert not registry.claimed and "phone registry refresh failed: ConnectionError" in caplog.text
    assert "22890112233" not in caplog.text
