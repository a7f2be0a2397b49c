"""Request, activity-history, PIN-credential and USSD session-report repositories."""
from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.driver_calls import HotRead
from core.adapters.sqlalchemy.errors import duplicates_as_domain
from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.msisdn import Msisdn
from core.domain.operations import UssdSessionReport
from core.domain.parties import HolderKind
from core.domain.pins import Credential
from core.domain.requests import RequestStatus, ServiceRequest, kind_named


class SqlAlchemyRequestRepository:
    """Requests of every kind by tracking number, with their details, note and asking phone."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @duplicates_as_domain
    def add(self, request: ServiceRequest) -> None:
        """Insert a request (a duplicate tracking number violates the primary key)."""
        category = request.details.get("category") if request.kind.value == "claim" else None
        self._connection.execute(sa.insert(t.service_requests).values(
            tracking_number=request.tracking_number, kind=request.kind.value,
            holder_kind=request.holder_kind.value, holder_number=request.holder_number,
            status=request.status.value, category=category if isinstance(category, str) else None,
            channel=request.channel, created_at=request.created_at, updated_at=request.updated_at,
            details=dict(request.details), note=request.note,
            msisdn=request.msisdn.e164 if request.msisdn else None))

    def update(self, request: ServiceRequest) -> None:
        """Persist a status change and its note."""
        self._connection.execute(sa.update(t.service_requests).where(
            t.service_requests.c.tracking_number == request.tracking_number).values(
            status=request.status.value, updated_at=request.updated_at, note=request.note, details=request.details))

    def get(self, tracking_number: str) -> ServiceRequest | None:
        """The request with this tracking number, or None."""
        row = self._connection.execute(sa.select(t.service_requests).where(
            t.service_requests.c.tracking_number == tracking_number)).first()
        return self._request(row) if row else None

    def list_for(self, holder_kind: HolderKind, holder_number: str, limit: int) -> list[ServiceRequest]:
        """A holder's latest requests, newest first."""
        rows = self._connection.execute(sa.select(t.service_requests).where(
            t.service_requests.c.holder_kind == holder_kind.value,
            t.service_requests.c.holder_number == holder_number,
        ).order_by(t.service_requests.c.created_at.desc()).limit(limit))
        return [self._request(row) for row in rows]

    def open_of_kind(self, kind: str) -> list[ServiceRequest]:
        """Requests of one kind not yet decided (received, in progress, documents missing), oldest first."""
        undecided = (RequestStatus.RECEIVED.value, RequestStatus.IN_PROGRESS.value,
                     RequestStatus.DOCUMENTS_MISSING.value)
        rows = self._connection.execute(sa.select(t.service_requests).where(
            t.service_requests.c.kind == kind, t.service_requests.c.status.in_(undecided),
        ).order_by(t.service_requests.c.created_at, t.service_requests.c.tracking_number))
        return [self._request(row) for row in rows]

    @staticmethod
    def _request(row: sa.Row[tuple[object, ...]]) -> ServiceRequest:
        m = row._mapping
        details = dict(m["details"] or {})
        if m["category"] and "category" not in details:
            details["category"] = m["category"]  # a claim filed before requests became data
        return ServiceRequest(
            m["tracking_number"], kind_named(m["kind"]), HolderKind(m["holder_kind"]), m["holder_number"],
            RequestStatus(m["status"]), m["created_at"], m["updated_at"], m["channel"], details, m["note"],
            Msisdn(m["msisdn"]) if m["msisdn"] else None)


class SqlAlchemyActivityRepository:
    """Append-only activity history."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def append(self, entry: ActivityEntry) -> None:
        """Record one event."""
        self._connection.execute(sa.insert(t.activity).values(
            holder_kind=entry.holder_kind.value, holder_number=entry.holder_number, kind=entry.kind.value,
            occurred_at=entry.occurred_at, details=dict(entry.details)))

    def list_for(self, holder_kind: HolderKind, holder_number: str, limit: int) -> list[ActivityEntry]:
        """Latest events of a holder, newest first."""
        rows = self._connection.execute(sa.select(t.activity).where(
            t.activity.c.holder_kind == holder_kind.value, t.activity.c.holder_number == holder_number,
        ).order_by(t.activity.c.occurred_at.desc(), t.activity.c.id.desc()).limit(limit))
        return [ActivityEntry(HolderKind(r.holder_kind), r.holder_number, ActivityKind(r.kind), r.occurred_at,
                              dict(r.details), r.id) for r in rows]


# Built once (read on every USSD login).
_CREDENTIAL_OF: Final = sa.select(t.credentials).where(
    t.credentials.c.holder_kind == sa.bindparam("kind"), t.credentials.c.holder_number == sa.bindparam("number"))
_CREDENTIAL: Final = HotRead(_CREDENTIAL_OF)
_CREDENTIAL_FOR_UPDATE: Final = HotRead(_CREDENTIAL_OF.with_for_update())


class SqlAlchemyCredentialRepository:
    """PIN credentials, one per account holder."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, holder_kind: HolderKind, holder_number: str, *, for_update: bool = False) -> Credential | None:
        """The holder's credential, or None before the PIN is set; ``for_update`` locks it."""
        query = _CREDENTIAL_FOR_UPDATE if for_update else _CREDENTIAL
        found = query.rows(self._connection, {"kind": holder_kind.value, "number": holder_number})
        if not found:
            return None
        row = found[0]
        return Credential(HolderKind(row.holder_kind), row.holder_number, row.pin_hash, row.failed_attempts,
                          row.locked_until, row.lockouts)

    def save(self, credential: Credential) -> None:
        """Insert or replace the holder's credential."""
        key = (t.credentials.c.holder_kind == credential.holder_kind.value) & (
            t.credentials.c.holder_number == credential.holder_number)
        values = {"pin_hash": credential.pin_hash, "failed_attempts": credential.failed_attempts,
                  "locked_until": credential.locked_until, "lockouts": credential.lockouts}
        updated = self._connection.execute(sa.update(t.credentials).where(key).values(**values))
        if updated.rowcount == 0:
            self._connection.execute(sa.insert(t.credentials).values(
                holder_kind=credential.holder_kind.value, holder_number=credential.holder_number, **values))


class SqlAlchemyUssdReportRepository:
    """End-of-session reports, stored as received."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, report: UssdSessionReport) -> None:
        """Store one report."""
        self._connection.execute(sa.insert(t.ussd_session_events).values(
            provider=report.provider, session_id=report.session_id, status=report.status,
            received_at=report.received_at, msisdn=report.msisdn, service_code=report.service_code,
            network_code=report.network_code, ended_at=report.ended_at, duration_ms=report.duration_ms,
            hops_count=report.hops_count, hops_metadata=report.hops_metadata, inputs_count=report.inputs_count,
            last_app_response=report.last_app_response, error_message=report.error_message, cost=report.cost))

    def for_session(self, provider: str, session_id: str) -> list[UssdSessionReport]:
        """Reports of one session, oldest first."""
        rows = self._connection.execute(sa.select(t.ussd_session_events).where(
            t.ussd_session_events.c.provider == provider, t.ussd_session_events.c.session_id == session_id
        ).order_by(t.ussd_session_events.c.id))
        return [UssdSessionReport(**{k: v for k, v in row._mapping.items() if k != "id"}) for row in rows]
