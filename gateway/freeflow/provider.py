"""The operators' Freeflow USSD gateway as a registered provider."""
from __future__ import annotations

from gateway.freeflow import routes
from gateway.providers import Provider

FREEFLOW = Provider("freeflow", "Operator Freeflow gateway", routes.blueprint, routes.hop_routes)
