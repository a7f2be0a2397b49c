"""Payment alerts texted by banks and operators: per-sender templates with named fields, parsed purely."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from core.domain.payments import PaymentChannel

FIELDS = ("amount", "reference", "transaction_id")  # required named groups; "date" is optional


@dataclass(frozen=True, slots=True)
class AlertSender:
    """An allow-listed sender: who it is, whether its alerts may credit on their own, and its templates."""

    sender: str
    provider: str
    channel: PaymentChannel
    trusted: bool
    templates: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class ParsedAlert:
    """What a template found in an alert."""

    amount: int
    reference: str
    transaction_id: str
    paid_at: datetime | None


def normalise_sender(raw: str) -> str:
    """A phone sender in E.164, an alphanumeric sender id in upper case."""
    text = (raw or "").strip()
    try:
        return Msisdn.parse(text).e164
    except InvalidPhoneNumberError:
        return text.upper()


def senders_from_config(config: Mapping[str, Any]) -> dict[str, AlertSender]:
    """``{"senders": [{"sender", "provider", "channel", "trusted", "templates": [regex, ...]}]}`` by sender."""
    found: dict[str, AlertSender] = {}
    for entry in config.get("senders", []):
        templates = tuple(re.compile(pattern, re.IGNORECASE | re.DOTALL) for pattern in entry["templates"])
        for template in templates:
            missing = set(FIELDS) - set(template.groupindex)
            if missing:
                raise ValueError(f"template of {entry['sender']} lacks named groups {sorted(missing)}")
        sender = normalise_sender(entry["sender"])
        found[sender] = AlertSender(sender, entry["provider"], PaymentChannel(entry.get("channel", "bank")),
                                    bool(entry.get("trusted", False)), templates)
    return found


def parse_alert(text: str, templates: Sequence[re.Pattern[str]]) -> ParsedAlert | None:
    """The first template that matches, or None (the alert is kept for review)."""
    for template in templates:
        match = template.search(text)
        if match is None:
            continue
        digits = re.sub(r"[\s.,\u00a0\u202f]", "", match.group("amount"))
        if not digits.isdigit():
            continue
        paid_at = _date(match.groupdict().get("date"))
        return ParsedAlert(int(digits), re.sub(r"\s", "", match.group("reference")),
                           match.group("transaction_id").strip(), paid_at)
    return None


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(raw.strip(), pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None
