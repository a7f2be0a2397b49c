"""The Hubtel-style USSD gateway as a registered provider."""
from __future__ import annotations

from gateway.hubtel import routes, ussd
from gateway.providers import Provider

HUBTEL = Provider("hubtel", "Hubtel-style gateway", routes.blueprint, routes.hop_routes,
                  place_call=lambda call, config: ussd.place_call(call, config.get("HUBTEL_CALLBACK_KEY")),
                  read_reply=ussd.read_reply)
