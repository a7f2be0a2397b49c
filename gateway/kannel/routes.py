"""Flask routes of Kannel's callbacks (sms-service get-url for incoming SMS, dlr-url for delivery reports): thin."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request

from gateway.base import MalformedRequestError
from gateway.kannel.sms import inbound_text, parse_delivery_report, parse_inbound_sms
from gateway.runtime import runtime
from gateway.security import callback_allowed
from gateway.sms_edge import receive_inbound_sms, settle_delivery_report

logger = logging.getLogger(__name__)
blueprint = Blueprint("kannel", __name__, url_prefix="/gateway/kannel")
_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
# An empty 200: Kannel only wants a success, and the sms-service's ``max-messages = 0`` keeps it from
# texting any answer body back to the sender.
_ACK = ("", 200, _TEXT)


@blueprint.before_request
def _check_callback_key() -> None:
    if not callback_allowed(current_app.config, {"KANNEL_CALLBACK_KEY": request.args.get("key")}):
        logger.warning("refused a Kannel callback on %s: wrong or missing key", request.path)
        abort(403)


@blueprint.errorhandler(MalformedRequestError)
def _malformed(error: MalformedRequestError) -> tuple[str, int, dict[str, str]]:
    logger.warning("malformed Kannel callback on %s: %s", request.path, error.reason)
    return f"bad request: {error.reason}", 400, _TEXT


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
