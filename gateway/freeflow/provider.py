"""The operators' Freeflow USSD gateway as a registered provider."""
from __future__ import annotations

from gateway.freeflow import routes, ussd
from gateway.providers import Provider

FREEFLOW = Provider(
    "freeflow", "Operator Freeflow gateway", routes.blueprint, routes.hop_routes,
    place_call=lambda call, config: ussd.place_call(call, ussd.parameter_names(config.get("FREEFLOW_PARAM_NAMES")),
                                                    config.get("FREEFLOW_USERID"), config.get("FREEFLOW_PASSWORD")),
    read_reply=ussd.read_reply)
