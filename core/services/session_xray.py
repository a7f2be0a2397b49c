"""One USSD session seen from operations: its screens, timings, refusals and outcome, never what was typed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.hop_summaries import SessionOutcome, outcome_of, sessions
from core.domain.msisdn import mask_phone
from core.domain.operations import UssdSessionReport
from core.domain.ussd_hops import RecordedHop
from core.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class SessionXray:
    """A provider session: masked phone, hops in order, outcome, and the provider's end-of-session reports."""

    provider: str
    session_id: str
    masked_phone: str
    service_code: str
    network_code: str
    hops: list[RecordedHop]
    outcome: str
    events: list[UssdSessionReport]

    @property
    def total_ms(self) -> float:
        """Time spent answering the session's hops."""
        return sum(hop.duration_ms for hop in self.hops)

    @property
    def span(self) -> timedelta:
        """From the first hop to the last."""
        return self.hops[-1].at - self.hops[0].at


def session_xray(uow_factory: UnitOfWorkFactory, session_id: str, now: datetime, ttl: timedelta) -> list[SessionXray]:
    """The sessions bearing a provider session id (normally one; one per provider otherwise)."""
    with uow_factory() as uow:
        found = sessions(uow.hop_log.for_session(session_id))
        events = {key: uow.ussd_reports.for_session(*key) for key in found}
    return [SessionXray(provider, sid, mask_phone(hops[0].msisdn), hops[0].service_code, hops[0].network_code,
                        hops, outcome_of(hops, now, ttl), events[(provider, sid)])
            for (provider, sid), hops in sorted(found.items())]


def recent_sessions(uow_factory: UnitOfWorkFactory, now: datetime, ttl: timedelta, limit: int = 50
                    ) -> list[SessionOutcome]:
    """The ``limit`` sessions heard from last, newest first (the phone whole: mask it to show it)."""
    with uow_factory() as uow:
        hops = uow.hop_log.recent(limit)
    found = [SessionOutcome(provider, sid, session[0].msisdn, session[0].at, session[-1].at, len(session),
                            session[-1].screen, outcome_of(session, now, ttl))
             for (provider, sid), session in sessions(hops).items()]
    return sorted(found, key=lambda outcome: outcome.last_at, reverse=True)
