"""Payment-notification bodies: strict, bounded JSON parsing with the field at fault named."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

FIELDS = ("reference", "amount", "currency", "transaction_id", "paid_at", "account_label")
# 100 billion XOF (about 150 million EUR): far above any employer's contribution debt, far below
# the BIGINT column (9.2e18) and exact in every JSON client (2^53); anything larger is a bank's bug.
MAX_AMOUNT = 100_000_000_000
# A bank's clock may run a little ahead of ours; a later paid_at is a bug, never retried into a value date.
PAID_AT_CLOCK_SKEW = timedelta(minutes=10)
EARLIEST_PAID_AT = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_JSON_DEPTH = 32
REFERENCE_MAX_LENGTH = 40
# Twelve ASCII digits, grouped by any spaces, dashes or dots (the same pattern is in the OpenAPI document).
REFERENCE_PATTERN = r"^[ .-]*(?:[0-9][ .-]*){12}$"
_CONTROL = r"\u0000-\u001f\u007f-\u009f"
# No control character (NUL included) anywhere; at least one character that is not a space.
TEXT_PATTERN = rf"^[^{_CONTROL}]*[^{_CONTROL}\u0020\u00a0][^{_CONTROL}]*$"
OPTIONAL_TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
TEXT_LIMITS = {"transaction_id": 64, "account_label": 100}
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class InvalidNotice(Exception):
    """A body that cannot be a payment notification: ``error`` code and the ``field`` at fault."""

    def __init__(self, error: str, field: str | None = None, detail: str = "") -> None:
        super().__init__(f"{error} {field or ''} {detail}".strip())
        self.error, self.field, self.detail = error, field, detail

    def body(self) -> dict[str, str]:
        """The JSON error body."""
        found = {"error": self.error, "detail": self.detail}
        if self.field:
            found["field"] = self.field
        return found


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """A well-formed notification (the reference's check digits are the domain's business)."""

    reference: str
    amount: int
    transaction_id: str
    paid_at: datetime
    account_label: str | None


def is_reference(raw: str) -> bool:
    """Whether ``raw`` has the shape of a payment reference (check digits not verified)."""
    return len(raw) <= REFERENCE_MAX_LENGTH and re.fullmatch(REFERENCE_PATTERN, raw) is not None


def parse_notice(raw: bytes, now: datetime) -> PaymentNotice:
    """Parse and validate ``{"reference", "amount", "currency", "transaction_id", "paid_at", "account_label"}``."""
    body = _json_object(raw)
    reference = _reference(body.get("reference"))
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidNotice("invalid_request", "amount", "a positive whole number of francs (XOF has no decimals)")
    if amount > MAX_AMOUNT:
        raise InvalidNotice("amount_out_of_range", "amount", f"at most {MAX_AMOUNT} francs")
    if body.get("currency") != "XOF":
        raise InvalidNotice("invalid_request", "currency", 'must be "XOF"')
    transaction_id = _text(body, "transaction_id")
    paid_at = _instant(body.get("paid_at"), now)
    label = body.get("account_label")
    if label is not None:
        label = _text(body, "account_label", pattern=OPTIONAL_TEXT_PATTERN)
    return PaymentNotice(reference, amount, transaction_id, paid_at, label)


def _json_object(raw: bytes) -> dict[str, Any]:
    if _depth(raw) > MAX_JSON_DEPTH:
        raise InvalidNotice("invalid_json", detail=f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        body: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidNotice("invalid_json", detail="the body is not JSON") from exc
    if not isinstance(body, dict):
        raise InvalidNotice("invalid_request", detail="the body must be a JSON object")
    return body


def _depth(raw: bytes) -> int:
    """Deepest bracket nesting outside strings, found without recursing."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _reference(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidNotice("invalid_request", "reference", "a string: 12 digits, spaces allowed")
    if not is_reference(value):
        raise InvalidNotice("invalid_reference", "reference", "12 digits, spaces allowed")
    return value.strip(" ")


def _text(body: dict[str, Any], name: str, pattern: str = TEXT_PATTERN) -> str:
    value, limit = body.get(name), TEXT_LIMITS[name]
    if not isinstance(value, str) or len(value) > limit or not re.fullmatch(pattern, value) or not _encodable(value):
        raise InvalidNotice("invalid_request", name, f"a string of at most {limit} characters, without control "
                                                     "characters")
    return value.strip(" ")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")  # a lone surrogate (JSON "\ud800") cannot be stored
    except UnicodeEncodeError:
        return False
    return True


def _instant(value: Any, now: datetime) -> datetime:
    try:
        instant = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidNotice("invalid_request", "paid_at", "an ISO 8601 date-time with its offset, e.g. "
                                                          "2026-11-23T10:15:00Z")
    try:
        utc = instant.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is past the last representable instant
        utc = None
    if utc is not None and utc > now + PAID_AT_CLOCK_SKEW:
        raise InvalidNotice("paid_at_in_future", "paid_at", "the payment cannot be later than the notification")
    if utc is None or utc < EARLIEST_PAID_AT:
        raise InvalidNotice("paid_at_out_of_range", "paid_at", "on or after 2000-01-01T00:00:00Z")
    return instant
