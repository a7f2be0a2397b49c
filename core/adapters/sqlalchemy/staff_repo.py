"""Staff accounts and the staff audit trail."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from core.adapters.sqlalchemy import tables as t
from core.domain.staff import AuditEntry, DuplicateStaffError, StaffAction, StaffMember, StaffRole


def _member(row: sa.Row[tuple[object, ...]]) -> StaffMember:
    m = row._mapping
    return StaffMember(m["username"], m["password_hash"], StaffRole(m["role"]), m["created_at"], m["disabled"],
                       m["failed_signins"], m["locked_until"], m["session_version"], m["id"])


class SqlAlchemyStaffRepository:
    """Staff accounts by id and by username (unique)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, member: StaffMember) -> StaffMember:
        """Insert an account; ``DuplicateStaffError`` when the username is taken."""
        try:
            with self._connection.begin_nested():  # a taken name leaves the transaction usable
                new_id = self._connection.execute(sa.insert(t.staff).values(
                    username=member.username, password_hash=member.password_hash, role=member.role.value,
                    created_at=member.created_at, disabled=member.disabled, failed_signins=member.failed_signins,
                    locked_until=member.locked_until, session_version=member.session_version,
                ).returning(t.staff.c.id)).scalar_one()
        except IntegrityError:
            raise DuplicateStaffError(username=member.username) from None
        return StaffMember(member.username, member.password_hash, member.role, member.created_at, member.disabled,
                           member.failed_signins, member.locked_until, member.session_version, int(new_id))

    def get(self, staff_id: int) -> StaffMember | None:
        """The account with this id."""
        row = self._connection.execute(sa.select(t.staff).where(t.staff.c.id == staff_id)).first()
        return _member(row) if row else None

    def by_username(self, username: str, *, for_update: bool = False) -> StaffMember | None:
        """The account with this username; ``for_update`` locks it (counting a wrong password)."""
        query = sa.select(t.staff).where(t.staff.c.username == username)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return _member(row) if row else None

    def update(self, member: StaffMember) -> None:
        """Persist role, state, sign-in counters and session version."""
        self._connection.execute(sa.update(t.staff).where(t.staff.c.id == member.staff_id).values(
            password_hash=member.password_hash, role=member.role.value, disabled=member.disabled,
            failed_signins=member.failed_signins, locked_until=member.locked_until,
            session_version=member.session_version))

    def list_all(self, limit: int) -> list[StaffMember]:
        """Accounts by username."""
        rows = self._connection.execute(sa.select(t.staff).order_by(t.staff.c.username).limit(limit))
        return [_member(row) for row in rows]


class SqlAlchemyAuditRepository:
    """Append-only staff audit trail."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, entry: AuditEntry) -> None:
        """Record one action."""
        self._connection.execute(sa.insert(t.staff_actions).values(
            staff_id=entry.staff_id, actor=entry.actor, action=entry.action.value, target=entry.target, at=entry.at))

    def recent(self, limit: int, offset: int = 0) -> list[AuditEntry]:
        """Newest actions first."""
        c = t.staff_actions.c
        rows = self._connection.execute(sa.select(t.staff_actions).order_by(c.at.desc(), c.id.desc())
                                        .limit(limit).offset(offset))
        return [AuditEntry(r.actor, StaffAction(r.action), r.target, r.at, r.staff_id, r.id) for r in rows]
