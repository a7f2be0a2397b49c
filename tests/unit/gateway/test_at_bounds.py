"""The limit tables of the Africa's Talking routes match the storage columns; bad form encodings are named."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.adapters.sqlalchemy import tables as t
from gateway.africastalking.sms import DELIVERY_LIMITS, INBOUND_LIMITS, INBOUND_NETWORK_LIMIT
from gateway.africastalking.ussd import EVENT_LIMITS, HOP_LIMITS
from gateway.base import MalformedRequestError
from gateway.bounds import check_form_encoding

events, inbound, reports = t.ussd_session_events.c, t.inbound_messages.c, t.delivery_reports.c
# Each route's field -> the column it is stored in.
STORED_IN = [
    ("hop", HOP_LIMITS, "sessionId", events.session_id),
    ("hop", HOP_LIMITS, "serviceCode", events.service_code),
    ("hop", HOP_LIMITS, "networkCode", events.network_code),
    ("event", EVENT_LIMITS, "sessionId", events.session_id),
    ("event", EVENT_LIMITS, "status", events.status),
    ("event", EVENT_LIMITS, "serviceCode", events.service_code),
    ("event", EVENT_LIMITS, "networkCode", events.network_code),
    ("event", EVENT_LIMITS, "cost", events.cost),
    ("inbound", INBOUND_LIMITS, "from", inbound.sender),
    ("inbound", INBOUND_LIMITS, "to", inbound.recipient),
    ("inbound", INBOUND_LIMITS, "id", inbound.provider_message_id),
    ("inbound", INBOUND_LIMITS, "linkId", inbound.link_id),
    ("inbound", {"networkCode": INBOUND_NETWORK_LIMIT}, "networkCode", inbound.network_code),
    ("delivery", DELIVERY_LIMITS, "id", reports.provider_message_id),
    ("delivery", DELIVERY_LIMITS, "status", reports.status),
    ("delivery", DELIVERY_LIMITS, "phoneNumber", reports.phone),
    ("delivery", DELIVERY_LIMITS, "networkCode", reports.network_code),
    ("delivery", DELIVERY_LIMITS, "failureReason", reports.failure_reason),
]


@pytest.mark.parametrize(("limits", "field", "column"), [case[1:] for case in STORED_IN],
                         ids=[f"{case[0]}-{case[2]}" for case in STORED_IN])
def test_each_route_limit_is_the_width_of_its_column(limits: dict[str, int], field: str,
                                                     column: sa.Column[object]) -> None:
    assert limits[field] == getattr(column.type, "length")


@pytest.mark.parametrize("body", [b"", b"text=", b"text=1234%2A1&phoneNumber=%2B22890112233", b"text=%C3%A9t%C3%A9",
                                  "text=été".encode(), b"a=b=c&&x", b"text=100%25"],
                         ids=["empty", "blank", "escaped", "escaped utf-8", "raw utf-8", "odd pairs", "literal percent"])
def test_well_encoded_forms_pass(body: bytes) -> None:
    check_form_encoding(body)


@pytest.mark.parametrize(("body", "reason"), [
    (b"sessionId=s1&text=%FF%FE", "text: bad encoding (not UTF-8)"),
    (b"text=\xff\xfe", "text: bad encoding (not UTF-8)"),
    (b"text=%ED%A0%80", "text: bad encoding (not UTF-8)"),  # an encoded surrogate
    (b"%FF=1", "field name: bad encoding (not UTF-8)"),
    (b"%00%01=%FF", "field: bad encoding (not UTF-8)"),
], ids=["percent-encoded garbage", "raw invalid bytes", "encoded surrogate", "bad name", "control name"])
def test_badly_encoded_forms_are_refused_naming_the_field(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedRequestError) as caught:
        check_form_encoding(body)
    assert caught.value.reason == reason
