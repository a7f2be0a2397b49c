"""Africa's Talking SMS callbacks: pure parsing of incoming messages and delivery reports."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from core.domain.alerts import normalise_sender
from core.domain.delivery_reports import DeliveryReport
from core.domain.inbound import InboundSms
from gateway.africastalking.ussd import parse_at_date
from gateway.base import MalformedRequestError

PROVIDER = "at"
REQUIRED = ("from", "to", "id")
LIMITS = {"from": 32, "to": 32, "id": 100, "text": 2000, "linkId": 100, "networkCode": 10}


def parse_inbound_sms(form: Mapping[str, str], received_at: datetime) -> InboundSms:
    """Validate an incoming-message form (``from, to, text, id, date, linkId, networkCode``)."""
    for name in REQUIRED:
        if not (form.get(name) or "").strip():
            raise MalformedRequestError(f"missing field: {name}")
    for name, limit in LIMITS.items():
        if len(form.get(name) or "") > limit:
            raise MalformedRequestError(f"{name}: too long")
    return InboundSms(
        provider=PROVIDER, provider_message_id=form["id"].strip(), sender=normalise_sender(form["from"]),
        recipient=form["to"].strip(), text=form.get("text") or "", received_at=received_at,
        sent_at=parse_at_date(form.get("date")), link_id=form.get("linkId") or None,
        network_code=form.get("networkCode") or None)


# Delivery reports: column widths; a longer value is cut, never refused (a 4xx makes the provider retry for hours).
DELIVERY_REQUIRED = ("id", "status")
DELIVERY_WIDTHS = {"id": 100, "status": 32, "phoneNumber": 32, "networkCode": 10, "failureReason": 64}


def parse_delivery_report(form: Mapping[str, str], received_at: datetime) -> DeliveryReport:
    """Read a delivery-report form (``id, status, phoneNumber, networkCode, failureReason, retryCount``).

    Only a missing ``id`` or ``status`` is malformed; any status, known or not, is kept verbatim.
    """
    values: dict[str, str | None] = {}
    for name, width in DELIVERY_WIDTHS.items():
        value = (form.get(name) or "").strip()
        if not value and name in DELIVERY_REQUIRED:
            raise MalformedRequestError(f"missing field: {name}")
        values[name] = value[:width] or None
    retries = (form.get("retryCount") or "").strip()
    return DeliveryReport(
        provider=PROVIDER, provider_message_id=values["id"] or "", status=values["status"] or "",
        received_at=received_at, phone=values["phoneNumber"], network_code=values["networkCode"],
        failure_reason=values["failureReason"],
        retry_count=int(retries) if retries.isascii() and retries.isdigit() and len(retries) <= 6 else None)
