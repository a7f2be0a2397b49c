"""Flask routes of the Africa's Talking callbacks (USSD hops and events, incoming SMS, delivery reports): thin."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, request

from core.domain.operations import UssdSessionReport
from gateway.africastalking.sms import parse_delivery_report, parse_inbound_sms
from gateway.africastalking.ussd import (
    PROVIDER, USSD_PATH, format_ussd_reply, parse_ussd_event, parse_ussd_request)
from gateway.bounds import check_form_encoding
from gateway.callbacks import TEXT, guard
from gateway.incidents import incident_register
from gateway.logs import bind_session
from gateway.runtime import runtime
from gateway.security import callback_allowed
from gateway.ussd_edge import HopRoute, Payload, answer_hop
from gateway.sms_edge import receive_inbound_sms, settle_delivery_report

logger = logging.getLogger(__name__)
blueprint = Blueprint("africastalking", __name__, url_prefix="/gateway/at")
_ACK = ("OK", 200, TEXT)  # callbacks only want a 200
FORM_TYPE = "application/x-www-form-urlencoded"


def _check_form_encoding() -> None:
    if request.mimetype == FORM_TYPE:
        check_form_encoding(request.get_data(cache=True))  # kept: the form is parsed from the cached body


def cursor_key(config: Mapping[str, Any] | None = None) -> bytes:
    """The server secret that keys USSD cursors (``config``: the current app's by default)."""
    return str((current_app.config if config is None else config)["GATEWAY_SECRET_KEY"]).encode()  # always set


@blueprint.post("/ussd")
def ussd_hop() -> Response:
    """One interactive hop that the USSD edge left to Flask: refused here when malformed, answered otherwise."""
    hop = parse_ussd_request(request.form, cursor_key=cursor_key())
    reply = answer_hop(runtime().ussd, hop, incident_register(), USSD_PATH)
    body, headers = format_ussd_reply(reply)
    return Response(body, 200, headers)


def hop_route(config: Mapping[str, Any]) -> HopRoute:
    """The interactive callback as the USSD edge serves it."""
    key = cursor_key(config)
    return HopRoute(USSD_PATH, Payload.FORM, _allowed, lambda form: parse_ussd_request(form, cursor_key=key),
                    format_ussd_reply)


def _allowed(config: Mapping[str, Any], query: Mapping[str, str], _fields: Mapping[str, Any]) -> bool:
    return callback_allowed(config, {"AT_CALLBACK_KEY": query.get("key")})


guard(blueprint, "Africa's Talking", _allowed, before=_check_form_encoding)


@blueprint.post("/sms/inbound")
def sms_inbound() -> tuple[str, int, dict[str, str]]:
    """An incoming SMS: parsed here, then stored and dispatched as every provider's (``gateway.sms_edge``)."""
    receive_inbound_sms(parse_inbound_sms(request.form, runtime().clock.now()))
    return _ACK


@blueprint.post("/sms/delivery")
def sms_delivery() -> tuple[str, int, dict[str, str]]:
    """A delivery report: stored verbatim and applied to its message; 200 for any status, even unknown."""
    settle_delivery_report(parse_delivery_report(request.form, runtime().clock.now()))
    return _ACK


@blueprint.post("/ussd/events")
def ussd_event() -> tuple[str, int, dict[str, str]]:
    """End-of-session notification: stored for operations, acknowledged with 200."""
    rt = runtime()
    event = parse_ussd_event(request.form, rt.clock.now())
    bind_session(PROVIDER, event.session_id)
    report = UssdSessionReport(
        provider=PROVIDER, session_id=event.session_id, status=event.status, received_at=rt.clock.now(),
        msisdn=event.msisdn.e164 if event.msisdn else None, service_code=event.service_code,
        network_code=event.network_code, ended_at=event.date, duration_ms=event.duration_ms,
        hops_count=event.hops_count, hops_metadata="|".join(event.hops_metadata), inputs_count=event.inputs_count,
        last_app_response=event.last_app_response, error_message=event.error_message, cost=event.cost)
    with rt.uow_factory() as uow:
        uow.ussd_reports.add(report)
        uow.commit()
    if event.status == "Failed":
        logger.warning("USSD session failed at the provider: %s", event.error_message)
    return _ACK
