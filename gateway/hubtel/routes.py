"""Flask route of the Hubtel-style USSD callback: thin, the wire format is ``gateway.hubtel.ussd``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request

from gateway.base import MalformedRequestError
from gateway.callbacks import guard
from gateway.hubtel.ussd import USSD_PATH, format_hubtel_reply, format_session_end, parse_hubtel_request
from gateway.security import callback_allowed
from gateway.ussd_edge import HopRoute, Payload, SessionEnd, answer_callback, json_object
from menus.hop import UssdHop

blueprint = Blueprint("hubtel", __name__, url_prefix="/gateway/hubtel")


def allowed(config: Mapping[str, Any], query: Mapping[str, str], _payload: Mapping[str, Any]) -> bool:
    """The callback carries HUBTEL_CALLBACK_KEY as ``?key=`` (closed in production when it is unset)."""
    return callback_allowed(config, {"HUBTEL_CALLBACK_KEY": query.get("key")})


guard(blueprint, "Hubtel", allowed)


@blueprint.post("/ussd")
def ussd_hop() -> tuple[str, int, dict[str, str]]:
    """A hop the USSD edge left to Flask (refused here when malformed), or a session's Release or Timeout."""
    payload = json_object(request.get_data())
    if payload is None:
        raise MalformedRequestError("body: not a JSON object")
    return answer_callback(parse_hubtel_request(payload), USSD_PATH, format_hubtel_reply, format_session_end)


def hop_routes(_config: Mapping[str, Any]) -> list[HopRoute]:
    """The hop route as the USSD edge serves it (session ends go on to Flask)."""
    def hop_only(payload: Mapping[str, Any]) -> UssdHop | None:
        parsed = parse_hubtel_request(payload)
        return None if isinstance(parsed, SessionEnd) else parsed

    return [HopRoute(USSD_PATH, Payload.JSON, allowed, hop_only, format_hubtel_reply)]
