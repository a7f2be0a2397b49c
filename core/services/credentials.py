"""PIN checks with attempt counting and lockout, and PIN changes."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import CredentialNotSetError
from core.domain.parties import HolderKind
from core.domain.pins import Credential, PinHasher, validate_new_pin, validate_pin
from core.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class PinPolicy:
    """How many wrong PINs lock access, and for how long."""

    max_attempts: int = 3
    lockout: timedelta = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class PinCheck:
    """Outcome of a PIN entry."""

    ok: bool
    attempts_left: int
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class CredentialStatus:
    """Whether a PIN is set, and until when access is locked (None when open)."""

    has_pin: bool
    locked_until: datetime | None


def credential_status(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork,
                      clock: Clock) -> CredentialStatus:
    """Read the holder's PIN state in one query."""
    with uow:
        credential = uow.credentials.get(holder_kind, holder_number)
    if credential is None:
        return CredentialStatus(False, None)
    locked = credential.locked_until if credential.locked_until and credential.locked_until > clock.now() else None
    return CredentialStatus(True, locked)


def check_pin(
    holder_kind: HolderKind, holder_number: str, pin: str, *, uow: UnitOfWork, clock: Clock, hasher: PinHasher,
    policy: PinPolicy = PinPolicy(),
) -> PinCheck:
    """Verify a PIN; the last allowed failure locks access for ``policy.lockout``."""
    now = clock.now()
    with uow:
        credential = uow.credentials.get(holder_kind, holder_number, for_update=True)
        if credential is None:
            raise CredentialNotSetError(holder_kind=holder_kind.value, holder_number=holder_number)
        if credential.locked_until and credential.locked_until > now:
            return PinCheck(False, 0, credential.locked_until)
        failures = 0 if credential.locked_until else credential.failed_attempts
        if hasher.verify(credential.pin_hash, pin):
            if credential.failed_attempts or credential.locked_until:
                uow.credentials.save(replace(credential, failed_attempts=0, locked_until=None))
                uow.commit()
            return PinCheck(True, policy.max_attempts)
        failures += 1
        lock = now + policy.lockout if failures >= policy.max_attempts else None
        uow.credentials.save(replace(credential, failed_attempts=0 if lock else failures, locked_until=lock))
        uow.commit()
        return PinCheck(False, max(0, policy.max_attempts - failures), lock)


def set_pin(
    holder_kind: HolderKind, holder_number: str, new_pin: str, *, uow: UnitOfWork, clock: Clock, hasher: PinHasher,
) -> None:
    """Set or change the PIN (``InvalidPinError`` when too simple); clears failures and lock."""
    validate_pin(new_pin)
    validate_new_pin(new_pin)
    with uow:
        uow.credentials.save(Credential(holder_kind, holder_number, hasher.hash(new_pin)))
        uow.activity.append(ActivityEntry(holder_kind, holder_number, ActivityKind.PIN_CHANGED, clock.now()))
        uow.commit()
