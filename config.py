"""Configuration from environment variables, with the documented defaults."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

# name -> (default, description); the README's configuration table lists the same.
SETTINGS: dict[str, tuple[str | None, str]] = {
    "DATABASE_URL": (None, "SQLAlchemy URL; default: SQLite file instance/cnss-gateway.db"),
    "REDIS_URL": (None, "Redis for USSD sessions; unset: embedded in-process store"),
    "AT_USERNAME": ("sandbox", "Africa's Talking username"),
    "AT_API_KEY": (None, "Africa's Talking API key (secret)"),
    "AT_API_BASE_URL": (None, "Overrides the SMS API base URL (sandbox or local fake)"),
    "AT_CALLBACK_KEY": (None, "Secret expected as ?key= on Africa's Talking callbacks"),
    "BANK_API_SECRET": (None, "HMAC secret of the bank API (secret)"),
    "SMS_SENDER_ID": (None, "Sender id or short code for outgoing SMS"),
    "SMTP_URL": (None, "SMTP server for email receipts, e.g. smtp://host:25"),
    "GATEWAY_TIMEZONE": ("Africa/Lome", "Timezone of business days and quiet hours"),
    "CNSS_RULES_FILE": (None, "JSON file of dated rule parameters added to the defaults"),
    "USSD_HOP_DEADLINE": ("2.0", "Seconds a hop may spend in the backend before the result goes by SMS"),
    "USSD_SESSION_TTL": ("300", "Seconds a USSD session is kept after its last hop"),
    "USSD_RESUME_WINDOW": ("600", "Seconds a redial from the same phone may resume a dropped session"),
    "PIN_MAX_ATTEMPTS": ("3", "Wrong PINs that lock USSD access"),
    "PIN_LOCKOUT_MINUTES": ("30", "Minutes USSD access stays locked"),
    "BANK_API_ID": ("ibbank", "X-Bank-Id of the bank whose secret is BANK_API_SECRET"),
    "BANK_API_SECRETS": (None, "More banks: 'bankid:secret,otherbank:secret' (secrets)"),
    "MOBILE_MONEY_SECRETS": (None, "Mobile-money operators: 'mixx:secret,flooz:secret' (secrets)"),
    "FINANCE_ALERT_PHONES": (None, "Comma-separated phones of CNSS finance staff for refused payments"),
    "PAYMENT_ALERT_SENDERS_FILE": (None, "JSON file: senders allowed to text payment alerts, and their templates"),
}


def load_config(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Read every setting from ``environ``; empty values count as unset."""
    config: dict[str, Any] = {}
    for name, (default, _) in SETTINGS.items():
        value = environ.get(name) or default
        config[name] = value
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "cnss-gateway.db")
    return config
