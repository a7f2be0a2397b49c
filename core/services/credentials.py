"""PIN checks with attempt counting and an escalating lockout, agent unlocks, and PIN changes."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.domain.activity import ActivityEntry, ActivityKind
from core.domain.errors import CredentialNotSetError
from core.domain.parties import HolderKind, PhoneAccount
from core.domain.pins import Credential, PinHasher, PinPolicy, validate_new_pin, validate_pin
from core.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class PinCheck:
    """Outcome of a PIN entry (``blocked``: only an agent may unlock the account now)."""

    ok: bool
    attempts_left: int
    locked_until: datetime | None = None
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class CredentialStatus:
    """Whether a PIN is set, until when access is locked (None when open), and whether only an agent may unlock it."""

    has_pin: bool
    locked_until: datetime | None
    blocked: bool = False


def credential_status(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork,
                      clock: Clock, policy: PinPolicy = PinPolicy()) -> CredentialStatus:
    """Read the holder's PIN state in one query."""
    with uow:
        credential = uow.credentials.get(holder_kind, holder_number)
    return status_of(credential, clock=clock, policy=policy)


def status_of(credential: Credential | None, *, clock: Clock, policy: PinPolicy = PinPolicy()) -> CredentialStatus:
    """The PIN state shown before a PIN is asked: none set, locked until when, or blocked."""
    if credential is None:
        return CredentialStatus(False, None)
    return _set_pin_status(credential.locked_until, credential.lockouts, clock=clock, policy=policy)


def account_status(account: PhoneAccount, *, clock: Clock, policy: PinPolicy = PinPolicy()) -> CredentialStatus:
    """``status_of`` for an account read with the phone's accounts (``PhoneDirectory.accounts_on``)."""
    if not account.pin_set:
        return CredentialStatus(False, None)
    return _set_pin_status(account.locked_until, account.lockouts, clock=clock, policy=policy)


def _set_pin_status(locked_until: datetime | None, lockouts: int, *, clock: Clock,
                    policy: PinPolicy) -> CredentialStatus:
    if policy.blocks_after(lockouts):
        return CredentialStatus(True, None, blocked=True)
    return CredentialStatus(True, locked_until if locked_until and locked_until > clock.now() else None)


def check_pin(
    holder_kind: HolderKind, holder_number: str, pin: str, *, uow: UnitOfWork, clock: Clock, hasher: PinHasher,
    policy: PinPolicy = PinPolicy(),
) -> PinCheck:
    """Verify a PIN: a wrong one counts and may lock or block (``PinPolicy``); a correct one clears everything.

    A correct PIN whose stored hash is unkeyed or under an older pepper is re-hashed in the same unit of work.
    """
    now = clock.now()
    with uow:
        credential = uow.credentials.get(holder_kind, holder_number, for_update=True)
        if credential is None:
            raise CredentialNotSetError(holder_kind=holder_kind.value, holder_number=holder_number)
        if policy.blocks(credential):
            return PinCheck(False, 0, blocked=True)
        if credential.locked_until and credential.locked_until > now:
            return PinCheck(False, 0, credential.locked_until)
        if hasher.verify(credential.pin_hash, pin, holder_kind, holder_number):
            cleared = policy.cleared(credential)
            if hasher.needs_rehash(credential.pin_hash):  # unkeyed or an older key: re-keyed with this login
                cleared = replace(cleared, pin_hash=hasher.hash(pin, holder_kind, holder_number))
            if cleared != credential:
                uow.credentials.save(cleared)
                uow.commit()
            return PinCheck(True, policy.max_attempts)
        failed = policy.after_failure(credential, now)
        uow.credentials.save(failed)
        uow.commit()
        return PinCheck(False, policy.attempts_left(failed), failed.locked_until, policy.blocks(failed))


def unlock_pin(holder_kind: HolderKind, holder_number: str, *, uow: UnitOfWork) -> bool:
    """An agent's reset: clear failures, locks and any block; False when the holder has no PIN."""
    with uow:
        credential = uow.credentials.get(holder_kind, holder_number, for_update=True)
        if credential is None:
            return False
        uow.credentials.save(PinPolicy.cleared(credential))
        uow.commit()
    return True


def set_pin(
    holder_kind: HolderKind, holder_number: str, new_pin: str, *, uow: UnitOfWork, clock: Clock, hasher: PinHasher,
) -> None:
    """Set or change the PIN (``InvalidPinError`` when too simple); clears failures and lock."""
    validate_pin(new_pin)
    validate_new_pin(new_pin)
    with uow:
        uow.credentials.save(Credential(holder_kind, holder_number, hasher.hash(new_pin, holder_kind, holder_number)))
        uow.activity.append(ActivityEntry(holder_kind, holder_number, ActivityKind.PIN_CHANGED, clock.now()))
        uow.commit()
