"""Kannel SMS callbacks: pure parsing of the sms-service ``get-url`` (incoming SMS) and the ``dlr-url`` (reports).

The query parameters are the ones this gateway asks for in its Kannel configuration (docs/OPERATIONS.md):

* get-url: ``key``, ``from=%p``, ``to=%P``, ``text=%b`` (the whole text: ``%a`` squeezes spaces), ``id=%I``
  (Kannel's own id of the message, the same on every retry of the request), ``ts=%T`` (epoch seconds),
  ``smsc=%i``, ``coding=%c`` and ``charset=%C``;
* dlr-url (written by ``sms_send``): ``key``, ``id`` (the provider message id this gateway made), ``status=%d``,
  ``to=%p`` and ``answer=%A``.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final
from urllib.parse import parse_qs

from core.domain.delivery_reports import DeliveryMeaning, DeliveryReport, DeliveryState, register_statuses
from core.domain.inbound import InboundSms
from gateway.base import MalformedRequestError
from gateway.bounds import inbound_sms_fields, storable, stripped, within_window

PROVIDER: Final = "kannel"
# Kannel's delivery report types (the ``%d`` of a dlr-url), kept verbatim as the report's status.
STATUSES: Final[dict[str, DeliveryMeaning]] = {
    "1": DeliveryMeaning(DeliveryState.DELIVERED, True),  # delivered to the phone
    "2": DeliveryMeaning(DeliveryState.FAILED, True),  # not delivered to the phone
    "4": DeliveryMeaning(DeliveryState.SENT, False),  # queued (buffered) on the SMSC
    "8": DeliveryMeaning(DeliveryState.SENT, False),  # submitted to the SMSC
    "16": DeliveryMeaning(DeliveryState.FAILED, True),  # refused by the SMSC
}
register_statuses(PROVIDER, STATUSES)
REQUIRED: Final = ("from", "to", "id")
# Incoming SMS, stored whole in inbound_messages or not at all (the same limits as every provider's).
INBOUND_LIMITS: Final = {"from": 32, "to": 32, "id": 100}
TEXT_LIMIT: Final = 2000
SMSC_LIMIT: Final = 10  # the smsc-id is kept as the network code when it fits the column
MAX_EPOCH_CHARS: Final = 12
UCS2_CHARSETS: Final = frozenset({"UTF-16BE", "UTF-16", "UCS-2", "UCS-2BE"})
# Delivery reports: column widths; a longer value is cut, never refused.
DELIVERY_REQUIRED: Final = ("id", "status")
DELIVERY_LIMITS: Final = {"id": 100, "status": 32, "to": 32, "answer": 64}


def parse_inbound_sms(args: Mapping[str, str], received_at: datetime) -> InboundSms:
    """Validate the query of an sms-service get-url (``from, to, text, id, ts, smsc``)."""
    fields, sender, text = inbound_sms_fields(args, REQUIRED, INBOUND_LIMITS, TEXT_LIMIT, _phone_field)
    smsc = stripped(args.get("smsc"))
    return InboundSms(
        provider=PROVIDER, provider_message_id=fields["id"], sender=sender, recipient=fields["to"],
        text=storable(text, TEXT_LIMIT, multiline=True), received_at=received_at,
        sent_at=parse_epoch(args.get("ts"), received_at),
        network_code=smsc if 0 < len(smsc) <= SMSC_LIMIT else None)


def inbound_text(query: bytes, charset: str | None) -> str | None:
    """The ``text`` of a raw get-url query sent as UCS-2 (``charset=%C`` is UTF-16BE), decoded; None otherwise.

    Kannel url-encodes ``%b`` as the message's bytes: UTF-8 for a 7-bit message, UTF-16BE for a UCS-2 one
    that smsbox did not recode (``mo-recode``); the UTF-8 query parsing of Flask would garble the latter.
    """
    if (charset or "").strip().upper() not in UCS2_CHARSETS:
        return None
    try:
        values = parse_qs(query.decode("ascii"), keep_blank_values=True, encoding="utf-16-be", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise MalformedRequestError("text: bad encoding (not UTF-16BE)") from None
    return (values.get("text") or [""])[0]


def parse_delivery_report(args: Mapping[str, str], received_at: datetime) -> DeliveryReport:
    """Read a dlr-url query (``id, status, to, answer``): only a missing ``id`` or ``status`` is malformed.

    Any status, known or not, is kept verbatim (less control characters, cut to its column); the SMSC's
    answer is kept as the failure reason of a failed delivery.
    """
    values: dict[str, str | None] = {}
    for name, width in DELIVERY_LIMITS.items():
        value = stripped(_phone_field(name, args.get(name)))[:width]
        if not value and name in DELIVERY_REQUIRED:
            raise MalformedRequestError(f"missing field: {name}")
        values[name] = value or None
    status = values["status"] or ""
    failed = STATUSES.get(status, DeliveryMeaning(DeliveryState.UNKNOWN, False)).state is DeliveryState.FAILED
    return DeliveryReport(
        provider=PROVIDER, provider_message_id=values["id"] or "", status=status, received_at=received_at,
        phone=values["to"], failure_reason=values["answer"] if failed else None)


def parse_epoch(raw: str | None, received_at: datetime) -> datetime | None:
    """Kannel's ``%T`` (UNIX seconds) as aware UTC; garbage and dates outside the usual window are None."""
    value = (raw or "").strip()
    if not value or len(value) > MAX_EPOCH_CHARS or not value.isascii() or not value.isdigit():
        return None
    try:
        moment = datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return within_window(moment, received_at)


def _phone_field(name: str, raw: str | None) -> str:
    """A number field (``from``, ``to``) whose '+' reached the query unencoded, decoded to a space: put back."""
    raw = raw or ""
    if name not in ("from", "to"):
        return raw
    stripped = raw.lstrip(" ")
    return "+" + stripped if stripped != raw and stripped[:1].isdigit() else raw


