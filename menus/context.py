"""What a screen sees during one hop: state, caller, backend, texts, and the hop's deadline."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind
from core.services.credentials import CredentialStatus
from menus import texts
from menus.backend import LOOKUPS, ScreenBackend
from menus.session_views import SessionViews
from menus.state import SessionState

R = TypeVar("R")


class Scratch(Protocol):
    """Short-lived values with a TTL (activation codes), from the session store."""

    def put_value(self, name: str, value: str, ttl: int) -> None: ...
    def get_value(self, name: str) -> str | None: ...
    def delete_value(self, name: str) -> None: ...

# What to text once a slow call completes (None: nothing more, e.g. it queued its own SMS).
LateSms = Callable[[Any], tuple[str, Mapping[str, Any]] | None]


class DeadlineExceeded(Exception):
    """A backend call outlived the hop's deadline; it goes on, and its result leaves by SMS.

    ``late`` None: a lookup for a screen, with nothing worth texting; the caller is told to try again.
    """

    def __init__(self, future: Future[Any], late: LateSms | None, *, lookup: bool = False) -> None:
        super().__init__("hop deadline exceeded")
        self.future = future
        self.late = late
        self.lookup = lookup  # a read for a screen: nothing to text, the caller is asked to try again


@dataclass
class Ctx:
    """The per-hop context handed to loaders, parsers and actions."""

    state: SessionState
    msisdn: Msisdn
    backend: ScreenBackend
    executor: ThreadPoolExecutor
    deadline: float
    scratch: Scratch
    checkpoint: SessionState | None = None  # this phone's dropped form, as read with the session
    caller: str | None = None  # this phone's accounts as cached by the session store (JSON), if any
    caller_found: str | None = None  # the accounts looked up during this hop, for the store to cache
    caller_status: CredentialStatus | None = None  # the PIN state of the only account, read with it this hop
    views: SessionViews | None = None  # lookups shown more than once in this session, computed once

    @property
    def data(self) -> dict[str, Any]:
        """The session's form data."""
        return self.state.data

    @property
    def language(self) -> str:
        """The caller's language."""
        return self.state.language

    @property
    def holder_kind(self) -> HolderKind:
        """Kind of the authenticated account."""
        if self.state.holder_kind is None:
            raise RuntimeError("no account chosen")
        return HolderKind(self.state.holder_kind)

    @property
    def holder_number(self) -> str:
        """Number of the authenticated account."""
        if self.state.holder_number is None:
            raise RuntimeError("no account chosen")
        return self.state.holder_number

    def local(self, instant: datetime) -> datetime:
        """An instant in the business timezone, for display."""
        return self.backend.clock.local(instant)

    def say(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        """A catalogue text in the caller's language."""
        return texts.render(key, self.language, values)

    def call(self, fn: Callable[..., R], *args: Any, late: LateSms | None = None, **kwargs: Any) -> R:
        """Run a backend call within what is left of the hop's deadline.

        On time, its result; too slow, ``DeadlineExceeded``: a lookup (``backend.LOOKUPS``)
        ends the session asking the caller to try again; any other call ends it saying an
        SMS follows, ``late(result)`` (or a "request done" text) being sent when it completes.
        Screens that call nothing never touch the pool.
        """
        lookup = getattr(fn, "__name__", "") in LOOKUPS
        future = self.executor.submit(fn, *args, **kwargs)
        if not lookup and self.views is not None:  # the session changes something: its views are stale
            views, session = self.views, self._session_key
            views.forget(session)
            future.add_done_callback(lambda _done: views.forget(session))  # and again once the change is made
        try:
            return future.result(timeout=max(0.0, self.deadline - time.monotonic()))
        except FutureTimeout as exc:
            raise DeadlineExceeded(future, late, lookup=late is None and lookup) from exc

    def view(self, fn: Callable[..., R], *args: Any) -> R:
        """A lookup this session shows more than once (the account summary), made once per session.

        Forgotten as soon as the session calls anything that is not a lookup (``menus.session_views``).
        """
        if self.views is None:
            return self.call(fn, *args)
        key = (getattr(fn, "__name__", None) or id(fn), args)
        return self.views.get_or_compute(self._session_key, key, lambda: self.call(fn, *args))

    @property
    def _session_key(self) -> tuple[str, str]:
        return self.state.msisdn, self.state.session_id

    def sms(self, key: str, values: Mapping[str, Any] | None = None, *, purpose: str, essential: bool = False,
            idempotency_key: str | None = None) -> None:
        """Text the caller a catalogue message in their language."""
        self.backend.sms.send(self.msisdn, self.say(key, values), purpose=purpose, essential=essential,
                              idempotency_key=idempotency_key)
