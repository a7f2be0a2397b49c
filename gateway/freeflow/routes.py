"""Flask route of the Freeflow USSD callback: thin, the wire format is ``gateway.freeflow.ussd``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, request

from config import ConfigError
from gateway.callbacks import guard
from gateway.freeflow.ussd import (
    USSD_PATH, format_freeflow_reply, format_session_end, parameter_names, parse_freeflow_request)
from gateway.security import callback_allowed
from gateway.ussd_edge import HopRoute, Payload, SessionEnd, answer_callback
from menus.hop import UssdHop

blueprint = Blueprint("freeflow", __name__, url_prefix="/gateway/freeflow")


def allowed(config: Mapping[str, Any], query: Mapping[str, str], _fields: Mapping[str, Any]) -> bool:
    """The operator's ``userid`` and ``password`` match FREEFLOW_USERID and FREEFLOW_PASSWORD (closed in
    production when neither is set)."""
    names = parameter_names(config.get("FREEFLOW_PARAM_NAMES"))
    return callback_allowed(config, {"FREEFLOW_USERID": query.get(names["userid"]),
                                     "FREEFLOW_PASSWORD": query.get(names["password"])})


guard(blueprint, "Freeflow", allowed)


@blueprint.get("/ussd")
def ussd_hop() -> tuple[str, int, dict[str, str]]:
    """A hop the USSD edge left to Flask (refused here when malformed), or the cleanup call of a session."""
    names = parameter_names(current_app.config.get("FREEFLOW_PARAM_NAMES"))
    return answer_callback(parse_freeflow_request(request.args.to_dict(), names), USSD_PATH, format_freeflow_reply,
                           format_session_end)


def hop_routes(config: Mapping[str, Any]) -> list[HopRoute]:
    """The hop route as the USSD edge serves it (cleanup calls go on to Flask); the parameter names are read
    from ``config`` (the app's) at each hop, as Flask's route reads them."""
    try:
        parameter_names(config.get("FREEFLOW_PARAM_NAMES"))
    except ValueError as exc:
        raise ConfigError(f"invalid settings: FREEFLOW_PARAM_NAMES ({exc})") from exc

    def hop_only(args: Mapping[str, Any]) -> UssdHop | None:
        parsed = parse_freeflow_request(args, parameter_names(config.get("FREEFLOW_PARAM_NAMES")))
        return None if isinstance(parsed, SessionEnd) else parsed

    return [HopRoute(USSD_PATH, Payload.QUERY, allowed, hop_only, format_freeflow_reply)]
