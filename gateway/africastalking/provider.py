"""Africa's Talking as a registered provider: its callbacks, its USSD hop route and its SMS transport."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.ports import Transport
from gateway.africastalking import routes, ussd
from gateway.africastalking.sms_send import AfricasTalkingSmsTransport
from gateway.providers import Provider


def sms_transport(config: Mapping[str, Any]) -> Transport | None:
    """The SDK transport when AT_API_KEY is set."""
    if not config.get("AT_API_KEY"):
        return None
    return AfricasTalkingSmsTransport(
        str(config.get("AT_USERNAME") or "sandbox"), str(config["AT_API_KEY"]),
        base_url=config.get("AT_API_BASE_URL") or None, sender_id=config.get("SMS_SENDER_ID") or None)


AFRICAS_TALKING = Provider(
    "at", "Africa's Talking", routes.blueprint, lambda config: [routes.hop_route(config)], sms_transport,
    place_call=lambda call, config: ussd.place_call(call, config.get("AT_CALLBACK_KEY")), read_reply=ussd.read_reply)
