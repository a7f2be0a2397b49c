"""The Hubtel-style USSD gateway as a registered provider."""
from __future__ import annotations

from gateway.hubtel import routes
from gateway.providers import Provider

HUBTEL = Provider("hubtel", "Hubtel-style gateway", routes.blueprint, routes.hop_routes)
