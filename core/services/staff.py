"""Staff accounts of the operations console: creation, roles, disabling, sign-in with a lock, and the audit trail."""
from __future__ import annotations

from dataclasses import dataclass, replace

from core.domain.staff import (
    AuditEntry,
    DuplicateStaffError,
    InvalidStaffError,
    SignInPolicy,
    StaffAction,
    StaffMember,
    StaffNotFoundError,
    StaffPasswordHasher,
    StaffRole,
    clean_username,
)
from core.ports import Clock, UnitOfWork

CLI_ACTOR = "cli"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in staff member (id and username) or the command line."""

    username: str = CLI_ACTOR
    staff_id: int | None = None

    @classmethod
    def of(cls, member: StaffMember) -> Actor:
        """The actor for a staff member."""
        return cls(member.username, member.staff_id)


def record(uow: UnitOfWork, actor: Actor, action: StaffAction, target: str, clock: Clock) -> None:
    """Append one audit entry in the caller's unit of work (``target``: ids and masked phones only)."""
    uow.audit.add(AuditEntry(actor.username, action, target[:64], clock.now(), actor.staff_id))


def add_staff(username: str, password: str, role: StaffRole, *, uow: UnitOfWork, clock: Clock,
              hasher: StaffPasswordHasher, actor: Actor = Actor()) -> StaffMember:
    """Create an account (``InvalidStaffError`` for a bad name or a short password, ``DuplicateStaffError``)."""
    name = clean_username(username)
    password_hash = hasher.hash(password)
    with uow:
        if uow.staff.by_username(name) is not None:
            raise DuplicateStaffError(username=name)
        member = uow.staff.add(StaffMember(name, password_hash, role, clock.now()))
        record(uow, actor, StaffAction.STAFF_ADDED, f"{name} ({role.value})", clock)
        uow.commit()
        return member


def change_role(username: str, role: StaffRole, *, uow: UnitOfWork, clock: Clock,
                actor: Actor = Actor()) -> StaffMember:
    """Give an account another role (taken into account on its next request)."""
    with uow:
        member = _existing(uow, username)
        changed = replace(member, role=role)
        uow.staff.update(changed)
        record(uow, actor, StaffAction.STAFF_ROLE_CHANGED, f"{member.username} ({role.value})", clock)
        uow.commit()
        return changed


def disable_staff(username: str, *, uow: UnitOfWork, clock: Clock, actor: Actor = Actor()) -> StaffMember:
    """Disable an account and end its open sessions (its session version changes)."""
    with uow:
        member = _existing(uow, username)
        changed = replace(member, disabled=True, session_version=member.session_version + 1)
        uow.staff.update(changed)
        record(uow, actor, StaffAction.STAFF_DISABLED, member.username, clock)
        uow.commit()
        return changed


def list_staff(*, uow: UnitOfWork, limit: int = 200) -> list[StaffMember]:
    """Accounts by username."""
    with uow:
        return uow.staff.list_all(limit)


def sign_in(username: str, password: str, *, uow: UnitOfWork, clock: Clock, hasher: StaffPasswordHasher,
            policy: SignInPolicy = SignInPolicy()) -> StaffMember | None:
    """The account when the password is right and the account open; None otherwise, whatever the reason.

    An unknown name, a disabled or locked account cost one password check like a wrong password,
    so neither the answer nor its time tells which names exist. A wrong password counts towards
    the lock (``policy``); a right one clears the count.
    """
    try:
        name = clean_username(username)
    except InvalidStaffError:
        hasher.verify(None, password)
        return None
    now = clock.now()
    with uow:
        member = uow.staff.by_username(name, for_update=True)
        if member is None or member.disabled or member.locked(now):
            hasher.verify(None, password)
            return None
        if not hasher.verify(member.password_hash, password):
            uow.staff.update(policy.after_failure(member, now))
            record(uow, Actor.of(member), StaffAction.SIGN_IN_REFUSED, member.username, clock)
            uow.commit()
            return None
        cleared = policy.cleared(member)
        uow.staff.update(cleared)
        record(uow, Actor.of(member), StaffAction.SIGNED_IN, member.username, clock)
        uow.commit()
        return cleared


def session_member(staff_id: int, session_version: int, *, uow: UnitOfWork) -> StaffMember | None:
    """The account a console session belongs to, if still enabled and the session not revoked."""
    with uow:
        member = uow.staff.get(staff_id)
    if member is None or member.disabled or member.session_version != session_version:
        return None
    return member


def sign_out(member: StaffMember, *, uow: UnitOfWork, clock: Clock) -> None:
    """Record the end of a session."""
    with uow:
        record(uow, Actor.of(member), StaffAction.SIGNED_OUT, member.username, clock)
        uow.commit()


def _existing(uow: UnitOfWork, username: str) -> StaffMember:
    name = clean_username(username)
    member = uow.staff.by_username(name, for_update=True)
    if member is None:
        raise StaffNotFoundError(username=name)
    return member
