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


# Statuses in which what was asked for has been issued (a quitus is then valid from its day of issue).
ISSUED: Final = frozenset({RequestStatus.READY, RequestStatus.VALIDATED})


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
    EMAIL = "email"  # an e-mail address, stored lower-case


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a request form: its name (also its key in ``details``), type and bounds.

    ``low``/``high``: the bounds of an amount or a count, or the length of a text or a name;
    ``past_days``/``future_days``: how far before or after today a date may be;
    ``optional``: may be left out (blank), then absent from ``details``.
    """

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    low: int = 1
    high: int = 999_999_999
    past_days: int = 0
    future_days: int = 0
    optional: bool = False

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


def phone_field(name: str, *, optional: bool = False) -> Field:
    """A phone number (Togolese numbers may omit +228); ``optional``: may be left out."""
    return Field(name, FieldType.PHONE, optional=optional)


def email_field(name: str, max_length: int = 60) -> Field:
    """An e-mail address of the usual shape (name@domain.tld)."""
    return Field(name, FieldType.EMAIL, low=6, high=max_length)


_NAME_CHARS = re.compile(r"^[A-Za-z][A-Za-z '\-]*$")
_TEXT_CHARS = re.compile(r"^[A-Za-z0-9 '\-.,/()]+$")
_EMAIL_SHAPE = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")


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


def _check_email(spec: Field, value: object, _today: date) -> Value:
    email = value.strip().lower() if isinstance(value, str) else ""
    if not _EMAIL_SHAPE.match(email) or ".." in email:
        raise InvalidRequestDetailsError(spec.name, "format")
    if not spec.low <= len(email) <= spec.high:
        raise InvalidRequestDetailsError(spec.name, "length")
    return email


_CHECKS: Final[dict[FieldType, Callable[[Field, object, date], Value]]] = {
    FieldType.TEXT: _check_text, FieldType.NAME: _check_name, FieldType.DATE: _check_date,
    FieldType.AMOUNT: _check_number, FieldType.COUNT: _check_number, FieldType.CHOICE: _check_choice,
    FieldType.INSURED_NUMBER: _check_insured_number, FieldType.PHONE: _check_phone, FieldType.EMAIL: _check_email,
}
# Details a kind works out from its checked fields at filing (e.g. a late flag), stored with them.
Derive = Callable[[Mapping[str, Value], date], Mapping[str, Value]]


@dataclass(frozen=True, slots=True)
class RequestKind:
    """A kind of request: its name (``value``, stored), tracking prefix, who may file it and its fields.

    ``by_form``: filed through the generic ``file_request``; False when a service of its own checks
    something first (the quitus checks the account is up to date);
    ``derive``: details worked out from the fields at filing (stored with them, e.g. ``late``), named
    in ``derived`` (the confirmation may show them);
    ``tells``: phone fields whose phone also hears of status changes, in its own words
    (text ``request_sms.<kind>.<status>.<field>``; no text, no SMS).
    """

    value: str
    prefix: str
    filers: frozenset[HolderKind]
    fields: tuple[Field, ...] = ()
    by_form: bool = True
    derive: Derive | None = None
    derived: tuple[str, ...] = ()
    tells: tuple[str, ...] = ()

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
            if spec.optional and details.get(spec.name) in (None, ""):
                continue
            if spec.name not in details:
                raise InvalidRequestDetailsError(spec.name, "missing")
            checked[spec.name] = spec.check(details[spec.name], today)
        if self.derive is not None:
            checked.update(self.derive(checked, today))
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

# ---- Employer requests and profile changes (helper W2).
# OFFICIAL (Code art. 9; cnss-rules.md section 2): a worker is registered within 8 days of hiring.
WORKER_REGISTRATION_DAYS: Final = 8


def registration_deadline(hire_date: date) -> date:
    """The last day to register a worker hired on ``hire_date``."""
    return hire_date + timedelta(days=WORKER_REGISTRATION_DAYS)


def _registration_flags(details: Mapping[str, Value], today: date) -> dict[str, Value]:
    deadline = registration_deadline(date.fromisoformat(str(details["hire_date"])))
    return {"deadline": deadline.isoformat(), "late": today > deadline}


class AccidentType(enum.Enum):
    """What happened, in a word: the choices of a work-accident declaration's ``accident_type``."""

    FALL = "fall"
    MACHINE = "machine"
    COMMUTE = "commute"
    BURN = "burn"
    OTHER_ACCIDENT = "other_accident"


class PaidBy(enum.Enum):
    """How an employer says it paid outside the gateway (the web form's channels)."""

    TRANSFER = "transfer"
    DEPOSIT = "deposit"
    MOBILE_MONEY = "mobile_money"


WORKER_REGISTRATION: Final = RequestKind("worker_registration", "WR", EMPLOYERS, (
    name_field("last_name", 18), name_field("first_names", 28),
    date_field("birth_date", past_days=100 * 366, future_days=0), choice_field("sex", "f", "m"),
    date_field("hire_date", past_days=10 * 366, future_days=31), amount_field("pay", 1, 50_000_000),
    phone_field("worker_phone", optional=True),
), derive=_registration_flags, derived=("deadline", "late"), tells=("worker_phone",))
WORK_ACCIDENT: Final = RequestKind("work_accident", "WA", EMPLOYERS, (
    insured_number_field("worker_number"), date_field("accident_date", past_days=2 * 366),
    text_field("place", 30), choice_field("accident_type", *(t.value for t in AccidentType)),
))
DECLARED_PAYMENT: Final = RequestKind("declared_payment", "DP", EMPLOYERS, (
    choice_field("paid_by", *(p.value for p in PaidBy)), text_field("transaction", 24),
    amount_field("amount", 1, 999_999_999), date_field("paid_on", past_days=366),
))
PHONE_CHANGE: Final = RequestKind("phone_change", "TM", ACCOUNT_HOLDERS, (phone_field("new_phone"),),
                                  tells=("new_phone",))
EMAIL_CHANGE: Final = RequestKind("email_change", "EM", ACCOUNT_HOLDERS, (email_field("email", 60),))
ADDRESS_CHANGE: Final = RequestKind("address_change", "AD", ACCOUNT_HOLDERS, (text_field("address", 60),))

# ---- Insured persons' benefit requests and declarations (helper W4). Each date window is an
# ---- ASSUMPTION (no CNSS text found): how far back a claim or an event may be declared by phone.
PENSION_START_DAYS: Final = (366, 366)  # a pension may start up to a year before or after the request
INCAPACITY_PAST_DAYS: Final = 5 * 366  # invalidity: the incapacity began within five years
PRENATAL_FUTURE_DAYS: Final = 280  # prenatal allowance: delivery expected within 40 weeks, not past
MATERNITY_DAYS: Final = (105, 280)  # IJM: delivery up to 15 weeks ago (the 14-week leave) or within 40 weeks
CHILD_PAST_DAYS: Final = 21 * 366  # family allowances run until 21 at most (students)
MARRIAGE_PAST_DAYS: Final = 80 * 366
DISEASE_PAST_DAYS: Final = 2 * 366  # an occupational disease noticed within two years


class DiseaseCategory(enum.Enum):
    """An occupational disease in a word: the choices of its declaration's ``disease``."""

    RESPIRATORY = "respiratory"
    SKIN = "skin"
    HEARING = "hearing"
    JOINTS = "joints"
    POISONING = "poisoning"
    OTHER_DISEASE = "other_disease"


OLD_AGE_PENSION: Final = RequestKind("old_age_pension", "PV", INSURED, (
    date_field("pension_start", past_days=PENSION_START_DAYS[0], future_days=PENSION_START_DAYS[1]),))
INVALIDITY_PENSION: Final = RequestKind("invalidity_pension", "PI", INSURED, (
    date_field("incapacity_date", past_days=INCAPACITY_PAST_DAYS),))
PRENATAL_ALLOWANCE: Final = RequestKind("prenatal_allowance", "AP", INSURED, (
    choice_field("mother", "self", "spouse"),
    date_field("delivery_date", past_days=0, future_days=PRENATAL_FUTURE_DAYS),
))
MATERNITY_ALLOWANCE: Final = RequestKind("maternity_allowance", "IJ", INSURED, (
    date_field("delivery_date", past_days=MATERNITY_DAYS[0], future_days=MATERNITY_DAYS[1]),))
CHILD_DECLARATION: Final = RequestKind("child_declaration", "EN", INSURED, (
    name_field("child_name", 40), date_field("child_birth", past_days=CHILD_PAST_DAYS),
    choice_field("child_sex", "f", "m"),
))
SPOUSE_DECLARATION: Final = RequestKind("spouse_declaration", "CJ", INSURED, (
    name_field("spouse_name", 40), date_field("marriage_date", past_days=MARRIAGE_PAST_DAYS),))
OCCUPATIONAL_DISEASE: Final = RequestKind("occupational_disease", "MP", INSURED, (
    date_field("disease_date", past_days=DISEASE_PAST_DAYS),
    choice_field("disease", *(d.value for d in DiseaseCategory)),
))

# Enrolment before any account (core/services/enrolment.py, menus/screens/enrolment.py).
_RHYTHMS: Final = ("monthly", "quarterly", "half_yearly", "yearly")  # core.domain.voluntary.Rhythm
DOMESTIC_EMPLOYER: Final = RequestKind("domestic_employer", "DE", ANYONE, (
    name_field("name"), name_field("locality", 24), count_field("workers", 1, 99),
    amount_field("pay", 1, 50_000_000)))
BUSINESS_EMPLOYER: Final = RequestKind("business_employer", "PM", ANYONE, (
    text_field("company"), name_field("locality", 24), text_field("activity", 24), count_field("workers", 1, 9_999)),
    by_form=False)
VOLUNTARY_INSURANCE: Final = RequestKind("voluntary_insurance", "AV", ANYONE, (
    count_field("insured_months", 1, 600), date_field("left_on", past_days=70 * 366),
    insured_number_field("insured_number"), amount_field("income"), choice_field("rhythm", *_RHYTHMS)),
    by_form=False)
SELF_EMPLOYED: Final = RequestKind("self_employed", "TI", ANYONE, (
    text_field("trade", 24), amount_field("income"), choice_field("rhythm", *_RHYTHMS)), by_form=False)

KINDS: Final[dict[str, RequestKind]] = {kind.value: kind for kind in (
    QUITUS,
    ATTESTATION,
    CLAIM,
    WORKER_REGISTRATION,
    WORK_ACCIDENT,
    DECLARED_PAYMENT,
    PHONE_CHANGE,
    EMAIL_CHANGE,
    ADDRESS_CHANGE,
    OLD_AGE_PENSION,
    INVALIDITY_PENSION,
    PRENATAL_ALLOWANCE,
    MATERNITY_ALLOWANCE,
    CHILD_DECLARATION,
    SPOUSE_DECLARATION,
    OCCUPATIONAL_DISEASE,
    DOMESTIC_EMPLOYER,
    BUSINESS_EMPLOYER,
    VOLUNTARY_INSURANCE,
    SELF_EMPLOYED,
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

    def with_status(self, status: RequestStatus, at: datetime, note: str | None = None,
                    business_day: date | None = None) -> ServiceRequest:
        """The same request moved to ``status``, with staff's note (None clears the previous one).

        The first time it becomes ready or validated, ``business_day`` is kept as ``details["issued_on"]``:
        what was issued (a quitus) counts its validity from that day, whatever changes later.
        """
        details = self.details
        if status in ISSUED and "issued_on" not in details and business_day is not None:
            details = {**details, "issued_on": business_day.isoformat()}
        return replace(self, status=status, updated_at=at, note=note, details=details)


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
