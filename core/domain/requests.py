"""Requests to CNSS as data: kinds with their typed fields, statuses, tracking numbers, and quitus eligibility."""
from __future__ import annotations

import enum
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Final, Union

from core.domain.accounts import ContributorAccount
from core.domain.errors import DomainError, InvalidIdentifierError, InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from core.domain.parties import HolderKind, parse_identifier

Value = Union[str, int]
Details = Mapping[str, Value]


class UnknownRequestKindError(DomainError):
    """No request kind has this name."""


class UnknownRequestStatusError(DomainError):
    """No request status has this name."""


class RequestNotAllowedError(DomainError):
    """This kind of holder may not file this kind of request (or only its own service may)."""


class InvalidRequestDetailsError(DomainError):
    """A field of a request is missing, unknown or out of bounds; ``field`` and ``reason`` say which and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field=field, reason=reason)
        self.field, self.reason = field, reason


class RequestStatus(enum.Enum):
    """Where a request stands."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    DOCUMENTS_MISSING = "documents_missing"
    VALIDATED = "validated"
    READY = "ready"
    REJECTED = "rejected"
    CLOSED = "closed"


def parse_status(raw: str) -> RequestStatus:
    """A status by its name (``validated``); ``UnknownRequestStatusError`` otherwise."""
    try:
        return RequestStatus((raw or "").strip().lower())
    except ValueError:
        raise UnknownRequestStatusError(status=raw) from None


class FieldType(enum.Enum):
    """What a field holds, hence how it is typed and checked."""

    TEXT = "text"  # free text, GSM-7 letters and digits
    NAME = "name"  # a person's or a place's name: letters, spaces, hyphens, apostrophes; stored capitalised
    DATE = "date"  # stored ISO (2026-11-23), within the field's window around today
    AMOUNT = "amount"  # whole XOF
    COUNT = "count"  # a whole number of things (workers, children)
    CHOICE = "choice"  # one of the field's choices
    INSURED_NUMBER = "insured_number"  # an insured person's number (identifier format)
    PHONE = "phone"  # a phone number, stored E.164


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a request form: its name (also its key in ``details``), type and bounds.

    ``low``/``high``: the bounds of an amount or a count, or the length of a text or a name;
    ``past_days``/``future_days``: how far before or after today a date may be.
    """

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    low: int = 1
    high: int = 999_999_999
    past_days: int = 0
    future_days: int = 0

    def check(self, value: object, today: date) -> Value:
        """The stored form of ``value``; ``InvalidRequestDetailsError`` when it does not fit."""
        checker = _CHECKS[self.type]
        return checker(self, value, today)


def text_field(name: str, max_length: int = 40) -> Field:
    """Free text of 1 to ``max_length`` characters."""
    return Field(name, FieldType.TEXT, low=1, high=max_length)


def name_field(name: str, max_length: int = 40) -> Field:
    """A name typed on a keypad: accents dropped, capitalised."""
    return Field(name, FieldType.NAME, low=2, high=max_length)


def date_field(name: str, *, past_days: int, future_days: int = 0) -> Field:
    """A day from ``past_days`` before today to ``future_days`` after it."""
    return Field(name, FieldType.DATE, past_days=past_days, future_days=future_days)


def amount_field(name: str, low: int = 1, high: int = 999_999_999) -> Field:
    """Whole XOF within [low, high]."""
    return Field(name, FieldType.AMOUNT, low=low, high=high)


def count_field(name: str, low: int = 1, high: int = 9_999) -> Field:
    """A whole number within [low, high]."""
    return Field(name, FieldType.COUNT, low=low, high=high)


def choice_field(name: str, *choices: str) -> Field:
    """One of ``choices`` (their order is the order shown)."""
    return Field(name, FieldType.CHOICE, choices=tuple(choices))


def insured_number_field(name: str) -> Field:
    """An insured person's number."""
    return Field(name, FieldType.INSURED_NUMBER)


def phone_field(name: str) -> Field:
    """A phone number (Togolese numbers may omit +228)."""
    return Field(name, FieldType.PHONE)


_NAME_CHARS = re.compile(r"^[A-Za-z][A-Za-z '\-]*$")
_TEXT_CHARS = re.compile(r"^[A-Za-z0-9 '\-.,/()]+$")


def keypad_name(raw: str) -> str:
    """A name as typed on a keypad, accents dropped, spaces collapsed, each word capitalised
    (``  aku  MAWUÉNA-abla`` -> ``Aku Mawuena-Abla``)."""
    plain = unicodedata.normalize("NFKD", raw or "").encode("ascii", "ignore").decode("ascii")
    words = " ".join(plain.split())
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), words)


def keypad_text(raw: str) -> str:
    """Free text as typed on a keypad: accents dropped, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", raw or "").encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.split())


def _check_text(spec: Field, value: object, _today: date) -> Value:
    text = keypad_text(value) if isinstance(value, str) else ""
    if not text or not _TEXT_CHARS.match(text):
        raise InvalidRequestDetailsError(spec.name, "format")
    if not spec.low <= len(text) <= spec.high:
        raise InvalidRequestDetailsError(spec.name, "length")
    return text


def _check_name(spec: Field, value: object, _today: date) -> Value:
    name = keypad_name(value) if isinstance(value, str) else ""
    if not _NAME_CHARS.match(name):
        raise InvalidRequestDetailsError(spec.name, "format")
    if not spec.low <= len(name) <= spec.high:
        raise InvalidRequestDetailsError(spec.name, "length")
    return name


def _check_date(spec: Field, value: object, today: date) -> Value:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidRequestDetailsError(spec.name, "format")
    if day > today + timedelta(days=spec.future_days):
        raise InvalidRequestDetailsError(spec.name, "too_late")
    if day < today - timedelta(days=spec.past_days):
        raise InvalidRequestDetailsError(spec.name, "too_early")
    return day.isoformat()


def _check_number(spec: Field, value: object, _today: date) -> Value:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestDetailsError(spec.name, "format")
    if not spec.low <= value <= spec.high:
        raise InvalidRequestDetailsError(spec.name, "range")
    return value


def _check_choice(spec: Field, value: object, _today: date) -> Value:
    if not isinstance(value, str) or value not in spec.choices:
        raise InvalidRequestDetailsError(spec.name, "choice")
    return value


def _check_insured_number(spec: Field, value: object, _today: date) -> Value:
    try:
        return parse_identifier(value if isinstance(value, str) else "", HolderKind.INSURED)
    except InvalidIdentifierError:
        raise InvalidRequestDetailsError(spec.name, "format") from None


def _check_phone(spec: Field, value: object, _today: date) -> Value:
    try:
        return Msisdn.parse(value if isinstance(value, str) else "").e164
    except InvalidPhoneNumberError:
        raise InvalidRequestDetailsError(spec.name, "format") from None


_CHECKS: Final[dict[FieldType, Callable[[Field, object, date], Value]]] = {
    FieldType.TEXT: _check_text, FieldType.NAME: _check_name, FieldType.DATE: _check_date,
    FieldType.AMOUNT: _check_number, FieldType.COUNT: _check_number, FieldType.CHOICE: _check_choice,
    FieldType.INSURED_NUMBER: _check_insured_number, FieldType.PHONE: _check_phone,
}


@dataclass(frozen=True, slots=True)
class RequestKind:
    """A kind of request: its name (``value``, stored), tracking prefix, who may file it and its fields.

    ``by_form``: filed through the generic ``file_request``; False when a service of its own checks
    something first (the quitus checks the account is up to date).
    """

    value: str
    prefix: str
    filers: frozenset[HolderKind]
    fields: tuple[Field, ...] = ()
    by_form: bool = True

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)

    def validate(self, details: Mapping[str, object], today: date) -> dict[str, Value]:
        """Every field present and within bounds, no other; the stored form of each value."""
        unknown = set(details) - {f.name for f in self.fields}
        if unknown:
            raise InvalidRequestDetailsError(sorted(unknown)[0], "unknown")
        checked: dict[str, Value] = {}
        for spec in self.fields:
            if spec.name not in details:
                raise InvalidRequestDetailsError(spec.name, "missing")
            checked[spec.name] = spec.check(details[spec.name], today)
        return checked


class ClaimCategory(enum.Enum):
    """Why a claim (reclamation) is filed; CNSS calls back. The choices of the claim's ``category`` field."""

    PAYMENT_NOT_CREDITED = "payment_not_credited"
    WRONG_BALANCE = "wrong_balance"
    MISSING_PERIODS = "missing_periods"
    BENEFIT_DELAY = "benefit_delay"
    OTHER = "other"


EMPLOYERS: Final = frozenset({HolderKind.EMPLOYER})
INSURED: Final = frozenset({HolderKind.INSURED})
ACCOUNT_HOLDERS: Final = frozenset({HolderKind.EMPLOYER, HolderKind.INSURED})
ANYONE: Final = frozenset({HolderKind.EMPLOYER, HolderKind.INSURED, HolderKind.PHONE})

# ---- The kinds of request. A new kind is one entry here (two-letter prefix, unique), its screens
# ---- (menus/forms.py) and its texts. Never rename a kind's value: it is stored.
QUITUS: Final = RequestKind("quitus", "QS", EMPLOYERS, by_form=False)
ATTESTATION: Final = RequestKind("attestation", "AT", INSURED)
CLAIM: Final = RequestKind("claim", "RC", ACCOUNT_HOLDERS,
                           (choice_field("category", *(c.value for c in ClaimCategory)),))

KINDS: Final[dict[str, RequestKind]] = {kind.value: kind for kind in (
    QUITUS,
    ATTESTATION,
    CLAIM,
)}


def kind_named(name: str) -> RequestKind:
    """The kind called ``name``; ``UnknownRequestKindError`` otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownRequestKindError(kind=name) from None


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """A request with its tracking number, status, the form's fields, staff's note and the phone that asked."""

    tracking_number: str
    kind: RequestKind
    holder_kind: HolderKind
    holder_number: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    channel: str = "ussd"
    details: Mapping[str, Value] = field(default_factory=dict)
    note: str | None = None
    msisdn: Msisdn | None = None

    @property
    def category(self) -> ClaimCategory | None:
        """A claim's category (None for other kinds)."""
        raw = self.details.get("category")
        return ClaimCategory(raw) if self.kind.value == CLAIM.value and isinstance(raw, str) else None

    def with_status(self, status: RequestStatus, at: datetime, note: str | None = None) -> ServiceRequest:
        """The same request moved to ``status``, with staff's note (None clears the previous one)."""
        return replace(self, status=status, updated_at=at, note=note)


# Longest staff note kept (it shows on a USSD screen and in an SMS).
MAX_NOTE: Final = 60


def clean_note(raw: str | None) -> str | None:
    """A staff note, spaces collapsed; None when blank; ``InvalidRequestDetailsError`` beyond ``MAX_NOTE``."""
    if raw is None or not raw.strip():
        return None
    note = " ".join(raw.split())
    if len(note) > MAX_NOTE:
        raise InvalidRequestDetailsError("note", "length")
    return note


def new_tracking_number(kind: RequestKind, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A tracking number such as ``QS48213907`` (prefix + 8 digits)."""
    return f"{kind.prefix}{randbelow(10 ** 8):08d}"


@dataclass(frozen=True, slots=True)
class QuitusEligibility:
    """Whether a quitus social can be issued, and the overdue amount that prevents it."""

    eligible: bool
    overdue_amount: int
    unpaid_periods: int


def quitus_eligibility(account: ContributorAccount, day: date) -> QuitusEligibility:
    """Eligible when nothing is overdue, surcharges included (ASSUMPTION rules 5)."""
    overdue = account.overdue(day)
    late = sum(1 for p in account.positions() if p.deadline < day and p.outstanding > 0)
    return QuitusEligibility(overdue == 0, overdue, late)
