"""CNSS staff of the operations console: roles, accounts, passwords (argon2id), the sign-in lock and the audit trail."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.domain.errors import DomainError

MIN_PASSWORD: Final = 12
MAX_PASSWORD: Final = 256  # argon2 hashes any length; a bound keeps a sign-in cheap
MAX_USERNAME: Final = 64
MAX_TARGET: Final = 64
_USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class InvalidStaffError(DomainError):
    """A username, password or role is not acceptable (data: field, reason)."""


class StaffNotFoundError(DomainError):
    """No staff account has this username (data: username)."""


class DuplicateStaffError(DomainError):
    """A staff account already has this username (data: username)."""


class StaffRole(enum.Enum):
    """What a staff member may do; each role may do what the ones before it may."""

    VIEWER = "viewer"  # reads every page (phones masked)
    AGENT = "agent"  # also retries an SMS, changes a request's status, unlocks a PIN
    ADMIN = "admin"  # also manages staff accounts

    @property
    def rank(self) -> int:
        """Position in viewer < agent < admin."""
        return list(StaffRole).index(self)

    def may(self, needed: StaffRole) -> bool:
        """True when this role holds ``needed`` or a higher one."""
        return self.rank >= needed.rank


def parse_role(raw: str) -> StaffRole:
    """A role by name; ``InvalidStaffError`` otherwise."""
    try:
        return StaffRole((raw or "").strip().lower())
    except ValueError:
        raise InvalidStaffError(field="role", reason="unknown") from None


def clean_username(raw: str) -> str:
    """A username, lower-cased: 2-64 letters, digits, dot, dash or underscore."""
    username = (raw or "").strip().lower()
    if not _USERNAME.fullmatch(username):
        raise InvalidStaffError(field="username", reason="format")
    return username


def validate_password(password: str) -> str:
    """A new password of ``MIN_PASSWORD`` to ``MAX_PASSWORD`` characters."""
    if len(password) < MIN_PASSWORD:
        raise InvalidStaffError(field="password", reason="too_short")
    if len(password) > MAX_PASSWORD:
        raise InvalidStaffError(field="password", reason="too_long")
    return password


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A console account; ``session_version`` changes to end every open session of it."""

    username: str
    password_hash: str
    role: StaffRole
    created_at: datetime
    disabled: bool = False
    failed_signins: int = 0
    locked_until: datetime | None = None
    session_version: int = 1
    staff_id: int | None = None

    def locked(self, now: datetime) -> bool:
        """True while sign-ins are refused after too many wrong passwords."""
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """Wrong passwords allowed before a lock, and the first lock; each further wrong password doubles it."""

    max_failures: int = 5
    first_lock: timedelta = timedelta(minutes=15)
    longest_lock: timedelta = timedelta(hours=24)

    def after_failure(self, member: StaffMember, now: datetime) -> StaffMember:
        """The account after one more wrong password at ``now``: counted, and locked from the ``max_failures``-th."""
        failures = member.failed_signins + 1
        if failures < self.max_failures:
            return replace(member, failed_signins=failures)
        lock = min(self.first_lock * 2 ** (failures - self.max_failures), self.longest_lock)
        return replace(member, failed_signins=failures, locked_until=now + lock)

    @staticmethod
    def cleared(member: StaffMember) -> StaffMember:
        """The account after a correct password: no failures, no lock."""
        return replace(member, failed_signins=0, locked_until=None)


class StaffPasswordHasher:
    """argon2id hashes of staff passwords (the library's default, memory-hard costs unless given)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None  # made on first use, so building an app costs no hash

    def hash(self, password: str) -> str:
        """Hash a validated password."""
        return self._hasher.hash(validate_password(password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; with no hash, spends the same time and answers False."""
        try:
            if password_hash is None or len(password) > MAX_PASSWORD:
                # An unknown name or an overlong password costs what a wrong password does.
                self._dummy = self._dummy or self._hasher.hash("not-a-staff-password")
                self._hasher.verify(self._dummy, password[:MAX_PASSWORD] + "\x00")
                return False
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class StaffAction(enum.Enum):
    """What the audit trail records."""

    SIGNED_IN = "signed_in"
    SIGN_IN_REFUSED = "sign_in_refused"
    SIGNED_OUT = "signed_out"
    SMS_RETRIED = "sms_retried"
    REQUEST_STATUS_CHANGED = "request_status_changed"
    PIN_UNLOCKED = "pin_unlocked"
    STAFF_ADDED = "staff_added"
    STAFF_ROLE_CHANGED = "staff_role_changed"
    STAFF_DISABLED = "staff_disabled"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to which record, when: ids, statuses and masked phones only, never personal data."""

    actor: str  # a username, or "cli" for the command line
    action: StaffAction
    target: str
    at: datetime
    staff_id: int | None = None
    entry_id: int | None = None

    def __post_init__(self) -> None:
        if len(self.target) > MAX_TARGET or len(self.actor) > MAX_USERNAME:
            raise ValueError("audit actor or target too long")
