"""Kannel as a registered provider: its callbacks (incoming SMS, delivery reports) and its SMS transport."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config import ConfigError
from core.ports import Transport
from gateway.kannel import routes
from gateway.kannel.sms_send import KannelSmsTransport
from gateway.providers import Provider

REQUIRED_WITH_URL = ("KANNEL_USERNAME", "KANNEL_PASSWORD", "KANNEL_CALLBACK_URL")


def sms_transport(config: Mapping[str, Any]) -> Transport | None:
    """The sendsms transport when KANNEL_SENDSMS_URL is set (with its user, password and callback URL)."""
    if not config.get("KANNEL_SENDSMS_URL"):
        return None
    missing = [name for name in REQUIRED_WITH_URL if not config.get(name)]
    if missing:
        raise ConfigError(f"invalid settings: {', '.join(missing)} (needed with KANNEL_SENDSMS_URL)")
    try:
        return KannelSmsTransport(
            str(config["KANNEL_SENDSMS_URL"]), str(config["KANNEL_USERNAME"]), str(config["KANNEL_PASSWORD"]),
            callback_url=str(config["KANNEL_CALLBACK_URL"]), callback_key=config.get("KANNEL_CALLBACK_KEY") or None,
            smsc=config.get("KANNEL_SMSC") or None, sender_id=config.get("SMS_SENDER_ID") or None)
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from None


KANNEL = Provider("kannel", "Kannel", routes.blueprint, sms_transport=sms_transport)
