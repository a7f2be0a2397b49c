"""Views a USSD session shows more than once are made once per session, forgotten when the session changes
anything, bounded and expiring."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.domain.msisdn import Msisdn
from menus.context import Ctx
from menus.session_views import SessionViews
from menus.state import SessionState

PHONE = "+22890112233"


class Account:
    """What the backend would answer: a balance that changes when a payment is recorded."""

    def __init__(self) -> None:
        self.balance, self.reads = 182_425, 0

    def account_summary(self, employer_number: str) -> int:
        self.reads += 1
        return self.balance

    def issue_reference(self, employer_number: str) -> str:  # not a lookup: the session changed something
        return "311050152686"


def _ctx(views: SessionViews, session: str, executor: ThreadPoolExecutor) -> Ctx:
    state = SessionState(session, PHONE, "account.summary", holder_kind="employer", holder_number="1000001")
    return Ctx(state, Msisdn(PHONE), backend=None,  # type: ignore[arg-type]  # view/call only
               executor=executor, deadline=time.monotonic() + 5, scratch=None,  # type: ignore[arg-type]
               views=views)


@pytest.fixture()
def executor() -> Any:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


def test_one_session_reads_its_account_once_and_another_session_reads_it_afresh(executor: ThreadPoolExecutor) -> None:
    views, account = SessionViews(), Account()
    first = _ctx(views, "ATUid_1", executor)
    assert first.view(account.account_summary, "1000001") == 182_425
    account.balance = 88_988  # a payment recorded meanwhile
    assert _ctx(views, "ATUid_1", executor).view(account.account_summary, "1000001") == 182_425, \
        "within one session the account reads alike (summary, payments, back)"
    assert _ctx(views, "ATUid_2", executor).view(account.account_summary, "1000001") == 88_988
    assert account.reads == 2


def test_a_change_made_by_the_session_makes_its_next_view_fresh(executor: ThreadPoolExecutor) -> None:
    views, account = SessionViews(), Account()
    ctx = _ctx(views, "ATUid_3", executor)
    ctx.view(account.account_summary, "1000001")
    account.balance = 88_988
    ctx.call(account.issue_reference, "1000001")
    assert ctx.view(account.account_summary, "1000001") == 88_988
    ctx.call(account.account_summary, "1000001")  # a lookup through call() forgets nothing
    assert ctx.view(account.account_summary, "1000001") == 88_988 and account.reads == 3


def test_another_account_in_the_same_session_is_its_own_view(executor: ThreadPoolExecutor) -> None:
    views, account = SessionViews(), Account()
    ctx = _ctx(views, "ATUid_4", executor)
    ctx.view(account.account_summary, "1000001")
    ctx.view(account.account_summary, "1000002")
    assert account.reads == 2


def test_a_failed_lookup_is_not_kept() -> None:
    views, calls = SessionViews(), []

    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("database slow")
        return 7

    with pytest.raises(TimeoutError):
        views.get_or_compute("s", "k", flaky)
    assert views.get_or_compute("s", "k", flaky) == 7 and len(calls) == 2


def test_views_expire_and_the_least_recent_sessions_go_first() -> None:
    now = [1000.0]
    views = SessionViews(max_sessions=2, ttl_s=60, clock=lambda: now[0])
    views.get_or_compute("a", "k", lambda: 1)
    views.get_or_compute("b", "k", lambda: 2)
    views.get_or_compute("a", "k", lambda: -1)  # "a" used again: "b" is now the least recent
    views.get_or_compute("c", "k", lambda: 3)
    assert len(views) == 2
    assert views.get_or_compute("b", "k", lambda: 20) == 20, "b was dropped"
    now[0] += 61
    assert views.get_or_compute("c", "k", lambda: 30) == 30, "c expired"
