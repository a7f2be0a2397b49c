"""Flask routes of Kannel's callbacks (sms-service get-url for incoming SMS, dlr-url for delivery reports): thin."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request

from gateway.callbacks import TEXT, guard
from gateway.kannel.sms import inbound_text, parse_delivery_report, parse_inbound_sms
from gateway.runtime import runtime
from gateway.security import callback_allowed
from gateway.sms_edge import receive_inbound_sms, settle_delivery_report

blueprint = Blueprint("kannel", __name__, url_prefix="/gateway/kannel")
# An empty 200: Kannel only wants a success, and the sms-service's ``max-messages = 0`` keeps it from
# texting any answer body back to the sender.
_ACK = ("", 200, TEXT)


def allowed(config: Mapping[str, Any], query: Mapping[str, str], _fields: Mapping[str, Any]) -> bool:
    """Kannel's get-url and dlr-url carry KANNEL_CALLBACK_KEY as ``?key=`` (closed in production when unset)."""
    return callback_allowed(config, {"KANNEL_CALLBACK_KEY": query.get("key")})


guard(blueprint, "Kannel", allowed)


@blueprint.get("/sms/inbound")
def sms_inbound() -> tuple[str, int, dict[str, str]]:
    """An incoming SMS (sms-service get-url): parsed here, then stored and dispatched as every provider's."""
    args: dict[str, str] = request.args.to_dict()
    text = inbound_text(request.query_string, args.get("charset"))
    if text is not None:  # a UCS-2 text smsbox did not recode: read from the raw query
        args["text"] = text
    receive_inbound_sms(parse_inbound_sms(args, runtime().clock.now()))
    return _ACK


@blueprint.get("/sms/delivery")
def sms_delivery() -> tuple[str, int, dict[str, str]]:
    """A delivery report (dlr-url): stored verbatim and applied to its message; 200 for any status, even unknown."""
    settle_delivery_report(parse_delivery_report(request.args.to_dict(), runtime().clock.now()))
    return _ACK
