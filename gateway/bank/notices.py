"""Payment-notification bodies: strict JSON parsing with the field at fault named."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FIELDS = ("reference", "amount", "currency", "transaction_id", "paid_at", "account_label")


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


def parse_notice(raw: bytes) -> PaymentNotice:
    """Parse and validate ``{"reference", "amount", "currency", "transaction_id", "paid_at", "account_label"}``."""
    try:
        body: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidNotice("invalid_json", detail="the body is not JSON") from exc
    if not isinstance(body, dict):
        raise InvalidNotice("invalid_request", detail="the body must be a JSON object")
    reference = _text(body, "reference", 40)
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidNotice("invalid_request", "amount", "a positive whole number of francs (XOF has no decimals)")
    if body.get("currency") != "XOF":
        raise InvalidNotice("invalid_request", "currency", 'must be "XOF"')
    transaction_id = _text(body, "transaction_id", 64)
    paid_at = _instant(body)
    label = body.get("account_label")
    if label is not None and (not isinstance(label, str) or len(label) > 100):
        raise InvalidNotice("invalid_request", "account_label", "a string of at most 100 characters")
    return PaymentNotice(reference, amount, transaction_id, paid_at, label)


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidNotice("invalid_request", name, f"a non-empty string of at most {limit} characters")
    return value.strip()


def _instant(body: dict[str, Any]) -> datetime:
    value = body.get("paid_at")
    try:
        instant = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidNotice("invalid_request", "paid_at", "an ISO 8601 date-time with its offset, e.g. "
                                                          "2026-11-23T10:15:00Z")
    return instant
