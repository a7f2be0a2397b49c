"""Abuse limits per phone: activation SMS, new USSD sessions, keyword replies (sliding windows with a TTL)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.domain.msisdn import Msisdn

logger = logging.getLogger(__name__)


class LimiterUnavailableError(Exception):
    """The limiter's storage did not answer; the caller's policy decides (fail open or closed)."""


class RateLimiter(Protocol):
    """Sliding-window event counters, one per key, each key with a TTL of its window.

    Key layout (Redis): ``cnss:limit:<limit name>:<subject>``.
    """

    def admit(self, key: str, limit: int, window: float) -> bool:
        """Record one event under ``key`` and return True if fewer than ``limit`` were admitted in the
        last ``window`` seconds; otherwise record nothing and return False. One round trip, atomic.

        Raises ``LimiterUnavailableError`` when the storage cannot be reached.
        """
        ...


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` events per ``window`` seconds for one subject (``count`` or ``window`` <= 0: unlimited).

    ``fail_open``: what happens when the limiter is unavailable (admit, or refuse).
    """

    name: str
    count: int
    window: float
    fail_open: bool


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """The configurable limits (defaults: the documented ones)."""

    activation_sms_per_day: int = 3
    activation_sms_gap: float = 120.0  # seconds between two activation SMS to one phone
    sessions_per_minute: int = 6
    keyword_replies_per_hour: int = 5


class AbuseLimits:
    """The gateway's limits, and what each does when the limiter is down.

    - Activation SMS: at most ``activation_sms_per_day`` per phone per 24 h and one per
      ``activation_sms_gap`` s; fails closed (no code is texted while the limiter is down).
    - New USSD sessions: at most ``sessions_per_minute`` per phone; fails open (the service stays up).
    - Keyword replies: at most ``keyword_replies_per_hour`` per sender; fails closed (no reply, so two
      auto-responders cannot loop on SMS credit during an outage; STOP still takes effect).
    """

    def __init__(self, limiter: RateLimiter, settings: LimitSettings = LimitSettings(),
                 on_refused: Callable[[str], None] | None = None) -> None:
        """Limits over ``limiter``; ``on_refused(limit name)`` is told of each event refused for being over its
        limit (metrics; it must return at once and never raise)."""
        self.limiter = limiter
        self.settings = settings
        self.on_refused = on_refused
        self._activation_gap = Limit("activation_gap", 1, settings.activation_sms_gap, fail_open=False)
        self._activation_day = Limit("activation_day", settings.activation_sms_per_day, 24 * 3600, fail_open=False)
        self._sessions = Limit("sessions", settings.sessions_per_minute, 60, fail_open=True)
        self._keyword_replies = Limit("keyword_replies", settings.keyword_replies_per_hour, 3600, fail_open=False)

    def admit(self, limit: Limit, phone: Msisdn) -> bool:
        """Count one event of ``phone`` under ``limit``; False when over it (logged with the phone masked)."""
        if limit.count <= 0 or limit.window <= 0:
            return True
        try:
            admitted = self.limiter.admit(f"{limit.name}:{phone.e164}", limit.count, limit.window)
        except LimiterUnavailableError:
            logger.warning("rate limiter unavailable: %s %s for msisdn=%s", limit.name,
                           "admitted" if limit.fail_open else "refused", phone.masked)
            return limit.fail_open
        if not admitted:
            logger.warning("rate limit %s reached for msisdn=%s", limit.name, phone.masked)
            self._tell_refused(limit)
        return admitted

    def _tell_refused(self, limit: Limit) -> None:
        if self.on_refused is None:
            return
        try:
            self.on_refused(limit.name)
        except Exception:  # noqa: BLE001 - counting a refusal never changes the answer
            logger.exception("rate limit observer failed")

    def activation_sms(self, phone: Msisdn) -> bool:
        """May an activation code be texted to ``phone`` now? (counts it when yes)."""
        return self.admit(self._activation_gap, phone) and self.admit(self._activation_day, phone)

    def new_session(self, phone: Msisdn) -> bool:
        """May ``phone`` start one more USSD session now?"""
        return self.admit(self._sessions, phone)

    def session_window(self) -> tuple[int, float] | None:
        """The new-session limit as (count, window seconds) for a session store that counts it itself
        (under the session lock, in the same round trip); None when unlimited."""
        limit = self._sessions
        return (limit.count, limit.window) if limit.count > 0 and limit.window > 0 else None

    def session_refused(self, phone: Msisdn) -> None:
        """A session store refused a new session of ``phone`` under ``session_window``."""
        logger.warning("rate limit %s reached for msisdn=%s", self._sessions.name, phone.masked)
        self._tell_refused(self._sessions)

    def keyword_reply(self, phone: Msisdn) -> bool:
        """May one more keyword reply be texted to ``phone`` now?"""
        return self.admit(self._keyword_replies, phone)
