"""Africa's Talking SMS callbacks: pure parsing of incoming messages and delivery reports."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from core.domain.delivery_reports import DeliveryMeaning, DeliveryReport, DeliveryState, register_statuses
from core.domain.inbound import InboundSms
from gateway.africastalking.ussd import parse_at_date
from gateway.base import MalformedRequestError
from gateway.bounds import INT32_MAX, bounded_count, inbound_sms_fields, storable, stripped

PROVIDER: Final = "at"
# Africa's Talking delivery statuses (see shared/reference/africastalking.md section 2.2).
STATUSES: Final[dict[str, DeliveryMeaning]] = {
    "Success": DeliveryMeaning(DeliveryState.DELIVERED, True),
    "Sent": DeliveryMeaning(DeliveryState.SENT, False),
    "Submitted": DeliveryMeaning(DeliveryState.SENT, False),
    "Buffered": DeliveryMeaning(DeliveryState.SENT, False),
    "Rejected": DeliveryMeaning(DeliveryState.FAILED, True),
    "Failed": DeliveryMeaning(DeliveryState.FAILED, True),
    "AbsentSubscriber": DeliveryMeaning(DeliveryState.FAILED, True),
    "Expired": DeliveryMeaning(DeliveryState.FAILED, True),
}
register_statuses(PROVIDER, STATUSES)
REQUIRED: Final = ("from", "to", "id")
# Incoming SMS, stored whole in inbound_messages or not at all: an identifier beyond its column or with a
# control character is a 400 naming it; the text keeps its line breaks and loses only control characters
# (NUL included), and a text beyond TEXT_LIMIT is refused rather than stored cut.
INBOUND_LIMITS: Final = {"from": 32, "to": 32, "id": 100, "linkId": 100}
TEXT_LIMIT: Final = 2000
INBOUND_NETWORK_LIMIT: Final = 10  # informative: an unusable network code is dropped, not refused


def parse_inbound_sms(form: Mapping[str, str], received_at: datetime) -> InboundSms:
    """Validate an incoming-message form (``from, to, text, id, date, linkId, networkCode``)."""
    fields, sender, text = inbound_sms_fields(form, REQUIRED, INBOUND_LIMITS, TEXT_LIMIT)
    network = stripped(form.get("networkCode"))
    return InboundSms(
        provider=PROVIDER, provider_message_id=fields["id"], sender=sender, recipient=fields["to"],
        text=storable(text, TEXT_LIMIT, multiline=True), received_at=received_at,
        sent_at=parse_at_date(form.get("date"), received_at), link_id=fields["linkId"] or None,
        network_code=network if 0 < len(network) <= INBOUND_NETWORK_LIMIT else None)


# Delivery reports: column widths; a longer value is cut, never refused (a 4xx makes the provider retry for hours).
DELIVERY_REQUIRED: Final = ("id", "status")
DELIVERY_LIMITS: Final = {"id": 100, "status": 32, "phoneNumber": 32, "networkCode": 10, "failureReason": 64}
DELIVERY_COUNTS: Final = {"retryCount": INT32_MAX}


def parse_delivery_report(form: Mapping[str, str], received_at: datetime) -> DeliveryReport:
    """Read a delivery-report form (``id, status, phoneNumber, networkCode, failureReason, retryCount``).

    Only a missing ``id`` or ``status`` is malformed; any status, known or not, is kept verbatim,
    less control characters and cut to its column.
    """
    values: dict[str, str | None] = {}
    for name, width in DELIVERY_LIMITS.items():
        value = stripped(form.get(name))[:width]
        if not value and name in DELIVERY_REQUIRED:
            raise MalformedRequestError(f"missing field: {name}")
        values[name] = value or None
    return DeliveryReport(
        provider=PROVIDER, provider_message_id=values["id"] or "", status=values["status"] or "",
        received_at=received_at, phone=values["phoneNumber"], network_code=values["networkCode"],
        failure_reason=values["failureReason"],
        retry_count=bounded_count(form.get("retryCount") or "", DELIVERY_COUNTS["retryCount"]))


